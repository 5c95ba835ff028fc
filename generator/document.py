"""Annotated Markdown: the only module that knows the front-matter schema.

A file is YAML front matter between `---` lines, then the release text as Markdown.
The writer ends the front matter with `checksum:`, the sha256 of the file as written
(without that line): a file whose checksum no longer matches was edited by a person.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable

import yaml

from generator.errors import ContentError, Problem, did_you_mean
from generator.records import Annotation, DateMention, Document, Figure, Org, Person, Place, Quote, Release, iso_week, pack
from generator.yamlio import FAST_LOADER, Located, error_line, error_text, load_located, load_unlocated, plain

FENCE = "---"
# libyaml's emitter where PyYAML has it: the same text as the pure-Python one (checked on every
# field of the 421 corpus releases), ten times faster
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
CHECKSUM_LINE = re.compile(r"^checksum: *([0-9a-f]{64}) *\n", re.MULTILINE)
# a conflict in the body, as git writes one: your paragraphs, then the annotator's
CONFLICT_START, CONFLICT_MIDDLE, CONFLICT_END = "<<<<<<< yours", "=======", ">>>>>>> annotator"
CONFLICT_SIDES = ("yours", "annotator")
MAX_SLUG_WORDS = 8
MAX_SLUG_CHARS = 100  # file names stay well under the file system's 255 bytes, whatever the title

# key -> (required, description). The order is the order the writer uses.
KEYS: dict[str, tuple[bool, str]] = {
    "source_file": (False, "file name of the raw release it came from"),
    "source_sha256": (False, "sha256 of the raw release's bytes"),
    "source_item": (False, "which release of a source file that holds several (an RSS item's guid)"),
    "source_url": (False, "where the release was published, when its source says"),
    "title": (True, "the headline (derived when the release has none)"),
    "title_source": (False, "'release' when the release gives the headline, 'derived' when Briefing made it"),
    "date": (True, "release date, YYYY-MM-DD"),
    "distributed_at": (False, "wire distribution time, ISO 8601 with offset"),
    "kind": (False, "kind of release from the header, e.g. News release"),
    "distributor": (False, "wire distributor from the header"),
    "issuer": (False, "the body that issued the release"),
    "byline": (False, "the byline line the release opens with, if any"),
    "week": (False, "ISO week of the date, e.g. 2024-W44 (derived from date)"),
    "topics": (False, "taxonomy slugs, most central first"),
    "summary": (False, "one or two sentences"),
    "people": (False, "[{name, role, paragraph}]"),
    "countries": (False, "ISO 3166-1 alpha-2 codes"),
    "places": (False, "[{name, country, paragraph}]: cities and regions with their country"),
    "orgs": (False, "[{name, aliases, paragraph}]"),
    "quotes": (False, "[{text, speaker, paragraph}]"),
    "figures": (False, "[{value, unit, object, text, qualifier, paragraph}]"),
    "dates": (False, "[{text, date, paragraph}]: dates mentioned, resolved against the release date"),
    "extra": (False, "a mapping of your own keys, kept and passed to templates"),
    "conflicts": (False, "{field: {yours, annotator}}: fields you and the annotator both changed; yours is used"),
    "annotator": (False, "version of the annotator that wrote the file"),
    "checksum": (False, "sha256 of the file as Briefing wrote it; a mismatch means a person edited it"),
}


# ---------------------------------------------------------------- writing

def annotated_path(release: Release, annotation: Annotation) -> str:
    """content/annotated-relative path: YYYY/<date>-<slug>.md."""
    return f"{release.date.year:04d}/{release.date.isoformat()}-{slugify(annotation.title)}.md"


def slugify(text: str, max_words: int = MAX_SLUG_WORDS) -> str:
    """ASCII, lower-case, hyphenated; at most max_words words; 'release' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    slug = "-".join(words[:max_words])
    if len(slug) > MAX_SLUG_CHARS:
        cut = slug.rfind("-", 0, MAX_SLUG_CHARS + 1)
        slug = slug[:cut if cut > 0 else MAX_SLUG_CHARS]
    return slug or "release"


