"""site.yaml: one schema, every key typed and documented, every problem reported at once."""
from __future__ import annotations

import dataclasses

import re
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from generator.errors import ConfigError, Problem, did_you_mean
from generator.records import Topic, record
from generator.yamlio import Located, error_line, error_text, load_located

CONFIG_FILE = "site.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@record
class Config:
    """A site's configuration, validated."""

    site_dir: Path
    title: str = "Briefing"
    description: str = "Weekly digests of official news releases"
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    author: str = ""
    recent_weeks: int = 8
    feed_items: int = 50
    taxonomy: tuple[Topic, ...] = ()
    search: bool = True  # false also when Pagefind is missing: the build then turns it off

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def releases_dir(self) -> Path:
        return self.site_dir / "content" / "releases"

    @property
    def annotated_dir(self) -> Path:
        return self.site_dir / "content" / "annotated"

    @property
    def base_path(self) -> str:
        """The path part of base_url: '/' or '/briefing/'."""
        path = re.sub(r"^[a-z]+://[^/]+", "", self.base_url)
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"


# key -> (type check, description); the README's table of keys is written from this.
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "the site's name, shown in every page header and in feeds"),
    "description": (str, "one line about the site, for the home page and feeds"),
    "base_url": (str, "absolute URL the site is published at, e.g. https://example.org/briefing/"),
    "language": (str, "language code of the content, e.g. en"),
    "timezone": (str, "IANA time zone applied to the times in release headers, e.g. America/New_York"),
    "theme": (str, "theme name: themes/<name>/ in the site, else a theme shipped with Briefing"),
    "author": (str, "author name for feeds (default: the title)"),
    "recent_weeks": (int, "how many recent weeks the home page links to"),
    "feed_items": (int, "how many releases the Atom feed holds"),
    "taxonomy": (list, "the topics: a list of {slug, name, description, keywords}; default: the 12 shipped topics"),
    "search": (bool, "full-text search of the releases with Pagefind (true or false)"),
}
TOPIC_KEYS = {"slug", "name", "description", "keywords"}


def load_config(site_dir: Path) -> Config:
    """Read and validate SITE/site.yaml; raises ConfigError with every problem."""
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        raise ConfigError([Problem(str(path), 0, "", "no site.yaml here; run 'briefing new DIR' or pass --site DIR")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), 0, "", f"cannot read: {exc}")]) from None
    return parse_config(text, site_dir, CONFIG_FILE)


def with_base_url(config: Config, base_url: str | None) -> Config:
    """The configuration with base_url given on the command line (--base-url) instead of site.yaml's."""
    if base_url is None:
        return config
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        raise ConfigError([Problem("--base-url", 0, "base_url",
                                   f"'{base_url}' is not an absolute http(s) URL such as https://example.org/briefing/")])
    return dataclasses.replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")


def parse_config(text: str, site_dir: Path, origin: str = CONFIG_FILE) -> Config:
    """Validate the text of a site.yaml."""
    try:
        root = load_located(text, origin)
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(origin, error_line(exc), "", f"not valid YAML: {error_text(exc)}")]) from None
    if root.value is None:
        root = Located({}, 1)
    if not isinstance(root.value, dict):
        raise ConfigError([Problem(origin, root.line, "", "expected a mapping of keys such as 'title:'")])
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, item in root.value.items():
        if key not in KEYS:
            problems.append(Problem(origin, item.line, key, "unknown key" + did_you_mean(key, KEYS)))
            continue
        kind, _ = KEYS[key]
        if key == "taxonomy":
            values[key] = parse_taxonomy(item, origin, problems)
        elif not isinstance(item.value, kind) or isinstance(item.value, bool) and kind is not bool:
            problems.append(Problem(origin, item.line, key, f"expected {type_name(kind)}, got {item.value!r}"))
        else:
            values[key] = item.value
    check_values(values, root.value, origin, problems)
    if "taxonomy" not in values:
        values["taxonomy"] = default_taxonomy()
    if problems:
        raise ConfigError(sorted(problems))
    if not values.get("author"):
        values["author"] = values.get("title", Config.title)
    return Config(site_dir=site_dir, **values)


def check_values(values: dict[str, Any], located: dict[str, Located], origin: str, problems: list[Problem]) -> None:
    def bad(key: str, message: str) -> None:
        problems.append(Problem(origin, located[key].line, key, message))

    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"unknown time zone '{values['timezone']}' (use an IANA name such as UTC or America/New_York)")
    if "base_url" in values and not re.match(r"^https?://[^/\s]+(/\S*)?$", values["base_url"]):
        bad("base_url", f"'{values['base_url']}' is not an absolute http(s) URL such as https://example.org/briefing/")
    elif "base_url" in values and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    for key in ("recent_weeks", "feed_items"):
        if key in values and values[key] < 1:
            bad(key, "must be 1 or more")
    if "theme" in values and not re.match(r"^[A-Za-z0-9_.-]+$", values["theme"]) or values.get("theme", "x").startswith("."):
        bad("theme", f"'{values['theme']}' is not a theme name (a folder name under themes/)")


