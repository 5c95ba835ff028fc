"""Theme lookup: a site's own templates/ override single templates of its theme."""
from __future__ import annotations

import shutil

from generator.build import Builder, build
from generator.config import load_config
from tests.conftest import SAMPLE


def test_site_template_overrides_the_theme_and_is_watched_for_changes(sample_site, tmp_path):
    (sample_site / "templates").mkdir()
    override = sample_site / "templates" / "404.html"
    override.write_text('{% extends "base.html" %}{% block main %}<p>Nothing here, sorry.</p>{% endblock %}\n')
    builder = Builder(sample_site / "output", in_place=True)
    builder.build(load_config(sample_site))
    assert "Nothing here, sorry." in (sample_site / "output" / "404.html").read_text()
    assert "Weeks" in (sample_site / "output" / "404.html").read_text()  # base.html still comes from the theme
    override.write_text(override.read_text().replace("sorry", "really sorry"))
    builder.build(load_config(sample_site))
    assert "Nothing here, really sorry." in (sample_site / "output" / "404.html").read_text()
    build(load_config(sample_site), tmp_path / "full", use_cache=False)
    assert (tmp_path / "full" / "404.html").read_bytes() == (sample_site / "output" / "404.html").read_bytes()


def test_theme_with_a_parent_overrides_only_what_it_changes(sample_site, tmp_path):
    child = sample_site / "themes" / "child"
    (child / "templates").mkdir(parents=True)
    (child / "theme.yaml").write_text("name: child\nparent: default\n")
    (child / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}<p>Child 404.</p>{% endblock %}\n')
    (sample_site / "site.yaml").write_text((sample_site / "site.yaml").read_text().replace("theme: default", "theme: child"))
    build(load_config(sample_site), tmp_path / "out")
    assert "Child 404." in (tmp_path / "out" / "404.html").read_text()
    assert (tmp_path / "out" / "static" / "style.css").is_file()  # static files come from the parent
    assert SAMPLE.exists() and shutil.which  # the sample release built with the child theme
    assert list((tmp_path / "out" / "releases").iterdir())
