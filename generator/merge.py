"""Three-way merge of an annotated file: your edits, what Briefing wrote last time, what it writes now.

The base is Briefing's previous output for the file (sync keeps it in content/.briefing/base/).
Front-matter fields merge as whole values (a list such as `people` is one value; `date` and
`week` go together); the body merges paragraph by paragraph. What only you changed keeps your
text, what only the annotator changed takes its new text, what both changed alike is fine; what
both changed differently is a conflict: your value stays in use and the annotator's is kept beside
it, under `conflicts:` for a field and between git-style markers in the body. Pure text in, text out.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

import yaml

from generator.document import (CONFLICT_END, CONFLICT_MIDDLE, CONFLICT_START, FENCE, KEYS, checksum_of, dump_field,
                                split_front_matter)
from generator.errors import ContentError
from generator.records import record
from generator.yamlio import FAST_LOADER

ABSENT = ("absent",)  # the canonical form of a field a version does not have
FOLLOWS = {"week": "date"}  # week is derived from date: it goes wherever date goes
BOOKKEEPING = frozenset({"source_sha256", "annotator"})  # change with every re-annotation; not worth a mention
MANAGED = frozenset({"checksum", "conflicts"})  # written by the merge itself, never merged
KEY_LINE = re.compile(r"""^([A-Za-z_][\w.-]*|'[^'\n]*'|"[^"\n]*")[ \t]*:(?:[ \t]|$)""")
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")
BODY = "body"


class MergeError(Exception):
    """A version cannot be taken apart (its front matter is not a YAML mapping)."""


@record
class Merged:
    """The merged text and what happened to each field ('body' for the body)."""

    text: str
    kept: tuple[str, ...] = ()  # only you changed them: yours kept
    taken: tuple[str, ...] = ()  # only the annotator changed them: its new value taken
    combined: tuple[str, ...] = ()  # both changed different paragraphs of the body: both kept
    conflicts: tuple[str, ...] = ()  # both changed them differently: yours in use, the annotator's recorded


@record
class Version:
    """One version of an annotated file, taken apart."""

    values: dict[str, Any]  # top-level key -> plain YAML value
    blocks: dict[str, tuple[str, str]]  # top-level key -> (comment lines before it, its own lines)
    tail: str  # comment lines after the last key
    paragraphs: tuple[str, ...]
    checksum: str


def merge(ours: str, base: str, theirs: str, origin: str = "") -> Merged:
    """Merge your version of an annotated file with the annotator's new one, given its old one.

    Raises MergeError when a version's front matter is not a YAML mapping.
    """
    mine, old, new = (take_apart(text, origin) for text in (ours, base, theirs))
    choices: dict[str, str] = {}  # unit -> "ours" or "theirs"
    kept, taken, conflicts = [], [], {}
    for unit, members in units(mine, old, new):
        o, b, t = (tuple(canon(v.values.get(k, ABSENT)) for k in members) for v in (mine, old, new))
        if o == b and t != b:
            choices[unit] = "theirs"
            taken.append(unit)
        else:
            choices[unit] = "ours"
            if o != b and t == b:
                kept.append(unit)
            elif o != b and o != t:
                for key in members:
                    if canon(mine.values.get(key, ABSENT)) != canon(new.values.get(key, ABSENT)):
                        conflicts[key] = {"yours": mine.values.get(key), "annotator": new.values.get(key)}
    front = merge_front(mine, new, choices, conflicts)
    paragraphs, outcome = merge_paragraphs(old.paragraphs, mine.paragraphs, new.paragraphs)
    lists = {"kept": kept, "taken": taken, "combined": [],
             "conflicts": list(dict.fromkeys(FOLLOWS.get(k, k) for k in sorted(conflicts, key=key_order)))}
    if outcome:
        lists[outcome].append(BODY)
    text = f"{FENCE}\n{front}{FENCE}\n\n" + "\n\n".join(paragraphs) + "\n"
    return Merged(text, *(tuple(u for u in lists[name] if u not in BOOKKEEPING)
                          for name in ("kept", "taken", "combined", "conflicts")))


# ---------------------------------------------------------------- front matter

