"""Bad input, as users make it: every case prints its exact message (file, line, what is wrong, what
to do), exits 1 for content (2 for configuration), and every page of the good release is still built.

Each case is a small site (the sample release plus the bad input). `briefing check` runs first and
must print the same lines as the build while writing nothing; then `briefing build`; warnings only
fail a build with --strict.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2
import pytest

from generator.cli import main
from generator.ingest import MAX_FILE_BYTES
from generator.ingest.wire import HEADER_EXAMPLE, MAX_LINE_CHARS
from generator.scaffold import new_site
from tests.conftest import ROOT, SAMPLE

HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55\n"
REL = "content/releases/"
ANN = "content/annotated/2024/"
FRONT = "---\ntitle: A title\ndate: 2024-10-29\n"  # the start of a valid annotated file, for front-matter cases
EMPTY_FILE = (f"header: empty file: expected a release header line such as '{HEADER_EXAMPLE}'; "
              "write the release or delete the file")
BINARY = ("encoding: binary content (a NUL byte), not a text release; remove the file from content/releases/ "
          "(if it is UTF-16 text, save it as UTF-8)")
CP1252 = "read as Windows-1252 (save the file as UTF-8 to silence this)"
OK, CONTENT, CONFIG = 0, 1, 2


@dataclass(frozen=True)
class Case:
    """A bad input: files to add (site-relative path -> bytes) or a function that makes them, and
    the exact lines `briefing build` and `briefing check` print on stderr."""

    files: dict[str, bytes] | Callable[[Path], None]
    lines: tuple[str, ...] = ()
    code: int = CONTENT
    pages: tuple[str, ...] = ()  # output files the case adds, beside the good release's pages
    strict: bool = False  # only warnings: the build passes, --strict fails it

    def make(self, site: Path) -> None:
        if callable(self.files):
            self.files(site)
            return
        for rel, data in self.files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(data)


def release(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def fifty_megabytes(site: Path) -> None:
    with (site / REL / "huge.txt").open("wb") as handle:  # sparse: made in no time, never read by the build
        handle.write(HEADER.encode())
        handle.seek(50 * 1024 * 1024)
        handle.write(b"The end.\n")


def link_outside(site: Path) -> None:
    outside = site.parent / "outside.txt"
    outside.write_text(HEADER + "A text kept outside the site.\n")
    (site / REL / "outside-link.txt").symlink_to(outside)


def link_to_nothing(site: Path) -> None:
    (site / REL / "dangling.txt").symlink_to(site / "nowhere.txt")


def link_inside(site: Path) -> None:
    (site / REL / "zz-link.txt").symlink_to(site / REL / SAMPLE.name)


def site_template(name: str, text: str) -> Callable[[Path], None]:
    def make(site: Path) -> None:
        (site / "templates").mkdir(exist_ok=True)
        (site / "templates" / name).write_text(text)
    return make


def site_yaml(text: str) -> Callable[[Path], None]:
    def make(site: Path) -> None:
        (site / "site.yaml").write_text(text)
    return make


SAME_TITLE = "Talks on trade in Bogota went well.\n"
SLUG = "releases/2024-10-28-talks-on-trade-in-bogota-went-well"

CASES: dict[str, Case] = {
    # ---- release files: content/releases/
    "empty file": Case({REL + "empty.txt": b""}, (f"error: {REL}empty.txt:1: {EMPTY_FILE}",)),
    "blank lines only": Case({REL + "blank.txt": b"\n  \n\t\n"}, (f"error: {REL}blank.txt:1: {EMPTY_FILE}",)),
    "header only": Case({REL + "header-only.txt": HEADER.encode()}, (
        f"error: {REL}header-only.txt:1: body: the release has a header but no text; write its text below the header",)),
    "impossible date": Case({REL + "bad-date.txt": b"\n\n13/45/2024 | News release | Distributed by Public on 13/45/2024 10:00\nText.\n"}, (
        f"error: {REL}bad-date.txt:3: header: impossible date '13/45/2024' (expected MM/DD/YYYY)",)),
    "impossible time": Case({REL + "bad-time.txt": b"10/28/2024 | News release | Distributed by Public on 10/28/2024 25:99\nText.\n"}, (
        f"error: {REL}bad-time.txt:1: header: impossible distribution time '10/28/2024 25:99' (expected MM/DD/YYYY HH:MM)",)),
    "no header": Case({REL + "notes.txt": b"Call the embassy on Monday.\nBring the papers.\n"}, (
        f"error: {REL}notes.txt:1: header: not a release header; expected '{HEADER_EXAMPLE}'",)),
    "cp1252 bytes": Case({REL + "cp1252.txt": release(HEADER + "The minister\u2019s visit to Paris went well.\n", "cp1252")}, (
        f"warning: {REL}cp1252.txt:2: encoding: not UTF-8 (byte 0x92); {CP1252}",), OK,
        ("releases/2024-10-28-the-ministers-visit-to-paris-went-well/index.html",), strict=True),
    "latin-1 bytes": Case({REL + "latin1.txt": release(HEADER + "\n\nTalks at the caf\u00e9 in Bogot\u00e1 ended.\n", "latin-1")}, (
        f"warning: {REL}latin1.txt:4: encoding: not UTF-8 (byte 0xe9); {CP1252}",), OK,
        ("releases/2024-10-28-talks-at-the-cafe-in-bogota-ended/index.html",), strict=True),
    "byte order mark": Case({REL + "bom.txt": release("\ufeff" + HEADER + "Talks with the BOM ended today.\n")}, (), OK,
                            ("releases/2024-10-28-talks-with-the-bom-ended/index.html",)),
    "CRLF line ends": Case({REL + "crlf.txt": release(HEADER + "Windows Talks End\nThe talks ended.\n").replace(b"\n", b"\r\n")},
                           (), OK, ("releases/2024-10-28-windows-talks-end/index.html",)),
    "CR line ends": Case({REL + "cr.txt": release(HEADER + "Old Mac Talks End\nThe talks ended.\n").replace(b"\n", b"\r")},
                         (), OK, ("releases/2024-10-28-old-mac-talks-end/index.html",)),
    "NUL byte": Case({REL + "nul.txt": release(HEADER + "Talks\x00 in Bogota.\n")}, (f"error: {REL}nul.txt:2: {BINARY}",)),
    "binary content": Case({REL + "binary.txt": bytes(range(256)) * 4}, (f"error: {REL}binary.txt:1: {BINARY}",)),
    "UTF-16 text": Case({REL + "utf16.txt": release(HEADER + "Talks.\n", "utf-16")}, (f"error: {REL}utf16.txt:1: {BINARY}",)),
    "an image": Case({REL + "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, (
        f"error: {REL}photo.png: not a release format Briefing reads (.htm, .html, .json, .markdown, .md, .rss, .txt, .xml); "
        "move it out of content/releases/",)),
    "50 MB file": Case(fifty_megabytes, (
        f"error: {REL}huge.txt: size: 50.0 MB, over the limit of {MAX_FILE_BYTES // 1_048_576} MB for one release file; "
        "split it into several files or move it out of content/releases/",)),
    "1 MB single line": Case({REL + "one-line.txt": release(HEADER + "word " * 210_000 + "\n")}, (
        f"error: {REL}one-line.txt:2: body: a line of 1,050,000 characters, over the limit of {MAX_LINE_CHARS:,}: "
        "not release text (break it into paragraphs)",)),
    "duplicate release": Case({REL + "zz-copy.txt": SAMPLE.read_bytes()}, (
        f"error: {REL}zz-copy.txt: duplicate: the same bytes as {REL}{SAMPLE.name}; left out of the site "
        "(delete one of the two files)",)),
    "same slug": Case({REL + "same-a.txt": release(HEADER + SAME_TITLE + "The first text.\n"),
                       REL + "same-b.txt": release(HEADER + SAME_TITLE + "The second text.\n")},
                      (), OK, (f"{SLUG}/index.html", f"{SLUG}-2/index.html")),
    "future date": Case({REL + "future.txt": b"01/05/2099 | News release | Distributed by Public on 01/05/2099 10:00\nTalks on trade.\n"}, (
        f"warning: {REL}future.txt:1: date: 2099-01-05 is in the future; the release is published with that date "
        "(fix the date if it is a mistake)",), OK, ("weeks/2099-w02/index.html",), strict=True),
    "editor and system files": Case({REL + ".draft.txt.swp": b"\x00swap", REL + "draft.txt~": b"old", REL + ".DS_Store": b"\x00\x00",
                                     REL + "#draft.txt#": b"autosave", REL + ".#draft.txt": b"lock", REL + "4913": b"",
                                     REL + ".git/HEAD": b"ref: refs/heads/main\n", REL + "x.tmp": b"tmp"}, (), OK),
    "symlink outside the site": Case(link_outside, (
        f"error: {REL}outside-link.txt: symlink: a symbolic link to a file outside the site, not read; "
        "copy the file into content/releases/ instead",)),
    "symlink to nothing": Case(link_to_nothing, (
        f"error: {REL}dangling.txt: symlink: a symbolic link to a file that does not exist; fix the link or remove it",)),
    "symlink to another release": Case(link_inside, (
        f"error: {REL}zz-link.txt: duplicate: the same bytes as {REL}{SAMPLE.name}; left out of the site "
        "(delete one of the two files)",)),
    "markdown release without date": Case({REL + "notes.md": b"---\ntitle: Notes\n---\nSome text.\n"}, (
        f"error: {REL}notes.md:1: date: no publication date: the front matter has no 'date' or 'published_time' and the "
        "file name does not start with YYYY-MM-DD; add 'date: YYYY-MM-DD' to the front matter",)),
    "json release not JSON": Case({REL + "record.json": b'{"title": "x",\n "published": }'}, (
        f"error: {REL}record.json:2: json: not valid JSON: Expecting value (column 15)",)),
    # ---- annotated files: content/annotated/ (front matter)
    "front matter not YAML": Case({ANN + "bad-yaml.md": release(FRONT + "summary: [unclosed\n---\nBody.\n")}, (
        f"error: {ANN}bad-yaml.md:5: front matter: not valid YAML: while parsing a flow sequence did not find expected "
        "',' or ']' (fix the YAML between the '---' lines)",)),
    "front matter wrong types": Case({ANN + "bad-types.md": release(FRONT + "topics: middle-east\npeople: 5\ncountries: [usa]\n---\nBody.\n")}, (
        f"error: {ANN}bad-types.md:4: topics: expected a list of words, e.g. [middle-east, indo-pacific]",
        f"error: {ANN}bad-types.md:5: people: expected a list of {{name, role, paragraph}}",
        f"error: {ANN}bad-types.md:6: countries: 'usa' is not an ISO 3166-1 alpha-2 code such as US or IL")),
    "front matter unknown key": Case({ANN + "bad-key.md": release(FRONT + "summmary: Talks.\n---\nBody.\n")}, (
        f"error: {ANN}bad-key.md:4: summmary: unknown key (did you mean 'summary'?); put your own keys under 'extra:'",)),
    "front matter unknown topic": Case({ANN + "bad-topic.md": release(FRONT + "topics: [middle-eats]\n---\nBody.\n")}, (
        f"error: {ANN}bad-topic.md:4: topics: unknown topic 'middle-eats' (did you mean 'middle-east'?)",)),
    "front matter path leaving the site": Case({ANN + "escape.md": release(FRONT + "source_file: ../../etc/passwd\n---\nBody.\n")}, (
        f"error: {ANN}escape.md:4: source_file: '../../etc/passwd' leaves content/releases/; give the release's file name "
        "relative to content/releases/, e.g. 2024-10-28-dod-1.txt",)),
    "front matter slug": Case({ANN + "slug.md": release(FRONT + "slug: ../../x\n---\nBody.\n")}, (
        f"error: {ANN}slug.md:4: slug: unknown key; a release's slug is its file name: rename the file",)),
    "front matter billion laughs": Case({ANN + "laughs.md": release(
        FRONT + "extra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "  c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nBody.\n")}, (
        f"error: {ANN}laughs.md:6: front matter: not valid YAML: an alias (*a): Briefing reads no YAML aliases; write the value "
        "out in full (fix the YAML between the '---' lines)",)),
    "no front matter": Case({ANN + "plain.md": b"Just some text.\n"}, (
        f"error: {ANN}plain.md:1: front matter: the file must start with a '---' line, then YAML, then '---'",)),
    "front matter not closed": Case({ANN + "open.md": release(FRONT + "Body.\n")}, (
        f"error: {ANN}open.md:1: front matter: no closing '---' line after the YAML front matter",)),
    "front matter a list": Case({ANN + "list.md": b"---\n- title\n- date\n---\nBody.\n"}, (
        f"error: {ANN}list.md:2: front matter: expected a mapping of keys such as 'title:'",)),
    "front matter without title": Case({ANN + "untitled.md": b"---\ndate: 2024-10-29\n---\nBody.\n"}, (
        f"error: {ANN}untitled.md:2: title: missing; every annotated file needs it",)),
    "annotated file in Latin-1": Case({ANN + "latin1.md": release(FRONT + "summary: caf\u00e9\n---\nBody.\n", "latin-1")}, (
        f"error: {ANN}latin1.md:4: encoding: not UTF-8 (byte 0xe9); save the file as UTF-8",)),
    # ---- configuration and templates: exit 2, nothing built, the last good site kept
    "site.yaml unknown key": Case(site_yaml("title: X\nthme: dark\n"), (
        "error: site.yaml:2: thme: unknown key (did you mean 'theme'?)",), CONFIG),
    "site.yaml bad time zone": Case(site_yaml("title: X\ntimezone: Mars/Olympus\n"), (
        "error: site.yaml:2: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as UTC or America/New_York)",), CONFIG),
    "site.yaml missing theme": Case(site_yaml("title: X\ntheme: defualt\n"), (
        "error: site.yaml:2: theme: no theme 'defualt' in themes/ (available: default, newsletter) (did you mean 'default'?)",), CONFIG),
    "site.yaml wrong type": Case(site_yaml("title: X\nrecent_weeks: many\n"), (
        "error: site.yaml:2: recent_weeks: expected a whole number, got 'many'",), CONFIG),
    "template syntax error": Case(site_template("week.html", '{% extends "base.html" %}\n{% block main %}\n{{ week.title }\n{% endblock %}\n'), (
        "error: templates/week.html:3: template: unexpected '}'",), CONFIG),
    "template runtime error": Case(site_template("release.html", '{% extends "base.html" %}\n{% block main %}\n'
                                                 '{{ release.nosuch.deeper }}\n{% endblock %}\n'), (
        "error: templates/release.html:3: template: 'generator.model.Entry object' has no attribute 'nosuch'",), CONFIG),
}


# ---------------------------------------------------------------- running the CLI

class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name, file and source (what Jinja2 keys them by): each
    of the many small builds here would otherwise compile the theme again, half of its time."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


@pytest.fixture(autouse=True)
def compile_templates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    init = jinja2.Environment.__init__

    def with_cache(self: jinja2.Environment, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self.bytecode_cache = self.bytecode_cache or COMPILED

    monkeypatch.setattr(jinja2.Environment, "__init__", with_cache)


def briefing(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run the CLI in this process (as `briefing ARGS`); its exit code and its error and warning lines."""
    capsys.readouterr()
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith(("error: ", "warning: "))]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file below folder (links as links): its digest and modification time."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = (os.readlink(path), 0)
        elif path.is_file():
            out[rel] = (file_digest(path), path.stat().st_mtime_ns)
    return out