def parse_taxonomy(item: Located, origin: str, problems: list[Problem]) -> tuple[Topic, ...]:
    if not isinstance(item.value, list) or not item.value:
        problems.append(Problem(origin, item.line, "taxonomy", "expected a non-empty list of topics"))
        return ()
    topics: list[Topic] = []
    seen: set[str] = set()
    for entry in item.value:
        topic = parse_topic(entry, origin, problems)
        if topic is None:
            continue
        if topic.slug in seen:
            problems.append(Problem(origin, entry.line, "taxonomy.slug", f"'{topic.slug}' is listed twice"))
            continue
        seen.add(topic.slug)
        topics.append(topic)
    return tuple(topics)


def parse_topic(entry: Located, origin: str, problems: list[Problem]) -> Topic | None:
    if not isinstance(entry.value, dict):
        problems.append(Problem(origin, entry.line, "taxonomy", "each topic is a mapping with slug, name and keywords"))
        return None
    fields = entry.value
    ok = True
    for key, value in fields.items():
        if key not in TOPIC_KEYS:
            problems.append(Problem(origin, value.line, f"taxonomy.{key}", "unknown key" + did_you_mean(key, TOPIC_KEYS)))
            ok = False
    slug = fields.get("slug")
    if slug is None or not isinstance(slug.value, str) or not SLUG.match(slug.value):
        line = slug.line if slug else entry.line
        problems.append(Problem(origin, line, "taxonomy.slug", "each topic needs a slug of lower-case letters, digits and hyphens"))
        return None
    name = fields.get("name")
    if name is not None and not isinstance(name.value, str):
        problems.append(Problem(origin, name.line, "taxonomy.name", "expected text"))
        ok = False
    description = fields.get("description")
    if description is not None and not isinstance(description.value, str):
        problems.append(Problem(origin, description.line, "taxonomy.description", "expected text"))
        ok = False
    keywords = parse_keywords(fields.get("keywords"), slug.value, origin, problems)
    if not ok or keywords is None:
        return None
    return Topic(
        slug=slug.value,
        name=name.value if name else slug.value.replace("-", " ").title(),
        description=description.value if description else "",
        keywords=keywords,
    )


def parse_keywords(item: Located | None, slug: str, origin: str, problems: list[Problem]) -> tuple[tuple[str, float], ...] | None:
    """keywords: a mapping term -> weight, or a list of terms (weight 1)."""
    if item is None:
        return ()
    pairs: list[tuple[str, float]] = []
    if isinstance(item.value, list):
        entries = [(term.value, Located(1.0, term.line)) for term in item.value]
    elif isinstance(item.value, dict):
        entries = list(item.value.items())
    else:
        problems.append(Problem(origin, item.line, f"taxonomy.{slug}.keywords", "expected a mapping of term: weight"))
        return None
    ok = True
    for term, weight in entries:
        if not isinstance(term, str) or not term.strip():
            problems.append(Problem(origin, weight.line, f"taxonomy.{slug}.keywords", f"term {term!r} is not text"))
            ok = False
        elif isinstance(weight.value, bool) or not isinstance(weight.value, (int, float)):
            problems.append(Problem(origin, weight.line, f"taxonomy.{slug}.keywords",
                                    f"weight of '{term}' must be a number, got {weight.value!r}"))
            ok = False
        else:
            pairs.append((term.strip(), float(weight.value)))
    return tuple(pairs) if ok else None


def type_name(kind: type | tuple[type, ...]) -> str:
    names: Callable[[type], str] = lambda t: {str: "text", int: "a whole number", list: "a list", bool: "true or false"}.get(t, t.__name__)
    return " or ".join(names(k) for k in kind) if isinstance(kind, tuple) else names(kind)


def default_taxonomy_text() -> str:
    return resources.files("generator.data").joinpath("taxonomy.yaml").read_text(encoding="utf-8")


def default_taxonomy() -> tuple[Topic, ...]:
    """The 12 topics shipped with Briefing."""
    problems: list[Problem] = []
    root = load_located(default_taxonomy_text(), "taxonomy.yaml")
    topics = parse_taxonomy(root.value["taxonomy"], "generator/data/taxonomy.yaml", problems)
    if problems:  # a defect in the shipped file, not a user's mistake
        raise RuntimeError("\n".join(map(str, problems)))
    return topics