def render_document(release: Release, annotation: Annotation, annotator_version: str) -> str:
    """The text of the annotated Markdown file for a release; deterministic."""
    fields: list[tuple[str, Any]] = [
        ("source_file", release.source_file),
        ("source_sha256", release.sha256),
    ]
    if release.source_item:
        fields.append(("source_item", release.source_item))
    if release.url:
        fields.append(("source_url", release.url))
    fields += [
        ("title", annotation.title),
        ("title_source", annotation.title_source),
        ("date", release.date),
        ("distributed_at", release.distributed_at.isoformat()),
        ("kind", release.kind),
        ("distributor", release.distributor),
        ("issuer", annotation.issuer),
    ]
    if release.byline:
        fields.append(("byline", release.byline))
    fields += [
        ("week", iso_week(release.date)),
        ("topics", list(annotation.topics)),
        ("summary", annotation.summary),
        ("people", [drop_empty({"name": p.name, "role": p.role, "paragraph": p.paragraph}) for p in annotation.people]),
        ("countries", list(annotation.countries)),
        ("places", [{"name": p.name, "country": p.country, "paragraph": p.paragraph} for p in annotation.places]),
        ("orgs", [{"name": o.name, "aliases": list(o.aliases), "paragraph": o.paragraph} for o in annotation.orgs]),
        ("quotes", [{"text": q.text, "speaker": q.speaker, "paragraph": q.paragraph} for q in annotation.quotes]),
        ("figures", [drop_empty({"value": q.value, "unit": q.unit, "object": q.object, "text": q.text,
                                 "qualifier": q.qualifier, "paragraph": q.paragraph}, keep=("unit",))
                     for q in annotation.figures]),
        ("dates", [{"text": d.text, "date": d.date, "paragraph": d.paragraph} for d in annotation.dates]),
        ("annotator", annotator_version),
    ]
    front = "".join(dump_field(key, value) for key, value in fields)
    body = "\n\n".join(escape_markdown(p) for p in release.paragraphs)
    text = f"{FENCE}\n{front}{FENCE}\n\n{body}\n"
    return with_checksum(text)


def drop_empty(item: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k in keep or v not in ("", None)}


def dump_field(key: str, value: Any) -> str:
    """One top-level key; lists of plain values in flow style, records in block style."""
    flow = isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)
    return yaml.dump({key: value}, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True, width=10_000,
                     default_flow_style=None if flow else False)


def with_checksum(text: str) -> str:
    """Insert `checksum:` as the last front-matter line."""
    end = text.index(f"\n{FENCE}\n", len(FENCE)) + 1
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{text[:end]}checksum: {digest}\n{text[end:]}"


def checksum_of(text: str) -> str:
    """The value of the file's `checksum:` line, '' when it has none."""
    match = CHECKSUM_LINE.search(text)
    return match.group(1) if match else ""


def is_edited(text: str) -> bool:
    """True when the file is not byte for byte what Briefing wrote (or has no checksum)."""
    match = CHECKSUM_LINE.search(text)
    if not match:
        return True
    without = text[:match.start()] + text[match.end():]
    return hashlib.sha256(without.encode("utf-8")).hexdigest() != match.group(1)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")  # raw HTML is never passed through by the renderer
BLOCK_START = re.compile(r"^(\s*)([#>+]|\d+[.)])(?=\s|$)")
BULLET = re.compile(r"^\s*[•·▪◦‣]\s+")


def escape_markdown(paragraph: str) -> str:
    """Plain release text as Markdown that renders as the same text; '- ' and '• ' lines stay bullets."""
    text = MARKDOWN_SPECIAL.sub(r"\\\1", BULLET.sub("- ", paragraph))
    return BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                           else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


# ---------------------------------------------------------------- reading

def split_front_matter(text: str, origin: str) -> tuple[str, str, int]:
    """(front matter YAML, body, line number of the body's first line)."""
    if not text.startswith(FENCE + "\n") and not text.startswith(FENCE + "\r\n"):
        raise ContentError([Problem(origin, 1, "front matter", "the file must start with a '---' line, then YAML, then '---'")])
    text = text.replace("\r\n", "\n")
    end = text.find(f"\n{FENCE}\n", len(FENCE))
    if end < 0:
        if text.rstrip("\n").endswith(f"\n{FENCE}"):
            end = len(text.rstrip("\n")) - len(FENCE) - 1
        else:
            raise ContentError([Problem(origin, 1, "front matter", "no closing '---' line after the YAML front matter")])
    yaml_text = text[len(FENCE) + 1:end + 1]
    body = text[end + len(FENCE) + 2:]
    body_line = yaml_text.count("\n") + 3
    return yaml_text, body.lstrip("\n"), body_line


