"""site.yaml validation: every problem at once, with line and 'did you mean'."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import KEYS, default_taxonomy, load_config, parse_config
from generator.errors import ConfigError


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, Path("."))
    return [str(p) for p in info.value.problems]


def test_defaults_and_default_taxonomy_of_twelve_topics():
    config = parse_config("title: X\n", Path("."))
    assert config.timezone == "UTC" and config.theme == "default" and config.author == "X"
    slugs = [t.slug for t in config.taxonomy]
    assert slugs == ["middle-east", "russia-ukraine", "indo-pacific", "europe-nato", "americas", "africa",
                     "sanctions-security", "budget-acquisition", "personnel", "humanitarian", "climate-energy", "domestic"]
    assert all(t.keywords for t in default_taxonomy())


def test_every_problem_is_reported_with_its_line():
    assert problems("title: X\ntimezon: UTC\ntheme: 3\ntimezone: Mars/Olympus\nbase_url: example.org\n") == [
        "site.yaml:2: timezon: unknown key (did you mean 'timezone'?)",
        "site.yaml:3: theme: expected text, got 3",
        "site.yaml:4: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as UTC or America/New_York)",
        "site.yaml:5: base_url: 'example.org' is not an absolute http(s) URL such as https://example.org/briefing/",
    ]


def test_yaml_syntax_error_has_a_line():
    (message,) = problems("title: X\nbad: [unclosed\n")
    assert message.startswith("site.yaml:") and "not valid YAML" in message


def test_taxonomy_is_user_configurable_and_validated():
    config = parse_config("taxonomy:\n  - slug: energy\n    name: Energy\n    keywords: {oil: 2, gas: 1}\n", Path("."))
    assert [(t.slug, t.keywords) for t in config.taxonomy] == [("energy", (("oil", 2.0), ("gas", 1.0)))]
    assert problems("taxonomy:\n  - slug: Bad Slug\n  - slug: ok\n    keywrods: [x]\n") == [
        "site.yaml:2: taxonomy.slug: each topic needs a slug of lower-case letters, digits and hyphens",
        "site.yaml:4: taxonomy.keywrods: unknown key (did you mean 'keywords'?)",
    ]


def test_base_url_gets_a_trailing_slash_and_a_base_path():
    config = parse_config("base_url: https://example.org/briefing\n", Path("."))
    assert config.base_url == "https://example.org/briefing/" and config.base_path == "/briefing/"


def test_missing_site_yaml(tmp_path):
    with pytest.raises(ConfigError, match="no site.yaml here"):
        load_config(tmp_path)


def test_readme_documents_every_key():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"`{key}`" in readme, f"README does not document site.yaml key {key}"


def test_sample_site_carries_the_shipped_taxonomy():
    """The repository's site.yaml is what `briefing new` writes; its taxonomy must not drift from the default."""
    root = Path(__file__).resolve().parent.parent
    assert load_config(root).taxonomy == default_taxonomy()
