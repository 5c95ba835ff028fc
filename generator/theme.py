"""Finding a theme: the site's themes/<name>/ first, then the themes shipped with Briefing.

A theme may extend a parent (`parent: default` in its theme.yaml); its templates and static
files are searched child first, then parent. A site may override single templates in its own
templates/ folder, searched before any theme. A theme may also ask for alternate outputs of a
page (`outputs: {week.html: [week.txt]}`): more files rendered beside it with the same values;
a child has its parents' outputs and its own.
"""
from __future__ import annotations

import importlib.resources
import importlib.util
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

import generator
from generator.config import CONFIG_FILE, Config
from generator.errors import ConfigError, Problem, did_you_mean
from generator.records import record
from generator.yamlio import Located, error_line, error_text, load_located, plain

THEME_FILE = "theme.yaml"
THEME_KEYS = {"name", "description", "parent", "outputs"}
SITE_TEMPLATES = "templates"  # SITE/templates/<name>.html overrides the theme's template of that name


@record
class Theme:
    """A resolved theme: its search paths, child first."""

    name: str
    description: str
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    chain: tuple[str, ...]  # the theme, then its parent, then the parent's parent...
    # page template -> templates rendered beside each of its pages with the same values, e.g.
    # (("week.html", ("week.txt",)),): weeks/2024-w44/index.html also gets weeks/2024-w44/index.txt
    outputs: tuple[tuple[str, tuple[str, ...]], ...] = ()


@record
class OutputRule:
    """One `outputs` entry of a theme.yaml, with its place for messages."""

    page: str  # "week.html"
    extras: tuple[str, ...]  # ("week.txt",)
    origin: str  # the theme.yaml that asks for it, as the user knows it
    line: int


def resolve_theme(config: Config) -> Theme:
    """The configured theme and its parents; raises ConfigError when one is missing or malformed."""
    dirs: list[Path] = []
    chain: list[str] = []
    description = ""
    rules: list[OutputRule] = []
    name: str | None = config.theme
    while name is not None:
        if name in chain:
            raise ConfigError([Problem(display(dirs[-1] / THEME_FILE, config), 0, "parent",
                                       f"themes extend each other in a circle: {' -> '.join(chain + [name])}")])
        found = find_theme_dir(name, config)
        if found is None:
            where = display(dirs[-1] / THEME_FILE, config) if dirs else CONFIG_FILE
            field = "parent" if dirs else "theme"
            available = ", ".join(available_themes(config)) or "none"
            line = key_line(dirs[-1] / THEME_FILE if dirs else config.site_dir / CONFIG_FILE, field)
            raise ConfigError([Problem(where, line, field, f"no theme '{name}' in themes/ (available: {available})"
                                       + did_you_mean(name, available_themes(config)))])
        meta = read_theme_meta(found, config)
        if not chain:
            description = meta.get("description", "")
        chain.append(name)
        dirs.append(found)
        rules.extend(meta.get("outputs", ()))
        name = meta.get("parent")
    own = config.site_dir / SITE_TEMPLATES  # the site's own overrides of single templates come first
    template_dirs = ((own,) if own.is_dir() else ()) + tuple(d / "templates" for d in dirs if (d / "templates").is_dir())
    return Theme(
        name=config.theme,
        description=description,
        template_dirs=template_dirs,
        static_dirs=tuple(d / "static" for d in dirs if (d / "static").is_dir()),
        chain=tuple(chain),
        outputs=merge_outputs(rules, template_dirs),
    )