def parse_document(source: str, path: str, topic_slugs: frozenset[str] | None = None, origin: str | None = None) -> Document:
    """Validate an annotated Markdown text; raises ContentError with every problem at once."""
    origin = origin or path
    yaml_text, body, _ = split_front_matter(source, origin)
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()
    try:
        return read_fields(load_unlocated(yaml_text), path, body, topic_slugs, origin, digest)
    except (ContentError, yaml.YAMLError, ValueError):
        pass  # read again with the line of every value, to say where each problem is
    try:
        root = load_located(yaml_text, origin, first_line=2)
    except yaml.YAMLError as exc:
        raise ContentError([Problem(origin, error_line(exc, 2), "front matter", f"not valid YAML: {error_text(exc)} "
                                    "(fix the YAML between the '---' lines)")]) from None
    return read_fields(root, path, body, topic_slugs, origin, digest)


def read_fields(root: Located, path: str, body: str, topic_slugs: frozenset[str] | None, origin: str,
                digest: str) -> Document:
    """A Document from located front matter; every problem at once."""
    if not isinstance(root.value, dict):
        raise ContentError([Problem(origin, 2, "front matter", "expected a mapping of keys such as 'title:'")])
    reader = FieldReader(root.value, origin, root.line)
    for key, item in root.value.items():
        if key not in KEYS:
            hint = ("; a release's slug is its file name: rename the file" if key == "slug"
                    else "; put your own keys under 'extra:'")
            reader.problem(item.line, key, "unknown key" + did_you_mean(key, KEYS) + hint)
    date = reader.get("date", as_date, None)
    title = reader.get("title", non_empty_text, "")
    topics = tuple(reader.get("topics", text_list, []))
    if topic_slugs is not None:
        for slug in topics:
            if slug not in topic_slugs:
                reader.problem(root.value["topics"].line, "topics", f"unknown topic '{slug}'" + did_you_mean(slug, topic_slugs))
    distributed = reader.get("distributed_at", as_datetime, None)
    week = reader.get("week", as_text, "")
    check_conflicts(reader, root.value.get("conflicts"))
    if date is not None and week and week != iso_week(date):
        reader.problem(root.value["week"].line, "week", f"'{week}' does not match date {date} (ISO week {iso_week(date)}); fix or remove it")
    document = Document(
        path=path,
        slug=Path(path).stem,
        source_file=reader.get("source_file", release_file, ""),
        source_sha256=reader.get("source_sha256", as_text, ""),
        title=title,
        title_source=reader.get("title_source", as_text, "derived"),
        date=date or dt.date(1970, 1, 1),
        distributed_at=distributed or dt.datetime.combine(date or dt.date(1970, 1, 1), dt.time(), dt.timezone.utc),
        kind=reader.get("kind", as_text, ""),
        distributor=reader.get("distributor", as_text, ""),
        issuer=reader.get("issuer", as_text, ""),
        week=iso_week(date) if date else "",
        topics=topics,
        summary=reader.get("summary", as_text, ""),
        people=tuple(reader.records("people", Person, {"name": non_empty_text, "role": as_text, "paragraph": paragraph_index})),
        countries=tuple(reader.get("countries", country_list, [])),
        orgs=tuple(reader.records("orgs", Org, {"name": non_empty_text, "aliases": text_tuple, "paragraph": paragraph_index})),
        quotes=tuple(reader.records("quotes", Quote, {"text": non_empty_text, "speaker": as_text, "paragraph": paragraph_index})),
        figures=tuple(reader.records("figures", Figure, {"value": number, "unit": as_text, "object": as_text, "text": as_text,
                                                         "qualifier": as_text, "paragraph": paragraph_index},
                                     required=("value",))),
        packed_body=pack(body),
        byline=reader.get("byline", as_text, ""),
        places=tuple(reader.records("places", Place, {"name": non_empty_text, "country": country_code, "paragraph": paragraph_index})),
        dates=tuple(reader.records("dates", DateMention, {"text": non_empty_text, "date": as_date, "paragraph": paragraph_index},
                                   required=("text", "date"))),
        source_item=reader.get("source_item", as_text, ""),
        url=reader.get("source_url", as_text, ""),
        digest=digest,
        extra=tuple(sorted(reader.get("extra", mapping, {}).items())),
    )
    if reader.problems:
        raise ContentError(sorted(reader.problems))
    return document