def take_apart(text: str, origin: str) -> Version:
    try:
        yaml_text, body, _ = split_front_matter(text.removeprefix("\ufeff"), origin)
        values = yaml.load(yaml_text, Loader=FAST_LOADER)
    except (ContentError, yaml.YAMLError, ValueError) as exc:
        raise MergeError(f"{origin}: the front matter cannot be read ({exc})") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise MergeError(f"{origin}: the front matter is not a mapping of keys")
    values = {str(k): v for k, v in values.items()}
    blocks, tail = split_blocks(yaml_text, values)
    body = body.strip("\n")
    paragraphs = tuple(PARAGRAPH_BREAK.split(body)) if body.strip() else ()
    return Version(values, blocks, tail, paragraphs, checksum_of(yaml_text))


def split_blocks(yaml_text: str, values: dict[str, Any]) -> tuple[dict[str, tuple[str, str]], str]:
    """Each top-level key's lines as written, with the comment lines just before it, so that a
    field taken from your version keeps your layout and comments. A key whose lines do not read
    back as its value on their own (an unusual layout) is written afresh from the value."""
    found: list[tuple[str, str, list[str]]] = []  # (key, lead, lines)
    pending: list[str] = []
    for line in yaml_text.splitlines(keepends=True):
        key = key_of(line)
        if key is not None:
            found.append((key, "".join(pending), [line]))
            pending = []
        elif not line.strip() or line.startswith("#"):
            pending.append(line)
        elif found:
            found[-1][2].extend(pending + [line])
            pending = []
        else:
            pending.append(line)  # content before any key: not a layout we keep
    names = [key for key, _, _ in found]
    blocks: dict[str, tuple[str, str]] = {}
    for key, lead, lines in found:
        text = "".join(lines)
        if names.count(key) == 1 and key in values and reads_as(text, key, values[key]):
            blocks[key] = (lead, text)
    for key, value in values.items():
        if key not in blocks:
            lead = next((lead for name, lead, _ in found if name == key), "")
            blocks[key] = (lead, dump_field(key, value))
    return blocks, "".join(pending)


def key_of(line: str) -> str | None:
    """The key a line starts at column 0 ('title: ...' -> 'title'), or None."""
    match = KEY_LINE.match(line)
    if not match:
        return None
    key = match.group(1)
    if key[0] not in "'\"":
        return key
    try:
        return str(yaml.safe_load(key))
    except yaml.YAMLError:
        return None


def reads_as(text: str, key: str, value: Any) -> bool:
    try:
        loaded = yaml.load(text, Loader=FAST_LOADER)
    except (yaml.YAMLError, ValueError):
        return False
    return isinstance(loaded, dict) and list(loaded) == [key] and canon(loaded[key]) == canon(value)


def units(*versions: Version) -> list[tuple[str, tuple[str, ...]]]:
    """(unit, its keys) for every key of any version: a key alone, or date with week."""
    keys = [k for v in versions for k in v.values if k not in MANAGED]
    out: dict[str, list[str]] = {}
    for key in sorted(dict.fromkeys(keys), key=key_order):
        out.setdefault(FOLLOWS.get(key, key), []).append(key)
    return [(unit, tuple(members)) for unit, members in sorted(out.items(), key=lambda item: key_order(item[0]))]


def key_order(key: str) -> tuple[int, str]:
    """The writer's order; keys it does not know after, by name."""
    order = list(KEYS)
    return (order.index(key), "") if key in KEYS else (len(order), key)


def merge_front(mine: Version, new: Version, choices: dict[str, str], conflicts: dict[str, Any]) -> str:
    """The merged front matter: every key from the version chosen for it, in your order (new keys
    where the annotator puts them), then `conflicts:`, then the annotator's checksum."""
    def side(key: str) -> Version:
        return new if choices.get(FOLLOWS.get(key, key)) == "theirs" else mine

    order = [k for k in mine.values if k not in MANAGED]
    theirs_order = [k for k in new.values if k not in MANAGED]
    for i, key in enumerate(theirs_order):
        if key not in order:
            before = next((k for k in reversed(theirs_order[:i]) if k in order), None)
            order.insert(order.index(before) + 1 if before else 0, key)
    parts = []
    for key in order:
        chosen = side(key)
        if key in chosen.values:
            lead = mine.blocks[key][0] if key in mine.blocks else ""
            parts.append(lead + chosen.blocks[key][1])
    parts.append(conflicts_block(mine, conflicts))
    parts.append(mine.tail)
    parts.append(mine.blocks["checksum"][0] if "checksum" in mine.blocks else "")
    parts.append(f"checksum: {new.checksum}\n" if new.checksum else "")
    return "".join(parts)


