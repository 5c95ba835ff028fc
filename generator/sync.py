"""Keeping content/annotated/ in step with content/releases/, remembering what was read.

A Corpus is the build's memory of both folders: each release file's size, time and hash, and
each annotated file's parsed Document. A file whose size and modification time did not change
is not read again, so a build after a one-file edit reads one file, in a long-running server
and, through the on-disk cache, after a restart.

Beside each annotated file Briefing keeps its base, the text it last wrote there, in
content/.briefing/base/ (the same relative path; part of the content, unlike the cache). When a
person has edited a file and its release or the annotator changes, the edit is merged with the
new annotation against that base (see merge.py); without a base the file is kept as it is.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import operator
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISREG
from typing import Iterator

from generator.annotate import ANNOTATOR_VERSION, annotate
from generator.config import Config
from generator.document import (annotated_path, annotator_of, checksum_of, conflicts_of, is_edited, parse_document,
                                render_document, sha_of, source_of, write_text_atomic)
from generator.errors import ContentError, Problem
from generator.ingest import IGNORED_NAMES, ReleaseNotes, future_dates, is_release_file, notes_of, read_releases, too_big
from generator.merge import MergeError, merge
from generator.parallel import can_fork, cores, end_child, fork_child, map_items
from generator.records import Document, Release, Topic, record

Key = tuple[str, str]  # (source_file, source_item): which release an annotated file was made from
SOURCE_KEY = operator.attrgetter("source_sha256", "source_item")  # a document's release bytes (and item)
BASE_DIR = ("content", ".briefing", "base")  # below the site: the base of each annotated file
PREPARE_CHUNK = 1000  # releases annotated per core at a time (their texts are written before the next)


@record
class Merge:
    """A hand-edited annotated file merged with a new annotation; field names, 'body' for the body."""

    path: str  # site-relative
    kept: tuple[str, ...] = ()  # the person's value kept (the annotator's did not change)
    taken: tuple[str, ...] = ()  # the annotator's new value taken (the person had not changed it)
    combined: tuple[str, ...] = ()  # both changed different parts (of the body): both kept
    conflicts: tuple[str, ...] = ()  # both changed it differently: the person's in use, the annotator's recorded


@record
class IngestReport:
    written: tuple[str, ...] = ()  # annotated files written (site-relative)
    unchanged: int = 0
    kept: tuple[str, ...] = ()  # annotated files left alone because a person edited them
    removed: tuple[str, ...] = ()  # annotated files of releases that no longer exist
    problems: tuple[Problem, ...] = ()
    merged: tuple[Merge, ...] = ()  # hand-edited files merged with a new annotation (not in `written`)
    warnings: tuple[Problem, ...] = ()  # release files read all the same (not UTF-8, dated in the future): warnings_of


@record
class AnnotatedFile:
    """One file of content/annotated/ as last read."""

    rel: str  # relative to content/annotated/
    size: int
    mtime_ns: int
    source: Key  # ("", "") for a file not made from a release
    sha: str  # source_sha256
    stamp: str  # the annotator stamp it was written with
    edited: bool  # a person changed it since Briefing wrote it
    document: Document | None
    problems: tuple[Problem, ...] = ()


@record
class ReleaseFile:
    """One file of content/releases/ as last read."""

    size: int
    mtime_ns: int
    sha: str
    items: int  # how many releases it held


@dataclass
class Corpus:
    """What the build knows of both content folders; the one mutable thing, owned by a Builder."""

    topic_slugs: frozenset[str]
    stamp: str
    annotated: dict[str, AnnotatedFile] = field(default_factory=dict)
    releases: dict[str, ReleaseFile] = field(default_factory=dict)
    release_problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)  # source_file -> its problems
    release_notes: dict[str, ReleaseNotes] = field(default_factory=dict)  # source_file -> what it is warned about


def annotator_stamp(config: Config) -> str:
    """The annotator version plus a digest of the settings annotation depends on (taxonomy, time zone),
    so that changing them re-annotates every file nobody edited."""
    settings = repr((config.taxonomy, config.timezone)).encode("utf-8")
    return f"{ANNOTATOR_VERSION}-{hashlib.sha256(settings).hexdigest()[:8]}"


def new_corpus(config: Config) -> Corpus:
    return Corpus(frozenset(topic.slug for topic in config.taxonomy), annotator_stamp(config))


# ---------------------------------------------------------------- scanning

def scan(root: Path, hidden_ok: bool = False) -> Iterator[tuple[str, os.DirEntry]]:
    """(posix path relative to root, entry) of every file below root, sorted, hidden folders skipped."""
    if not root.is_dir():
        return
    stack = [(root, "")]
    found: list[tuple[str, os.DirEntry]] = []
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") and not hidden_ok:
                    continue
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), rel + "/"))
                else:
                    found.append((rel, entry))
    yield from sorted(found, key=lambda item: item[0])


# A file as a folder listing saw it: (posix path below the folder, whether it is a symbolic link,
# mode, size, modification time in ns), the stat being of a link's target (of the link when it
# dangles). A plain tuple: a build keeps the listings from its start to ingest, and the folder
# entries with their stat_results took 1 KB a file (200 MB at 100,000 releases), records cost
# 30 ms more to make at 10,000.
FileStat = tuple[str, bool, int, int, int]
Listings = dict[Path, tuple[FileStat, ...]]  # folder -> listing(folder): each folder a build reads is listed once


def listing(root: Path, listings: Listings | None = None) -> tuple[FileStat, ...]:
    """Every file below root (see scan) with its stat; from `listings` when it already holds root,
    kept there when it does not."""
    if listings is not None and root in listings:
        return listings[root]
    found: list[FileStat] = []
    for rel, entry in scan(root):
        try:
            stat = entry.stat()
        except OSError:
            try:  # a dangling symbolic link
                stat = entry.stat(follow_symlinks=False)
            except OSError:  # gone since the folder was read
                continue
        found.append((rel, entry.is_symlink(), stat.st_mode, stat.st_size, stat.st_mtime_ns))
    if listings is not None:
        listings[root] = tuple(found)
    return tuple(found)


def refresh_annotated(corpus: Corpus, config: Config, only: frozenset[str] | None = None,
                      listings: Listings | None = None) -> None:
    """Read the annotated files that are new or changed since the corpus last saw them.

    `only`: the content/annotated-relative paths that may have changed (from a watcher); None: look at all.
    """
    if only is not None:
        for rel in sorted(only):
            path = config.annotated_dir / rel
            if rel.endswith(".md") and path.is_file() and not any(p.startswith(".") for p in rel.split("/")):
                stat = path.stat()
                known = corpus.annotated.get(rel)
                if not known or (known.size, known.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                    corpus.annotated[rel] = read_annotated(config.annotated_dir, rel, corpus.topic_slugs)
            else:
                corpus.annotated.pop(rel, None)
        return
    present: dict[str, AnnotatedFile | None] = {}
    for rel, _, _, size, mtime_ns in listing(config.annotated_dir, listings):
        if not rel.endswith(".md"):
            continue
        known = corpus.annotated.get(rel)
        same = known and (known.size, known.mtime_ns) == (size, mtime_ns)
        present[rel] = known if same else None
    unread = [rel for rel, file in present.items() if file is None]
    folder, slugs = config.annotated_dir, corpus.topic_slugs
    present.update((file.rel, file) for file in map_items(lambda rel: read_annotated(folder, rel, slugs), unread))
    corpus.annotated = {rel: file for rel, file in present.items() if file is not None}


def read_annotated(folder: Path, rel: str, topic_slugs: frozenset[str]) -> AnnotatedFile:
    path = folder / rel
    stat = path.stat()
    origin = f"content/annotated/{rel}"
    big = too_big(stat.st_size, origin, "content/annotated/")
    if big is not None:
        return AnnotatedFile(rel, stat.st_size, stat.st_mtime_ns, ("", ""), "", "", True, None, (big,))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(origin, exc.object.count(b"\n", 0, exc.start) + 1, "encoding",
                          f"not UTF-8 (byte 0x{exc.object[exc.start]:02x}); save the file as UTF-8")
        return AnnotatedFile(rel, stat.st_size, stat.st_mtime_ns, ("", ""), "", "", True, None, (problem,))
    return annotated_from_text(rel, text, stat.st_size, stat.st_mtime_ns, topic_slugs)


def annotated_from_text(rel: str, text: str, size: int, mtime_ns: int, topic_slugs: frozenset[str]) -> AnnotatedFile:
    origin = f"content/annotated/{rel}"
    try:
        document = parse_document(text, rel, topic_slugs, origin)
        problems = conflicts_of(text, origin)  # the file builds, with the person's side, and the conflict is reported
    except ContentError as exc:
        document, problems = None, exc.problems
    return AnnotatedFile(rel, size, mtime_ns, source_of(text), sha_of(text), annotator_of(text), is_edited(text),
                         document, tuple(problems))


# ---------------------------------------------------------------- ingest

def ingest(corpus: Corpus, config: Config, changed: frozenset[str] | None = None,
           listings: Listings | None = None, ahead: Ahead | None = None) -> IngestReport:
    """Annotate the releases that are new or changed; remove annotations of releases that are gone.

    `changed`: the site-relative paths a watcher saw change, all of them files under content/;
    the build then looks at those alone. None: look at every file. `listings`: the folders as
    this build already listed them. `ahead`: releases already annotated (see annotate_ahead).
    """
    only_releases = only_annotated = None
    if changed is not None:
        only_releases = below(frozenset(p.removeprefix("content/releases/") for p in changed
                                        if p.startswith("content/releases/")), corpus.releases)
        only_annotated = below(frozenset(p.removeprefix("content/annotated/") for p in changed
                                         if p.startswith("content/annotated/")), corpus.annotated)
    refresh_annotated(corpus, config, only_annotated, listings)
    problems: list[Problem] = []
    by_source = index_by_source(corpus, problems)
    by_file: dict[str, list[AnnotatedFile]] = {}
    for file in by_source.values():
        by_file.setdefault(file.source[0], []).append(file)
    candidates = list_releases(config, only_releases, listings)
    looked_at = {source_file for source_file, _, _ in candidates} | (only_releases or set())
    before = dict(corpus.releases)  # what each file was when last read
    notes_before = dict(corpus.release_notes)
    if only_releases is None:
        corpus.releases, corpus.release_problems = {}, {}
        corpus.release_notes = {}
    else:
        for source_file in looked_at:
            corpus.releases.pop(source_file, None)
            corpus.release_problems.pop(source_file, None)
            corpus.release_notes.pop(source_file, None)
    seen: set[Key] = set(by_source) - {file.source for source_file in looked_at for file in by_file.get(source_file, ())} \
        if only_releases is not None else set()  # the annotations of the files not looked at stand
    taken = set(corpus.annotated)
    written: list[str] = []
    kept: list[str] = []
    merged: list[Merge] = []
    due: list[tuple[Release, AnnotatedFile | None]] = []  # to annotate, once every file was looked at
    unchanged = 0
    for source_file, path, stat in candidates:
        if isinstance(path, Problem):  # (and no stat)
            corpus.release_problems[source_file] = (path,)
            continue
        known = before.get(source_file)
        data = b""
        if known and (known.size, known.mtime_ns) == stat:
            sha = known.sha
        else:
            data = Path(path).read_bytes()
            sha = hashlib.sha256(data).hexdigest()
        olds = by_file.get(source_file, [])
        expected = known.items if known and known.sha == sha else 1 if (source_file, "") in by_source else -1
        if olds and len(olds) == expected and all(f.sha == sha and f.stamp == corpus.stamp for f in olds):
            unchanged += len(olds)  # the common case: nothing to parse, nothing to annotate
            seen |= {f.source for f in olds}
            corpus.releases[source_file] = ReleaseFile(*stat, sha, len(olds))
            corpus.release_notes[source_file] = notes_before[source_file] if not data and source_file in notes_before \
                else notes_of(data or Path(path).read_bytes(), source_file, f"content/releases/{source_file}",
                              [(f.document.date, f.source[1]) for f in olds if f.document])
            continue
        origin = f"content/releases/{source_file}"
        data = data or Path(path).read_bytes()
        try:
            found = read_releases(data, source_file, origin, config.zone)
        except ContentError as exc:
            corpus.release_notes[source_file] = notes_of(data, source_file, origin)
            corpus.release_problems[source_file] = tuple(exc.problems)
            seen |= {key for key in by_source if key[0] == source_file}  # keep the last good annotation
            continue
        corpus.releases[source_file] = ReleaseFile(*stat, sha, len(found))
        corpus.release_notes[source_file] = notes_of(data, source_file, origin, [(r.date, r.source_item) for r in found])
        for release in found:
            key = (source_file, release.source_item)
            if key in seen:
                corpus.release_problems[source_file] = corpus.release_problems.get(source_file, ()) + (
                    Problem(origin, 0, "", f"holds two releases with the same id '{release.source_item}'; the second is skipped"),)
                continue
            seen.add(key)
            old = by_source.get(key)
            if old and old.sha == sha and old.stamp == corpus.stamp:
                unchanged += 1
            elif old and old.edited:
                outcome = merge_one(corpus, config, release, old)
                if outcome is None:
                    kept.append(f"content/annotated/{old.rel}")
                elif outcome.path:
                    merged.append(outcome)
                    problems.extend(corpus.annotated[old.rel].problems)
                else:
                    unchanged += 1
            else:
                due.append((release, old))
    step = PREPARE_CHUNK * cores()
    while due:  # a chunk at a time, letting go of each: the texts of every release are never all held
        chunk, due = due[:step], due[step:]
        ready = prepare_all([release for release, _ in chunk], config, corpus, ahead)
        for (release, old), made in zip(chunk, ready):  # in the order of the files, as paths are handed out
            written.append(annotate_one(corpus, config, release, old, taken, made))
    removed = remove_orphans(corpus, config, by_source, seen, kept)
    if changed is None:
        tidy_bases(corpus, config)
    problems.extend(p for found in corpus.release_problems.values() for p in found)
    return IngestReport(tuple(written), unchanged, tuple(kept), tuple(removed), tuple(sorted(set(problems))),
                        tuple(merged))


def below(paths: frozenset[str], known: dict[str, object]) -> frozenset[str]:
    """The paths, plus every known file inside one of them (a folder that was moved away or deleted)."""
    if all(path in known for path in paths):  # known files (a watcher's edits): no folder among them
        return paths
    folders = tuple(p.rstrip("/") + "/" for p in paths)
    return paths | frozenset(name for name in known if name.startswith(folders))


@record
class Prepared:
    """A release annotated, before it is written: its text, the path it asks for, and the file as
    it reads back from that path (its size and time are those of the file once written)."""

    text: str
    rel: str
    file: AnnotatedFile


def prepare(release: Release, taxonomy: tuple[Topic, ...], stamp: str, topic_slugs: frozenset[str]) -> Prepared:
    """Annotate a release: a pure function of the release and the settings, run on any core."""
    annotation = annotate(release, taxonomy)
    text = render_document(release, annotation, stamp)
    rel = annotated_path(release, annotation)
    return Prepared(text, rel, annotated_from_text(rel, text, 0, 0, topic_slugs))


def prepare_all(releases: list[Release], config: Config, corpus: Corpus, ahead: Ahead | None = None) -> list[Prepared]:
    """prepare() for each release, in order, shared among the cores; a release annotated ahead
    (the same release, with the same settings) is taken from there."""
    taxonomy, stamp, slugs = config.taxonomy, corpus.stamp, corpus.topic_slugs
    done = ahead.take(stamp, slugs) if ahead else {}
    todo = [release for release in releases if release not in done]
    made = dict(zip(todo, map_items(lambda release: prepare(release, taxonomy, stamp, slugs), todo, minimum=16)))
    return [done.get(release) or made[release] for release in releases]


AHEAD_MOST = 32  # release files annotated ahead at most: more are shared among the cores by ingest itself


class Ahead:
    """Releases being annotated in a forked process while the build does other work (it loads
    its cache): see annotate_ahead. A handle to the process, which take() reaps."""

    def __init__(self, pid: int, fd: int, stamp: str, slugs: frozenset[str]):
        self.pid, self.fd, self.stamp, self.slugs = pid, fd, stamp, slugs
        self.found: dict[Release, Prepared] = {}

    def take(self, stamp: str, slugs: frozenset[str]) -> dict[Release, Prepared]:
        """The releases annotated, each with what prepare() gives for it; none when the process
        failed or annotated with other settings than these."""
        if self.pid:
            ok, value = end_child(self.pid, self.fd)
            self.pid = 0
            self.found = value if ok and isinstance(value, dict) else {}
        return self.found if (stamp, slugs) == (self.stamp, self.slugs) else {}

    def close(self) -> None:
        """Stop the process if nothing took its releases."""
        if self.pid:
            end_child(self.pid, self.fd, kill=True)
            self.pid = 0


def annotate_ahead(config: Config, listings: Listings, since_ns: int) -> Ahead | None:
    """Start annotating, in a forked process, the release files modified after `since_ns` (when
    the last build ended): the releases an edit touched, most likely. The build meanwhile loads
    its cache on the other core, and ingest takes the annotations of the releases it finds
    changed (prepare_all); a release it does not find there, it annotates itself. So this is
    only ever a head start: a file changed again, or one changed during the last build (older
    than `since_ns`), is annotated by ingest as before. None on one core or where a fork is
    unsafe; when more than AHEAD_MOST files changed, the process annotates none of them (ingest
    shares them among the cores)."""
    if cores() < 2 or not can_fork():
        return None
    stamp, slugs = annotator_stamp(config), frozenset(topic.slug for topic in config.taxonomy)

    def work(_: None) -> dict[Release, Prepared]:
        newer = [(source_file, path) for source_file, path, stat in list_releases(config, None, listings)
                 if isinstance(path, str) and stat is not None and stat[1] > since_ns]
        found: dict[Release, Prepared] = {}
        for source_file, path in newer if len(newer) <= AHEAD_MOST else ():
            try:
                releases = read_releases(Path(path).read_bytes(), source_file, f"content/releases/{source_file}",
                                         config.zone)
            except (OSError, ContentError):
                continue  # ingest reads it again and reports the problem
            found.update((release, prepare(release, config.taxonomy, stamp, slugs)) for release in releases)
        return found

    pid, fd = fork_child(work, None)
    return Ahead(pid, fd, stamp, slugs)


def annotate_one(corpus: Corpus, config: Config, release: Release, old: AnnotatedFile | None, taken: set[str],
                 made: Prepared | None = None) -> str:
    """Write a release's annotated file (annotated here unless `made` already); returns its site-relative path."""
    made = made or prepare(release, config.taxonomy, corpus.stamp, corpus.topic_slugs)
    if old:
        taken.discard(old.rel)
    rel = free_path(made.rel, taken)
    taken.add(rel)
    if old and old.rel != rel:
        remove_annotated(corpus, config, old.rel)
    write_annotated(corpus, config, rel, made.text, made.text, made.file if rel == made.rel else None)
    return f"content/annotated/{rel}"