def check_conflicts(reader: "FieldReader", item: Located | None) -> None:
    """`conflicts:` as a merge writes it: {field: {yours: ..., annotator: ...}}."""
    if item is None or item.value is None:
        return
    if not isinstance(item.value, dict):
        reader.problem(item.line, "conflicts", "expected a mapping such as {summary: {yours: ..., annotator: ...}}")
        return
    fields = [key for key in KEYS if key not in ("conflicts", "checksum")]
    for name, entry in item.value.items():
        if name not in fields:
            reader.problem(entry.line, f"conflicts.{name}", "not a field of the front matter" + did_you_mean(name, fields))
        elif not isinstance(entry.value, dict):
            reader.problem(entry.line, f"conflicts.{name}", "expected {yours: ..., annotator: ...}")
        else:
            for side, value in entry.value.items():
                if side not in CONFLICT_SIDES:
                    reader.problem(value.line, f"conflicts.{name}.{side}", "unknown key" + did_you_mean(side, CONFLICT_SIDES))


def conflicts_of(source: str, origin: str) -> tuple[Problem, ...]:
    """A problem for each conflict a merge left in a valid file: each `conflicts:` entry and each
    `<<<<<<< yours` block of the body. The file still builds, with your side."""
    text = source.replace("\r\n", "\n")
    if "\nconflicts:" not in text and f"\n{CONFLICT_START}\n" not in text:
        return ()
    yaml_text, _, _ = split_front_matter(text, origin)
    problems: list[Problem] = []
    if re.search(r"^conflicts:", yaml_text, re.MULTILINE):
        entries = load_located(yaml_text, origin, first_line=2).value.get("conflicts")
        for name, entry in (entries.value or {}).items() if entries is not None else ():
            problems.append(Problem(origin, entry.line, name, "conflict: you and the annotator both changed it; your value "
                                    "is used, the annotator's is under 'conflicts:' (edit the file and remove the conflicts entry)"))
    body_start = yaml_text.count("\n") + 3  # the line after the closing '---'
    for number, line in enumerate(text.split("\n")[body_start - 1:], start=body_start):
        if line == CONFLICT_START:
            problems.append(Problem(origin, number, "body", f"conflict: your text and the annotator's are both kept, between "
                                    f"'{CONFLICT_START}', '{CONFLICT_MIDDLE}' and '{CONFLICT_END}' (keep what you want and "
                                    "delete those three lines)"))
    return tuple(problems)


class FieldReader:
    """Reads typed fields from located YAML, collecting a Problem for each bad one."""

    def __init__(self, fields: dict[str, Located], origin: str, line: int):
        self.fields, self.origin, self.line = fields, origin, line
        self.problems: list[Problem] = []

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.origin, line, field, message))

    def get(self, key: str, convert: Callable[[Any], Any], default: Any) -> Any:
        item = self.fields.get(key)
        if item is None or item.value is None:
            if KEYS[key][0]:
                self.problem(self.line, key, "missing; every annotated file needs it")
            return default
        try:
            return convert(plain(item))
        except ValueError as exc:
            self.problem(item.line, key, str(exc))
            return default

    def records(self, key: str, record: type, schema: dict[str, Callable[[Any], Any]],
                required: tuple[str, ...] | None = None) -> list[Any]:
        item = self.fields.get(key)
        if item is None or item.value is None:
            return []
        if not isinstance(item.value, list):
            self.problem(item.line, key, f"expected a list of {{{', '.join(schema)}}}")
            return []
        required = required if required is not None else tuple(k for k in schema if schema[k] is non_empty_text)
        out = []
        for entry in item.value:
            if isinstance(entry.value, str) and "name" in schema:
                entry = Located({"name": entry}, entry.line)  # "- Hamas" is short for "- name: Hamas"
            if not isinstance(entry.value, dict):
                self.problem(entry.line, key, f"each entry is a mapping with {', '.join(schema)}")
                continue
            values: dict[str, Any] = {}
            for name, value in entry.value.items():
                if name not in schema:
                    self.problem(value.line, f"{key}.{name}", "unknown key" + did_you_mean(name, schema))
                    continue
                try:
                    values[name] = schema[name](plain(value))
                except ValueError as exc:
                    self.problem(value.line, f"{key}.{name}", str(exc))
            for name, convert in schema.items():  # optional text fields the writer leaves out when empty
                if name not in values and name not in entry.value and convert in (as_text, country_code):
                    values[name] = ""
            missing = [name for name in required if name not in values]
            if missing:
                self.problem(entry.line, key, f"entry without {', '.join(missing)}")
                continue
            if all(name in values for name in entry.value):
                out.append(record(**values))
        return out


