"""The `briefing` command. Exit codes: 0 success, 1 content problems, 2 usage or config."""
from __future__ import annotations

import argparse
import contextlib
import gc
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Iterator, Sequence

from generator import __version__
from generator.build import Builder, BuildReport, build, check, ingest
from generator.config import Config, load_config, with_base_url
from generator.errors import BriefingError, ConfigError, Problem
from generator.scaffold import new_site

OK, CONTENT_PROBLEMS, USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as exc:
        report_problems(exc.problems)
        return USAGE
    except BriefingError as exc:
        report_problems(exc.problems)
        return CONTENT_PROBLEMS
    except KeyboardInterrupt:
        return 130


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="Turn official news releases into a website of weekly briefing digests.")
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, run) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=run)
        if name != "new":
            p.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the site folder, holding site.yaml (default: .)")
        return p

    command("ingest", "annotate new or changed releases into content/annotated/", run_ingest)
    for name, help_text, run in (("build", "ingest, then render the site into output/", run_build),
                                 ("watch", "build, then rebuild on every change until Ctrl-C", run_watch),
                                 ("serve", "watch, and serve the site on http://127.0.0.1:8000/", run_serve)):
        p = command(name, help_text, run)
        p.add_argument("--output", type=Path, default=None, metavar="DIR", help="where the site goes (default: SITE/output)")
        p.add_argument("--base-url", default=None, metavar="URL",
                       help="the URL the site is published at, instead of site.yaml's base_url (e.g. https://example.org/briefing/)")
        if name != "build":
            p.add_argument("--poll", action="store_true", help="poll for changes (network drives, containers)")
        else:
            p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too, not only on problems")
        if name == "serve":
            p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
            p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
            p.add_argument("--navigate", action="store_true",
                           help="when an edit of a release changes its page, take the browser there")
    p = command("check", "report every problem with the site without writing anything", run_check)
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too, not only on problems")
    add_publish_commands(sub)
    p = sub.add_parser("new", help="create a new site in DIR", description="create a new site in DIR")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.set_defaults(run=run_new)
    return parser


def add_publish_commands(sub) -> None:
    """`briefing publish git|s3`: build, then publish the site (nothing when the build has problems)."""
    help_text = "build, then publish the site to a git branch (GitHub Pages) or an S3-compatible bucket"
    publish = sub.add_parser("publish", help=help_text, description=help_text)
    targets = publish.add_subparsers(dest="target", required=True, metavar="TARGET")
    git = targets.add_parser("git", help="commit the site to a branch (gh-pages) and push it",
                             description="Build, then commit the site as the next commit of a branch that holds "
                                         "exactly the site (your working tree, index and branch are left alone), "
                                         "then push it.")
    git.set_defaults(run=run_publish_git)
    git.add_argument("--repo", type=Path, default=None, metavar="PATH", help="the git repository (default: the one holding the site)")
    git.add_argument("--branch", default="gh-pages", help="the branch to publish to (default: gh-pages)")
    git.add_argument("--remote", default="origin", help="the remote to push to (default: origin)")
    git.add_argument("--message", default=None, metavar="M", help="the commit message")
    git.add_argument("--no-push", action="store_true", help="commit to the local branch only")
    s3 = targets.add_parser("s3", help="upload the changed files to an S3-compatible bucket",
                            description="Build, then upload the files whose bytes changed to an S3-compatible bucket "
                                        "(AWS, MinIO, Cloudflare R2, ...), with their Content-Type. Credentials come "
                                        "from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or a profile.")
    s3.set_defaults(run=run_publish_s3)
    s3.add_argument("--bucket", required=True, metavar="NAME", help="the bucket")
    s3.add_argument("--prefix", default="", metavar="P", help="a folder in the bucket to publish into (default: its root)")
    s3.add_argument("--endpoint-url", default=None, metavar="URL", help="the S3 endpoint, for MinIO, R2 and others (default: AWS)")
    s3.add_argument("--region", default=None, metavar="R", help="the bucket's region (default: from the environment)")
    s3.add_argument("--cache-control", default=None, metavar="VALUE", help="a Cache-Control header for every uploaded file")
    s3.add_argument("--delete", action="store_true", help="remove objects (under the prefix) the site no longer has")
    s3.add_argument("--dry-run", action="store_true", help="say what would be uploaded and removed, change nothing")
    for p in (git, s3):
        p.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the site folder, holding site.yaml (default: .)")
        p.add_argument("--output", type=Path, default=None, metavar="DIR", help="where the site is built (default: SITE/output)")
        p.add_argument("--base-url", default=None, metavar="URL",
                       help="the URL the site is published at, instead of site.yaml's base_url (e.g. https://example.org/briefing/)")