def merge_one(corpus: Corpus, config: Config, release: Release, old: AnnotatedFile) -> Merge | None:
    """Merge a hand-edited file with a new annotation of its release, against the base it was
    edited from. None when that base is missing (files from before bases were kept, or a file
    renamed by hand) or the file cannot be taken apart: the file is then kept as it is. A Merge
    with no path when the merge changes nothing."""
    path, base_path = config.annotated_dir / old.rel, base_of(config, old.rel)
    try:
        ours = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        base = base_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if is_edited(base) or not checksum_of(ours) or checksum_of(ours) != checksum_of(base):
        return None  # not the text this file was edited from
    theirs = render_document(release, annotate(release, config.taxonomy), corpus.stamp)
    try:
        result = merge(ours, base, theirs, f"content/annotated/{old.rel}")
    except MergeError:
        return None
    if result.text == ours and base == theirs:
        return Merge("")
    write_annotated(corpus, config, old.rel, result.text, theirs)
    return Merge(f"content/annotated/{old.rel}", result.kept, result.taken, result.combined, result.conflicts)


def write_annotated(corpus: Corpus, config: Config, rel: str, text: str, base: str,
                    parsed: AnnotatedFile | None = None) -> None:
    """Write an annotated file and its base, and remember the file as read, so it is not read back.
    `parsed`: the text as already read back from this path."""
    path = config.annotated_dir / rel
    write_text_atomic(base_of(config, rel), base)
    write_text_atomic(path, text)
    stat = path.stat()
    corpus.annotated[rel] = replace(parsed, size=stat.st_size, mtime_ns=stat.st_mtime_ns) if parsed \
        else annotated_from_text(rel, text, stat.st_size, stat.st_mtime_ns, corpus.topic_slugs)