def file_digest(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sample_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    new_site(site)
    shutil.copy(SAMPLE, site / REL / SAMPLE.name)
    return site


def pages_of(output: Path) -> set[str]:
    """The files of a built site, its search index aside (which holds every release, so changes with them)."""
    return {p.relative_to(output).as_posix() for p in output.rglob("*")
            if p.is_file() and not p.relative_to(output).as_posix().startswith("pagefind/")}


GOOD_PAGES: dict[str, frozenset[str]] = {}


@pytest.fixture
def good_pages(tmp_path_factory: pytest.TempPathFactory) -> frozenset[str]:
    """The files of the sample site built alone (built once, by the first test that asks)."""
    if not GOOD_PAGES:
        site = sample_site(tmp_path_factory.mktemp("good"))
        assert main(["build", "--site", str(site)]) == 0
        GOOD_PAGES["sample"] = frozenset(pages_of(site / "output"))
    pages = GOOD_PAGES["sample"]
    assert "releases/2024-10-28-israel-conducted-a-precision-strike-against-military-targets/index.html" in pages
    return pages


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, capsys, good_pages):
    case = CASES[name]
    site = sample_site(tmp_path)
    if case.code == CONFIG:  # a good build first: a configuration problem must leave it as it was
        assert briefing(capsys, "build", "--site", str(site)) == (OK, [])
    case.make(site)
    before = snapshot(site)
    assert briefing(capsys, "check", "--site", str(site)) == (case.code, list(case.lines))
    assert snapshot(site) == before, "briefing check wrote something"
    assert briefing(capsys, "build", "--site", str(site)) == (case.code, list(case.lines))
    if case.code == CONFIG:
        assert snapshot(site / "output") == {k.removeprefix("output/"): v for k, v in before.items() if k.startswith("output/")}
        return
    built = pages_of(site / "output")
    assert good_pages <= built, f"pages of the good release missing: {sorted(good_pages - built)[:5]}"
    assert set(case.pages) <= built
    assert not any(p.startswith("..") or "/../" in p for p in built)
    if case.strict:
        assert briefing(capsys, "build", "--strict", "--site", str(site)) == (CONTENT, list(case.lines))
        assert briefing(capsys, "check", "--strict", "--site", str(site)) == (CONTENT, list(case.lines))