# ---------------------------------------------------------------- commands

def run_new(args: argparse.Namespace) -> int:
    for path in new_site(args.dir):
        say(f"created {path}")
    say(f"next: put releases in {args.dir / 'content' / 'releases'}, then run: briefing build --site {args.dir}")
    return OK


def run_ingest(args: argparse.Namespace) -> int:
    config = load_config(args.site)
    report = ingest(config)
    for rel in report.written:
        say(f"wrote {rel}")
    describe_ingest(report)
    report_problems(report.problems, report.warnings)
    return CONTENT_PROBLEMS if report.problems else OK


def run_build(args: argparse.Namespace) -> int:
    config = with_base_url(load_config(args.site), args.base_url)
    started = time.perf_counter()
    report = build(config, output_of(args, config))
    describe_build(report, output_of(args, config), time.perf_counter() - started)
    return CONTENT_PROBLEMS if report.problems or args.strict and report.warnings else OK


def run_check(args: argparse.Namespace) -> int:
    report = check(load_config(args.site))
    report_problems(report.problems, report.warnings)
    counts = [f"{len(found)} {what}(s)" for found, what in ((report.problems, "problem"), (report.warnings, "warning")) if found]
    say(", ".join(counts) or "no problems")
    return CONTENT_PROBLEMS if report.problems or args.strict and report.warnings else OK


def run_publish_git(args: argparse.Namespace) -> int:
    from generator.publish import GitTarget, open_repo, publish_git

    config = with_base_url(load_config(args.site), args.base_url)
    target = GitTarget(args.repo or args.site, args.branch, args.remote, args.message, push=not args.no_push)
    repo = open_repo(target)  # a missing repository or remote is told before anything is built
    output = build_to_publish(args, config)
    if output is None:
        return CONTENT_PROBLEMS
    report = publish_git(output, repo, target, log=say)
    pushed = (f"pushed to {report.pushed}" if report.pushed else f"{target.remote} already up to date" if target.push
              else f"not pushed (--no-push; to publish: git push {target.remote} {target.branch})")
    say(f"publish: {target.branch}: {len(report.uploaded)} added or changed, {len(report.deleted)} removed, "
        f"{report.unchanged} unchanged; {pushed}")
    return OK


def run_publish_s3(args: argparse.Namespace) -> int:
    from generator.publish import S3Target, check_bucket, publish_s3, s3_client

    config = with_base_url(load_config(args.site), args.base_url)
    target = S3Target(args.bucket, args.prefix, args.endpoint_url, args.region, args.delete, args.dry_run, args.cache_control)
    client = s3_client(target)
    check_bucket(client, target)  # no boto3, no bucket, no credentials: told before anything is built
    output = build_to_publish(args, config)
    if output is None:
        return CONTENT_PROBLEMS
    report = publish_s3(output, target, client, log=say)
    if report.stale:
        say(f"kept {len(report.stale)} object(s) the site no longer has (--delete removes them)")
    say(f"publish: {'dry run, ' if report.dry_run else ''}{report.target}: {len(report.uploaded)} uploaded, "
        f"{report.unchanged} unchanged, {len(report.deleted)} deleted")
    return OK


def build_to_publish(args: argparse.Namespace, config: Config) -> Path | None:
    """Build the site; its output folder, or None (and why) when the build has problems."""
    output = output_of(args, config)
    started = time.perf_counter()
    try:
        report = build(config, output)
    except BriefingError:
        print("publish: the build failed, so nothing is published:", file=sys.stderr)  # the problems follow
        raise
    describe_build(report, output, time.perf_counter() - started)
    if report.problems:
        print(f"publish: nothing published; fix the {len(report.problems)} problem(s) above first", file=sys.stderr)
        return None
    if config.base_url == Config.base_url:
        print(f"warning: base_url is {config.base_url}; set it in site.yaml (or pass --base-url) to the address "
              "the site is published at, so feeds and the sitemap link there", file=sys.stderr)
    return output


def run_watch(args: argparse.Namespace) -> int:
    return watch_and_maybe_serve(args, serve=False)