def remove_annotated(corpus: Corpus, config: Config, rel: str) -> None:
    """Delete an annotated file and its base."""
    (config.annotated_dir / rel).unlink(missing_ok=True)
    base_of(config, rel).unlink(missing_ok=True)
    corpus.annotated.pop(rel, None)


def base_of(config: Config, rel: str) -> Path:
    """Where the base of content/annotated/<rel> is kept: what Briefing last wrote there."""
    return config.site_dir.joinpath(*BASE_DIR, rel)


def tidy_bases(corpus: Corpus, config: Config) -> None:
    """Give each file Briefing wrote and nobody edited its base, when it has none (a file from
    before bases were kept: it is its own base); remove the bases of files that are gone."""
    folder = config.site_dir.joinpath(*BASE_DIR)
    present = {rel for rel, _ in scan(folder) if rel.endswith(".md")}
    for rel in sorted(present - set(corpus.annotated)):
        (folder / rel).unlink(missing_ok=True)
    for rel, file in sorted(corpus.annotated.items()):
        if rel not in present and not file.edited and file.document is not None:
            try:
                text = (config.annotated_dir / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not is_edited(text):
                write_text_atomic(folder / rel, text)


def index_by_source(corpus: Corpus, problems: list[Problem]) -> dict[Key, AnnotatedFile]:
    """(source_file, source_item) -> the annotated file made from it."""
    files = [(rel, file) for rel, file in sorted(corpus.annotated.items()) if file.source[0]]
    index = {file.source: file for _, file in files}
    if len(index) == len(files):  # no release annotated twice: the loop below would give the same
        return index
    index = {}
    for rel, file in files:
        if file.source in index:
            problems.append(Problem(f"content/annotated/{rel}", 0, "source_file",
                                    f"'{file.source[0]}' is also annotated in content/annotated/{index[file.source].rel}; delete one of them"))
            continue
        index[file.source] = file
    return index


Candidate = tuple[str, str | Problem, tuple[int, int] | None]  # (name, path, (size, modification time in ns))


def list_releases(config: Config, only: frozenset[str] | None = None,
                  listings: Listings | None = None) -> list[Candidate]:
    """(releases-relative posix name, path, its size and time) of every release file, sorted; a
    Problem (and no stat) instead of the path for an entry that must not be read (a link to
    outside the site, a file too big). `only`: just these names. The path is a string: most
    files are not read (they did not change), and a Path for each of 10,000 files took 35 ms."""
    site = config.site_dir.resolve()
    out: list[Candidate] = []
    if only is None:
        names: list[tuple[str, Path]] = []
        folder = f"{config.releases_dir}{os.sep}"
        for rel, link, mode, size, mtime_ns in listing(config.releases_dir, listings):
            if IGNORED_NAMES.search(rel.rpartition("/")[2]):
                continue  # editor, backup and system files
            if link:
                names.append((rel, config.releases_dir / rel))
            elif S_ISREG(mode):  # a plain file: the listing's stat (four calls for each of 10,000 files before)
                big = too_big(size, f"content/releases/{rel}")
                out.append((rel, big, None) if big else (rel, folder + rel, (size, mtime_ns)))
    else:
        names = [(rel, config.releases_dir / rel) for rel in sorted(only)
                 if not any(part.startswith(".") for part in rel.split("/"))]
    for rel, path in names:
        if IGNORED_NAMES.search(path.name):
            continue  # editor, backup and system files
        link = path.is_symlink()
        if link and not path.exists():
            out.append((rel, Problem(f"content/releases/{rel}", 0, "symlink", "a symbolic link to a file that does not "
                                     "exist; fix the link or remove it"), None))
        elif link and site not in path.resolve().parents:
            out.append((rel, Problem(f"content/releases/{rel}", 0, "symlink", "a symbolic link to a file outside the "
                                     "site, not read; copy the file into content/releases/ instead"), None))
        elif is_release_file(path):
            info = path.stat()
            big = too_big(info.st_size, f"content/releases/{rel}")
            out.append((rel, big, None) if big else (rel, str(path), (info.st_size, info.st_mtime_ns)))
    return sorted(out, key=lambda item: item[0])  # plain files and links were listed apart


def free_path(rel: str, taken: set[str]) -> str:
    """rel, or rel with -2, -3, ... when another release already has that path."""
    if rel not in taken:
        return rel
    stem = rel[:-3]
    n = 2
    while f"{stem}-{n}.md" in taken:
        n += 1
    return f"{stem}-{n}.md"


def remove_orphans(corpus: Corpus, config: Config, by_source: dict[Key, AnnotatedFile], seen: set[Key],
                   kept: list[str]) -> list[str]:
    """Delete annotated files whose release is gone, unless a person edited them."""
    removed = []
    for key in sorted(by_source.keys() - seen):
        old = by_source[key]
        if old.rel not in corpus.annotated:
            continue
        if old.edited:
            kept.append(f"content/annotated/{old.rel}")
            continue
        remove_annotated(corpus, config, old.rel)
        removed.append(f"content/annotated/{old.rel}")
    return removed


# ---------------------------------------------------------------- documents

def documents_of(corpus: Corpus) -> tuple[list[Document], list[Problem]]:
    """Every valid annotated document, by path; bad files are reported and left out."""
    documents: list[Document] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for rel, file in sorted(corpus.annotated.items()):
        problems.extend(file.problems)  # a file with conflicts left by a merge is reported, and still built
        if file.document is None:
            continue
        slug = file.document.slug
        if slug in seen:
            problems.append(Problem(f"content/annotated/{rel}", 0, "", f"same file name as content/annotated/{seen[slug]}; rename one of them"))
            continue
        seen[slug] = rel
        documents.append(file.document)
    documents, duplicates = drop_duplicates(documents)
    return documents, problems + duplicates


def drop_duplicates(documents: list[Document]) -> tuple[list[Document], list[Problem]]:
    """Two release files with the same bytes are built once: the file whose name sorts first."""
    keys = [key for key in map(SOURCE_KEY, documents) if key[0]]
    if len(set(keys)) == len(keys):  # no two with the same bytes, the common case: no sort
        return documents, []
    first: dict[Key, str] = {}
    for document in sorted(documents, key=lambda d: (d.source_file, d.path)):
        if document.source_sha256:
            first.setdefault((document.source_sha256, document.source_item), document.source_file)
    kept: list[Document] = []
    problems: list[Problem] = []
    for document in documents:
        owner = first.get((document.source_sha256, document.source_item), document.source_file)
        if owner != document.source_file:
            problems.append(Problem(f"content/releases/{document.source_file}", 0, "duplicate",
                                    f"the same bytes as content/releases/{owner}; left out of the site "
                                    "(delete one of the two files)"))
        else:
            kept.append(document)
    return kept, problems


def warnings_of(corpus: Corpus, today: dt.date) -> tuple[Problem, ...]:
    """What the release files are warned about: not UTF-8, dated after today. --strict fails on them."""
    found: list[Problem] = []
    for source_file, notes in corpus.release_notes.items():  # every release file, on every build: nothing made for most
        found += notes.encoding
        for day, _, _ in notes.dates:
            if day > today:
                found += future_dates(notes, f"content/releases/{source_file}", today)
                break
    return tuple(sorted(found))
