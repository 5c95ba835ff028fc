"""The wire shape: `MM/DD/YYYY | kind | Distributed by X on MM/DD/YYYY HH:MM`, then the body."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.errors import ContentError, Problem
from generator.records import Release

HEADER = re.compile(
    r"^(?P<date>\d{1,2}/\d{1,2}/\d{4})\s*\|\s*(?P<kind>[^|]+?)\s*\|\s*"
    r"Distributed by\s+(?P<distributor>.+?)\s+on\s+(?P<at>\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2})\s*$"
)
HEADER_EXAMPLE = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"
BOILERPLATE = re.compile(r"^\s*(#\s*){3,}\s*$")  # ###, ####, # # #
# "Ned Price, Department Spokesperson"; "Antony J. Blinken, Secretary of State"; "Office of the Spokesperson"
BYLINE = re.compile(
    r"^(?:Office of the [A-Z][\w ]+|[A-Z][\w.'’\- ]{2,60},\s+(?:[A-Z][\w.'’\-]*\s*|of\s+|the\s+|and\s+|for\s+){1,10})$"
)
DATELINE = re.compile(r"^[A-Z][A-Za-z.\- ]+,\s*[A-Z][A-Za-z.\- ]+$")  # "Washington, D.C."
IGNORED_NAMES = re.compile(r"(^\.|~$|\.swp$|\.swx$|\.tmp$|^#.*#$|^4913$|\.DS_Store$)")
MAX_LINE_CHARS = 50_000  # a longer line is not release text (the longest line of 420 real releases: 1,850)


def is_release_file(path: Path) -> bool:
    """True for files that may be releases; editor, backup and system files are passed over."""
    return path.is_file() and not IGNORED_NAMES.search(path.name)


def load_release(path: Path, source_file: str, timezone: ZoneInfo) -> Release:
    """Read one release file; raises ContentError naming the file and line."""
    data = path.read_bytes()
    return parse_release(decode(data, source_file), source_file, hashlib.sha256(data).hexdigest(), timezone)


def decode(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM); cp1252 as the wire services' usual fallback (see encoding_problem)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ContentError([Problem(origin, data.count(b"\n", 0, nul) + 1, "encoding",
                                    "binary content (a NUL byte), not a text release; remove the file from "
                                    "content/releases/ (if it is UTF-16 text, save it as UTF-8)")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def encoding_problem(data: bytes, origin: str) -> Problem | None:
    """The warning for bytes that are not UTF-8, which decode() reads as Windows-1252; None for UTF-8
    (and for binary content, which decode() refuses)."""
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        return Problem(origin, data.count(b"\n", 0, exc.start) + 1, "encoding",
                       f"not UTF-8 (byte 0x{byte:02x}); read as Windows-1252 (save the file as UTF-8 to silence this)")


def parse_release(text: str, source_file: str, sha256: str, timezone: ZoneInfo) -> Release:
    """Parse the text of a wire-shape release into a Release."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ContentError([Problem(source_file, 1, "header", f"empty file: expected a release header line such as "
                                    f"'{HEADER_EXAMPLE}'; write the release or delete the file")])
    long_line = next((i for i, line in enumerate(lines) if len(line) > MAX_LINE_CHARS), None)
    if long_line is not None:
        raise ContentError([Problem(source_file, long_line + 1, "body",
                                    f"a line of {len(lines[long_line]):,} characters, over the limit of {MAX_LINE_CHARS:,}: "
                                    "not release text (break it into paragraphs)")])
    match = HEADER.match(lines[first].strip())
    if not match:
        raise ContentError([Problem(source_file, first + 1, "header",
                                    f"not a release header; expected '{HEADER_EXAMPLE}'")])
    date = parse_date(match["date"], source_file, first + 1)
    at = parse_datetime(match["at"], source_file, first + 1).replace(tzinfo=timezone)
    paragraphs = split_paragraphs(lines[first + 1:])
    if not paragraphs:
        raise ContentError([Problem(source_file, first + 1, "body",
                                    "the release has a header but no text; write its text below the header")])
    byline, dateline, headline, paragraphs = split_front_lines(paragraphs)
    if not paragraphs:
        raise ContentError([Problem(source_file, first + 2, "body",
                                    "the release has no text after its byline; write its text below the byline")])
    return Release(
        source_file=source_file, sha256=sha256, date=date, kind=match["kind"].strip(),
        distributor=match["distributor"].strip(), distributed_at=at, paragraphs=tuple(paragraphs),
        byline=byline, dateline=dateline, headline=headline,
    )


def parse_date(value: str, origin: str, line: int) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise ContentError([Problem(origin, line, "header", f"impossible date '{value}' (expected MM/DD/YYYY)")]) from None


def parse_datetime(value: str, origin: str, line: int) -> dt.datetime:
    try:
        return dt.datetime.strptime(" ".join(value.split()), "%m/%d/%Y %H:%M")
    except ValueError:
        raise ContentError([Problem(origin, line, "header",
                                    f"impossible distribution time '{value}' (expected MM/DD/YYYY HH:MM)")]) from None


def split_paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks (wrapped lines joined), or one paragraph per line; boilerplate cut."""
    body = [line.rstrip() for line in lines]
    marks = [i for i, line in enumerate(body) if BOILERPLATE.match(line)]
    if marks:
        body = body[:marks[-1]]
    blocks: list[list[str]] = [[]]
    for line in body:
        if line.strip():
            blocks[-1].append(" ".join(line.split()))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    has_blank_separators = len(blocks) > 1
    if has_blank_separators:
        return [" ".join(b) for b in blocks]
    return [line for b in blocks for line in b]


def split_front_lines(paragraphs: list[str]) -> tuple[str, str, str, list[str]]:
    """Take off a leading byline (and its dateline) or a leading headline."""
    byline = dateline = headline = ""
    rest = list(paragraphs)
    if len(rest) > 1 and len(rest[0]) <= 90 and BYLINE.match(rest[0]):
        byline = rest.pop(0)
        if len(rest) > 1 and len(rest[0]) <= 40 and DATELINE.match(rest[0]):
            dateline = rest.pop(0)
    elif len(rest) > 1 and looks_like_headline(rest[0]):
        headline = rest.pop(0)
    return byline, dateline, headline, rest


def looks_like_headline(line: str) -> bool:
    """A short line in title case with no closing punctuation."""
    words = line.split()
    if line.startswith(("Dear ", "The Honorable ", "To the ")) or line.endswith(")"):
        return False  # salutations and address blocks of letters
    if not 3 <= len(words) <= 25 or line.endswith((".", ":", ";", ",", "?", "!", '"', "”")):
        return False
    lower = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
             "to", "with", "over", "after", "amid", "against", "s"}
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or w[:1] in "$“\"'(")
    content = [w for w in words if w.lower() not in lower]
    return bool(content) and capitalised >= 0.8 * len(content)