def run_serve(args: argparse.Namespace) -> int:
    return watch_and_maybe_serve(args, serve=True)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a build runs (it makes many short-lived objects and the reader
    waits); the collector runs again once the pages are told."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def watch_and_maybe_serve(args: argparse.Namespace, serve: bool) -> int:
    import traceback

    from generator.serve import BuildGate, Preview, make_server, stop_server
    from generator.watch import Change, watch

    site = args.site
    gate = BuildGate()
    config = with_base_url(load_config(site), args.base_url)
    output = output_of(args, config)
    preview = Preview(config.base_path, navigate=serve and args.navigate)
    builder = Builder(output, in_place=True)  # remembers what it read and rendered between builds

    def rebuild(change: Change | None) -> set[str]:
        """One build, told to the open pages; returns the files it wrote in the site itself."""
        nonlocal config
        if change:
            say(f"changed: {', '.join(change.paths[:5])}{' …' if len(change.paths) > 5 else ''}")
        started = time.perf_counter()
        with gate, collector_paused():
            try:
                config = with_base_url(load_config(site), args.base_url)
                report = builder.build(config, change.paths if change else None)
            except BriefingError as exc:
                report_problems(exc.problems)
                say("build failed; the last good site is kept")
                preview.failed(exc.problems)
                return set()
            except Exception as exc:  # a bug in a build must not end the session: show it, keep the last good site
                traceback.print_exc()
                preview.failed([Problem("briefing", 0, "", f"internal error: {type(exc).__name__}: {exc}")])
                say("build failed; the last good site is kept")
                return set()
        describe_build(report, output, time.perf_counter() - started)
        preview.built(report, change.paths if change else (), config.base_path)
        return set(report.ingest.written) | set(report.ingest.removed) | {m.path for m in report.ingest.merged}

    rebuild(None)
    import generator.annotate.pipeline  # noqa: F401  load the annotator now, not on the first edit
    gc.freeze()  # the documents loaded by the first build stay: keep the collector from walking them again
    stop = threading.Event()
    server = None
    if serve:
        try:
            server = make_server(output, preview, args.host, args.port, gate)
        except OSError as exc:
            raise ConfigError([Problem("--port", 0, "", f"cannot listen on {args.host}:{args.port}: {exc.strerror}")]) from None
        threading.Thread(target=server.serve_forever, name="serve", daemon=True).start()
        started = f"serving http://{args.host}:{server.server_address[1]}{config.base_path} (Ctrl-C to stop)"
    else:
        started = "watching for changes (Ctrl-C to stop)"
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        watch(site, rebuild, stop, poll=args.poll, ready=lambda: say(started))  # once a save would be seen
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server:
            stop_server(server, preview)
        builder.save(config)  # the next `briefing build` or `serve` starts from here
    say("stopped")
    return OK


# ---------------------------------------------------------------- output

def output_of(args: argparse.Namespace, config: Config) -> Path:
    return args.output if args.output is not None else config.site_dir / "output"


def describe_ingest(report) -> None:
    for merge in report.merged:
        describe_merge(merge)
    for rel in report.kept:
        say(f"kept {rel}: edited by hand, so not re-annotated (delete it to annotate again)")
    for rel in report.removed:
        say(f"removed {rel}: its release is gone")
    say(f"ingest: {len(report.written)} annotated, {report.unchanged} unchanged, {len(report.kept)} kept, "
        f"{len(report.merged)} merged, {len(report.removed)} removed, {len(report.problems)} problem(s)")


def describe_merge(merge) -> None:
    """`merged FILE: kept your title; took new topics`, then a line for each kind of conflict."""
    parts = [f"{what} {', '.join(names)}{after}" for what, names, after in (
        ("kept your", merge.kept, ""), ("took new", merge.taken, ""), ("combined your", merge.combined, " with the new one"))
        if names]
    say(f"merged {merge.path}: " + ("; ".join(parts) or ("nothing else changed" if merge.conflicts else
                                                         "only the release's checksum or the annotator's version changed")))
    fields = [name for name in merge.conflicts if name != "body"]
    if fields:
        say(f"conflict {merge.path}: {', '.join(fields)} (both kept; see conflicts: in the file)")
    if "body" in merge.conflicts:
        say(f"conflict {merge.path}: body (both kept, between the <<<<<<< and >>>>>>> lines)")


def describe_build(report: BuildReport, output: Path, seconds: float) -> None:
    describe_ingest(report.ingest)
    report_problems(tuple(p for p in report.problems if p not in report.ingest.problems) + report.ingest.problems,
                    report.warnings)
    w = report.write
    say(f"build: {report.documents} releases, {report.pages} files in {output} "
        f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed) in {seconds:.2f} s")
    if report.search:
        say(report.search)


def report_problems(problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
    """Errors, then warnings (what is built all the same), each as `file:line: field: message`."""
    for problem in sorted(set(problems)):
        print(f"error: {problem}", file=sys.stderr)
    for warning in sorted(set(warnings)):
        print(f"warning: {warning}", file=sys.stderr)


def say(message: str) -> None:
    print(message, flush=True)
