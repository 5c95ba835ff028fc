"""The one module that calls every stage: it reads like the table of contents of a build."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from generator.annotate import ANNOTATOR_VERSION, annotate
from generator.config import Config
from generator.document import (annotated_path, annotator_of, is_edited, load_document, render_document,
                                sha_of, source_of)
from generator.errors import ContentError, Problem
from generator.ingest import is_release_file, read_releases
from generator.model import build_site
from generator.records import Document
from generator.render import render_site
from generator.theme import resolve_theme
from generator.write import WriteReport, check_output_dir, write_output, write_text_atomic


@dataclass(frozen=True)
class IngestReport:
    written: tuple[str, ...] = ()  # annotated files written (site-relative)
    unchanged: int = 0
    kept: tuple[str, ...] = ()  # annotated files left alone because a person edited them
    removed: tuple[str, ...] = ()  # annotated files of releases that no longer exist
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class BuildReport:
    ingest: IngestReport
    documents: int
    pages: int
    write: WriteReport | None
    problems: tuple[Problem, ...] = field(default=())  # every content problem, ingest included


@dataclass(frozen=True)
class Existing:
    """An annotated file already on disk."""

    rel: str
    text: str


# ---------------------------------------------------------------- ingest

Key = tuple[str, str]  # (source_file, source_item): which release an annotated file was made from


def ingest(config: Config) -> IngestReport:
    """Bring content/annotated/ up to date with content/releases/."""
    problems: list[Problem] = []
    existing = index_annotated(config.annotated_dir, problems)
    taken = {e.rel for e in existing.values()}
    stamp = annotator_stamp(config)
    written: list[str] = []
    kept: list[str] = []
    seen: set[Key] = set()
    unchanged = 0
    for source_file, path in list_releases(config, problems):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        old = existing.get((source_file, ""))
        if old and sha_of(old.text) == sha and annotator_of(old.text) == stamp:
            unchanged += 1  # the common case: nothing to read, nothing to annotate
            seen.add((source_file, ""))
            continue
        origin = f"content/releases/{source_file}"
        try:
            releases = read_releases(data, source_file, origin, config.zone)
        except ContentError as exc:
            problems.extend(exc.problems)
            seen |= {key for key in existing if key[0] == source_file}  # keep the last good annotation
            continue
        for release in releases:
            key = (source_file, release.source_item)
            if key in seen:
                problems.append(Problem(origin, 0, "", f"holds two releases with the same id '{release.source_item}'; the second is skipped"))
                continue
            seen.add(key)
            old = existing.get(key)
            if old and sha_of(old.text) == sha and annotator_of(old.text) == stamp:
                unchanged += 1
                continue
            if old and is_edited(old.text):
                kept.append(f"content/annotated/{old.rel}")
                continue
            annotation = annotate(release, config.taxonomy)
            text = render_document(release, annotation, stamp)
            if old:
                taken.discard(old.rel)
            rel = free_path(annotated_path(release, annotation), taken)
            taken.add(rel)
            if old and old.rel != rel:
                (config.annotated_dir / old.rel).unlink(missing_ok=True)
            if old is None or old.rel != rel or old.text != text:
                write_text_atomic(config.annotated_dir / rel, text)
                written.append(f"content/annotated/{rel}")
            else:
                unchanged += 1
    removed = remove_orphans(config, existing, seen, kept)
    return IngestReport(tuple(written), unchanged, tuple(kept), tuple(removed), tuple(sorted(problems)))


def annotator_stamp(config: Config) -> str:
    """The annotator version plus a digest of the settings annotation depends on (taxonomy, time zone),
    so that changing them re-annotates every file nobody edited."""
    settings = repr((config.taxonomy, config.timezone)).encode("utf-8")
    return f"{ANNOTATOR_VERSION}-{hashlib.sha256(settings).hexdigest()[:8]}"


def list_releases(config: Config, problems: list[Problem]) -> list[tuple[str, Path]]:
    """(releases-relative posix name, path) of every release file, sorted; unsafe entries reported."""
    root = config.releases_dir
    if not root.is_dir():
        return []
    site = config.site_dir.resolve()
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(root).parts[:-1]):
            continue
        if path.is_symlink() and site not in path.resolve().parents:
            problems.append(Problem(f"content/releases/{rel}", 0, "", "symbolic link to a file outside the site: skipped"))
            continue
        if is_release_file(path):
            out.append((rel, path))
    return out


def index_annotated(folder: Path, problems: list[Problem]) -> dict[Key, Existing]:
    """(source_file, source_item) -> the annotated file made from it."""
    index: dict[Key, Existing] = {}
    if not folder.is_dir():
        return index
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # load_documents reports it
        source = source_of(text)
        if not source[0]:
            continue
        if source in index:
            problems.append(Problem(f"content/annotated/{rel}", 0, "source_file",
                                    f"'{source[0]}' is also annotated in content/annotated/{index[source].rel}; delete one of them"))
            continue
        index[source] = Existing(rel, text)
    return index


def free_path(rel: str, taken: set[str]) -> str:
    """rel, or rel with -2, -3, ... when another release already has that path."""
    if rel not in taken:
        return rel
    stem = rel[:-3]
    n = 2
    while f"{stem}-{n}.md" in taken:
        n += 1
    return f"{stem}-{n}.md"


def remove_orphans(config: Config, existing: dict[Key, Existing], sources: set[Key], kept: list[str]) -> list[str]:
    """Delete annotated files whose release is gone, unless a person edited them."""
    removed = []
    for source, old in sorted(existing.items()):
        if source in sources:
            continue
        if is_edited(old.text):
            kept.append(f"content/annotated/{old.rel}")
            continue
        (config.annotated_dir / old.rel).unlink(missing_ok=True)
        removed.append(f"content/annotated/{old.rel}")
    return removed


# ---------------------------------------------------------------- build

def load_documents(config: Config) -> tuple[list[Document], list[Problem]]:
    """Every annotated file, validated; bad files are reported and left out."""
    slugs = frozenset(topic.slug for topic in config.taxonomy)
    documents: list[Document] = []
    problems: list[Problem] = []
    folder = config.annotated_dir
    if not folder.is_dir():
        return documents, problems
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder).as_posix()
        try:
            document = load_document(path, rel, slugs)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if document.slug in seen:
            problems.append(Problem(f"content/annotated/{rel}", 0, "", f"same file name as content/annotated/{seen[document.slug]}; rename one of them"))
            continue
        seen[document.slug] = rel
        documents.append(document)
    return documents, problems


def build(config: Config, output: Path) -> BuildReport:
    """Ingest what is new or changed, then render the whole site into output/."""
    check_output_dir(output, config.site_dir)
    theme = resolve_theme(config)
    report = ingest(config)
    documents, problems = load_documents(config)
    site = build_site(documents, config)
    pages = render_site(site, config, theme)
    written = write_output(pages, output)
    return BuildReport(report, len(documents), len(pages), written, tuple(sorted(set(report.problems) | set(problems))))


def check(config: Config) -> tuple[Problem, ...]:
    """Every problem a build would meet, without writing anything."""
    theme = resolve_theme(config)
    problems: list[Problem] = []
    for source_file, path in list_releases(config, problems):
        try:
            read_releases(path.read_bytes(), source_file, f"content/releases/{source_file}", config.zone)
        except ContentError as exc:
            problems.extend(exc.problems)
    documents, doc_problems = load_documents(config)
    render_site(build_site(documents, config), config, theme)
    return tuple(sorted(set(problems) | set(doc_problems)))