def conflicts_block(mine: Version, new_conflicts: dict[str, Any]) -> str:
    """Your `conflicts:` as it was, with this merge's conflicts added (each replacing an older one)."""
    if not new_conflicts:
        return "".join(mine.blocks["conflicts"]) if "conflicts" in mine.blocks else ""
    old = mine.values.get("conflicts")
    entries = dict(old) if isinstance(old, dict) else {}
    entries.update(new_conflicts)
    ordered = {str(k): entries[k] for k in sorted(entries, key=lambda k: key_order(str(k)))}
    lead = mine.blocks["conflicts"][0] if "conflicts" in mine.blocks else ""
    return lead + dump_field("conflicts", ordered)


def canon(value: Any) -> Any:
    """A form of a YAML value for comparing: mappings without order, types told apart (1, 1.0, true)."""
    if value is ABSENT:
        return ABSENT
    if isinstance(value, dict):
        return ("map", tuple(sorted(((str(k), canon(v)) for k, v in value.items()), key=lambda kv: kv[0])))
    if isinstance(value, list):
        return ("list", tuple(canon(v) for v in value))
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


# ---------------------------------------------------------------- body

def merge_paragraphs(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> tuple[list[str], str]:
    """The merged paragraphs and what happened: 'kept', 'taken', 'combined', 'conflicts' or ''."""
    out: list[str] = []
    conflicted = False
    for b, o, t in diff3(base, ours, theirs):
        if o == b or o == t:
            out.extend(t)
        elif t == b:
            out.extend(o)
        else:
            start = common_prefix(o, t)
            end = common_prefix(o[start:][::-1], t[start:][::-1])
            out.extend(o[:start])
            out += [CONFLICT_START, *o[start:len(o) - end], CONFLICT_MIDDLE, *t[start:len(t) - end], CONFLICT_END]
            out.extend(o[len(o) - end:])
            conflicted = True
    mine, new = tuple(ours) != tuple(base), tuple(theirs) != tuple(base)
    if conflicted:
        return out, "conflicts"
    if mine and new and tuple(ours) != tuple(theirs):
        return out, "combined"
    return out, "kept" if mine and not new else "taken" if new and not mine else ""


def diff3(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[tuple[list[str], list[str], list[str]]]:
    """The three sequences cut into chunks (base part, your part, their part): stretches all three
    share, and between them stretches where at least one differs; a stretch of the same length in
    all three is cut paragraph by paragraph."""
    chunks = []
    b0 = o0 = t0 = 0
    for b, o, t, n in sync_points(base, ours, theirs):
        if b - b0 == o - o0 == t - t0:  # paragraphs changed in place: each with its own, so that you and the
            chunks += [([base[i]], [ours[o0 + i - b0]], [theirs[t0 + i - b0]]) for i in range(b0, b)]  # annotator may edit neighbours
        elif (b, o, t) != (b0, o0, t0):
            chunks.append((list(base[b0:b]), list(ours[o0:o]), list(theirs[t0:t])))
        if n:
            same = list(base[b:b + n])
            chunks.append((same, same, same))
        b0, o0, t0 = b + n, o + n, t + n
    return chunks


def sync_points(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """(base index, your index, their index, length) of each stretch of base that both versions kept
    unchanged, in order, ending with a zero-length stretch at the three ends."""
    mine = difflib.SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks()
    new = difflib.SequenceMatcher(None, base, theirs, autojunk=False).get_matching_blocks()
    points = []
    i = j = 0
    while i < len(mine) and j < len(new):
        (mb, mo, mn), (nb, nt, nn) = mine[i], new[j]
        low, high = max(mb, nb), min(mb + mn, nb + nn)
        if low < high:
            points.append((low, mo + low - mb, nt + low - nb, high - low))
        if mb + mn < nb + nn:
            i += 1
        else:
            j += 1
    points.append((len(base), len(ours), len(theirs), 0))
    return points


def common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n
