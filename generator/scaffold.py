"""`briefing new DIR`: a new site that builds at once."""
from __future__ import annotations

from pathlib import Path

from generator.config import default_taxonomy_text
from generator.errors import ConfigError, Problem

SITE_YAML = """\
# Briefing site configuration. Every key is described in Briefing's README.
title: {title}
description: Weekly digests of official news releases
base_url: http://localhost:8000/
language: en
# The time zone applied to the times in release headers (they carry none).
timezone: UTC
theme: default
recent_weeks: 8
feed_items: 50

# The topics releases are sorted into. Edit the keywords (a case-insensitive word or phrase,
# with a weight; a trailing * matches any ending) or add topics of your own.
"""


def new_site(target: Path) -> list[Path]:
    """Create site.yaml and content/releases/ in target; refuse to overwrite a site."""
    if (target / "site.yaml").exists():
        raise ConfigError([Problem(str(target / "site.yaml"), 0, "", "a site already exists here; choose an empty folder")])
    if target.exists() and not target.is_dir():
        raise ConfigError([Problem(str(target), 0, "", "exists and is not a folder")])
    title = target.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Briefing"
    taxonomy = default_taxonomy_text().split("\ntaxonomy:", 1)[1]
    created = []
    (target / "content" / "releases").mkdir(parents=True, exist_ok=True)
    created.append(target / "content" / "releases")
    site_yaml = target / "site.yaml"
    site_yaml.write_text(SITE_YAML.format(title=quote_title(title)) + "taxonomy:" + taxonomy, encoding="utf-8")
    created.append(site_yaml)
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("output/\n.briefing-cache/\n", encoding="utf-8")
        created.append(gitignore)
    return created


def quote_title(title: str) -> str:
    return '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