def merge_outputs(rules: list[OutputRule], template_dirs: tuple[Path, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The outputs of a theme and its parents together, sorted; every template named must exist."""
    if not rules:
        return ()
    known = {p.relative_to(d).as_posix() for d in template_dirs for p in d.rglob("*") if p.is_file()}
    problems = [Problem(rule.origin, rule.line, f"outputs.{rule.page}",
                        f"template '{name}' not found in the theme, its parents or the site's templates/"
                        + did_you_mean(name, known))
                for rule in rules for name in (rule.page, *rule.extras) if name not in known]
    merged: dict[str, set[str]] = {}
    for rule in rules:
        merged.setdefault(rule.page, set()).update(rule.extras)
    for page, extras in sorted(merged.items()):  # a parent and a child may each give the page an output of one suffix
        suffixes = [PurePosixPath(extra).suffix for extra in sorted(extras)]
        for suffix in sorted({s for s in suffixes if suffixes.count(s) > 1}):
            rule = next(r for r in rules if r.page == page)
            problems.append(Problem(rule.origin, rule.line, f"outputs.{page}",
                                    f"two outputs end in '{suffix}' and would be written to the same file"))
    if problems:
        raise ConfigError(sorted(set(problems)))
    return tuple((page, tuple(sorted(extras))) for page, extras in sorted(merged.items()))


def shipped_themes_dirs() -> tuple[Path, ...]:
    """The themes installed with Briefing (package briefing_themes), else the checkout's themes/."""
    try:
        root = importlib.resources.files("briefing_themes")
    except ModuleNotFoundError:  # running from a checkout that is not installed
        root = None
    if isinstance(root, Path) and root.is_dir():
        return (root,)
    if root is not None:  # a namespace package (no __init__.py): one folder per sys.path entry
        spec = importlib.util.find_spec("briefing_themes")
        locations = tuple(Path(p) for p in (spec.submodule_search_locations or ()) if Path(p).is_dir()) if spec else ()
        if locations:
            return locations
    return (Path(generator.__file__).resolve().parent.parent / "themes",)


def theme_roots(config: Config) -> tuple[Path, ...]:
    """Where themes are looked for, in order."""
    return (config.site_dir / "themes", *shipped_themes_dirs())


def find_theme_dir(name: str, config: Config) -> Path | None:
    for root in theme_roots(config):
        candidate = root / name
        if candidate.is_dir() and ((candidate / "templates").is_dir() or (candidate / THEME_FILE).is_file()):
            return candidate
    return None


def available_themes(config: Config) -> list[str]:
    names: set[str] = set()
    for root in theme_roots(config):
        if root.is_dir():
            names.update(p.name for p in root.iterdir()
                         if p.is_dir() and not p.name.startswith((".", "_")) and find_theme_dir(p.name, config))
    return sorted(names)


def read_theme_meta(theme_dir: Path, config: Config) -> dict[str, Any]:
    """theme.yaml as {name, description, parent: text, outputs: [OutputRule]}; absent file means no parent."""
    path = theme_dir / THEME_FILE
    origin = display(path, config)
    if not path.is_file():
        return {}
    try:
        root = load_located(path.read_text(encoding="utf-8-sig"), origin)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(origin, 0, "", f"cannot read: {exc}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(origin, error_line(exc), "", f"not valid YAML: {error_text(exc)}")]) from None
    if root.value is None:
        return {}
    if not isinstance(root.value, dict):
        raise ConfigError([Problem(origin, root.line, "", "expected a mapping with name, description, parent, outputs")])
    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    for key, item in root.value.items():
        if key not in THEME_KEYS:
            problems.append(Problem(origin, item.line, key, "unknown key" + did_you_mean(key, THEME_KEYS)))
        elif key == "outputs":
            meta[key] = read_outputs(item, origin, problems)
        elif not isinstance(item.value, str) or not item.value.strip():
            problems.append(Problem(origin, item.line, key, f"expected text, got {item.value!r}"))
        else:
            meta[key] = item.value.strip()
    if problems:
        raise ConfigError(sorted(problems))
    return meta


def read_outputs(item: Located, origin: str, problems: list[Problem]) -> tuple[OutputRule, ...]:
    """`outputs: {week.html: [week.txt]}`: page template -> templates rendered beside its pages."""
    if not isinstance(item.value, dict):
        problems.append(Problem(origin, item.line, "outputs",
                                f"expected a mapping of page templates to lists of templates, e.g. 'week.html: [week.txt]', got {plain(item)!r}"))
        return ()
    rules = []
    for page, extras in item.value.items():
        field = f"outputs.{page}"
        values = extras.value if isinstance(extras.value, list) else [extras]
        names = [v.value for v in values]
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(Problem(origin, extras.line, field, f"expected a list of template names, got {plain(extras)!r}"))
            continue
        names = [n.strip() for n in names]
        suffix = PurePosixPath(page).suffix
        if not suffix:
            problems.append(Problem(origin, extras.line, field, "expected a page template name with a suffix, e.g. 'week.html'"))
            continue
        bad = [n for n in names if not PurePosixPath(n).suffix or PurePosixPath(n).suffix == suffix]
        if bad:
            problems.append(Problem(origin, extras.line, field, f"'{bad[0]}' needs a suffix other than '{suffix}': "
                                    f"each page gets its output beside it, index{suffix} -> index.txt for week.txt"))
            continue
        rules.append(OutputRule(page, tuple(names), origin, extras.line))
    return tuple(rules)


def key_line(path: Path, key: str) -> int:
    """The line of a top-level key in a YAML file, for a message; 0 when it cannot be found."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    match = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def display(path: Path, config: Config) -> str:
    """A path as the user knows it: relative to the site when inside it."""
    try:
        return path.resolve().relative_to(config.site_dir.resolve()).as_posix()
    except ValueError:
        return str(path)