SHARED_TEXT = 80  # a text this short is held once however many releases give it (a role, a country, a unit)


def shared(text: str) -> str:
    """The one copy of a short text: across 10,000 releases the same names, roles, countries and
    units come back hundreds of thousands of times."""
    return sys.intern(text) if len(text) <= SHARED_TEXT else text


def as_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return "" if value is None else shared(str(value))


def release_file(value: Any) -> str:
    """A path relative to content/releases/ that stays inside it."""
    path = as_text(value)
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or ".." in parts or "\x00" in path or re.match(r"^[A-Za-z]:", path):
        raise ValueError(f"'{path}' leaves content/releases/; give the release's file name relative to "
                         "content/releases/, e.g. 2024-10-28-dod-1.txt")
    return path


def non_empty_text(value: Any) -> str:
    result = as_text(value).strip()
    if not result:
        raise ValueError("must not be empty")
    return result


def text_list(value: Any) -> list[str]:
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
        raise ValueError("expected a list of words, e.g. [middle-east, indo-pacific]")
    return [shared(str(v)) for v in value]


def text_tuple(value: Any) -> tuple[str, ...]:
    return tuple(text_list(value or []))


def country_list(value: Any) -> list[str]:
    codes = [country_code(v) for v in text_list(["NO" if v is False else v for v in value] if isinstance(value, list) else value)]
    if "" in codes:
        raise ValueError("empty country code")
    return codes


def country_code(value: Any) -> str:
    """One ISO code, or '' for unknown; YAML reads a bare NO (Norway) as false."""
    if value is False:
        return "NO"
    code = as_text(value)
    if code and not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 code such as US or IL")
    return code


def mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of your own keys")
    return value


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD") from None


def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO 8601 time such as 2024-10-28T14:55:00-04:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    if isinstance(value, int) and abs(value) >= 10 ** 300:  # past what a float holds
        raise ValueError("a number of more than 300 digits is too large; write it with an exponent, e.g. 1e30")
    return int(value) if float(value).is_integer() and abs(value) < 1e18 else float(value)


def paragraph_index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"'{value}' is not a paragraph index (0, 1, 2, ...)")
    return value


def source_of(text_: str) -> tuple[str, str]:
    """(source_file, source_item) of an annotated text, read cheaply; '' where absent."""
    return scalar_key(text_, "source_file"), scalar_key(text_, "source_item")


def scalar_key(text_: str, key: str) -> str:
    match = re.search(rf"^{key}: *(.+?) *$", text_[:8192], re.MULTILINE)
    if not match:
        return ""
    try:
        value = yaml.load(match.group(1), Loader=FAST_LOADER)  # safe, in C: read for each of 10,000 files
    except yaml.YAMLError:
        return ""
    return str(value) if value is not None else ""


def sha_of(text_: str) -> str:
    match = re.search(r"^source_sha256: *([0-9a-f]{64}) *$", text_[:4096], re.MULTILINE)
    return match.group(1) if match else ""


def annotator_of(text_: str) -> str:
    match = re.search(r"^annotator: *'?([^'\n]*)'? *$", text_, re.MULTILINE)
    return match.group(1).strip() if match else ""


def write_text_atomic(path: Path, text: str) -> None:
    """Write an annotated file by temp file and rename, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