def test_every_problem_at_once(tmp_path, capsys, good_pages):
    """All the content cases in one site: check and build print every line, and the site is built."""
    site = sample_site(tmp_path)
    lines: list[str] = []
    for case in CASES.values():
        if case.code != CONFIG:
            case.make(site)
            lines.extend(case.lines)
    errors = sorted({line for line in lines if line.startswith("error: ")})
    warnings = sorted({line for line in lines if line.startswith("warning: ")})
    before = snapshot(site)
    assert briefing(capsys, "check", "--site", str(site)) == (CONTENT, errors + warnings)
    assert snapshot(site) == before
    assert briefing(capsys, "build", "--site", str(site)) == (CONTENT, errors + warnings)
    built = pages_of(site / "output")
    assert good_pages <= built
    assert {page for case in CASES.values() if case.code != CONFIG for page in case.pages} <= built
    again = briefing(capsys, "build", "--site", str(site))  # from the cache: the same problems and warnings
    assert again == (CONTENT, errors + warnings)


def test_warnings_survive_the_cache_and_strict_fails_on_them(tmp_path, capsys):
    """A second build reads nothing again (the cache), yet warns the same; --strict turns warnings into exit 1."""
    site = sample_site(tmp_path)
    CASES["cp1252 bytes"].make(site)
    expected = list(CASES["cp1252 bytes"].lines)
    assert briefing(capsys, "build", "--site", str(site)) == (OK, expected)
    assert briefing(capsys, "build", "--site", str(site)) == (OK, expected)
    assert briefing(capsys, "build", "--site", str(site), "--strict") == (CONTENT, expected)
    (site / REL / "cp1252.txt").write_bytes((site / REL / "cp1252.txt").read_bytes().decode("cp1252").encode("utf-8"))
    assert briefing(capsys, "build", "--site", str(site), "--strict") == (OK, [])


def test_the_big_file_is_not_read_and_the_long_line_is_quick(tmp_path, capsys):
    site = sample_site(tmp_path)
    CASES["50 MB file"].make(site)
    CASES["1 MB single line"].make(site)
    started = time.perf_counter()
    code, lines = briefing(capsys, "build", "--site", str(site))
    assert code == CONTENT and len(lines) == 2
    assert time.perf_counter() - started < 5


def test_as_a_user_runs_it(tmp_path):
    """The real command in a process of its own: messages on stderr, exit codes, no traceback."""
    site = sample_site(tmp_path)
    CASES["future date"].make(site)
    CASES["empty file"].make(site)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command, code in (("check", CONTENT), ("build", CONTENT)):
        result = subprocess.run([sys.executable, "-m", "generator", command, "--site", str(site)], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == code and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [*CASES["empty file"].lines, *CASES["future date"].lines]
