"""Publishing a built site: to a git branch (GitHub Pages) or to an S3-compatible bucket.

Both targets take the files of a finished build (the output folder) and change only what
differs. The git target makes one commit per publish on a branch that holds exactly the site,
with git's plumbing, so the user's working tree, index and current branch are never touched.
The S3 target uploads the files whose bytes changed, with their Content-Type, and removes the
objects the site no longer has only when asked. Every failure of the target is a ConfigError
with one clear line (exit code 2); the build itself is the caller's business.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import mimetypes
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from generator import __version__
from generator.errors import ConfigError, Problem
from generator.records import record

NOJEKYLL = ".nojekyll"  # tells GitHub Pages to serve the files as they are (no Jekyll run)
GIT_LOCATION_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")
BATCH = 1000  # most keys one S3 DeleteObjects request takes

Log = Callable[[str], None]


@record
class PublishReport:
    """What one publish did (or, with dry_run, would do)."""

    target: str  # where: 'refs/heads/gh-pages in /repo/.git' or 's3://bucket/prefix/'
    uploaded: tuple[str, ...]  # site paths added or changed, sorted
    deleted: tuple[str, ...]  # site paths removed from the target, sorted
    unchanged: int
    commit: str | None = None  # git: the new commit, or None when nothing changed
    pushed: str | None = None  # git: the remote pushed to
    stale: tuple[str, ...] = ()  # s3: objects the site no longer has, left in place (no --delete)
    dry_run: bool = False


def fail(option: str, message: str) -> ConfigError:
    return ConfigError([Problem(option, 0, "", message)])


def list_site(output: Path) -> tuple[str, ...]:
    """The output-relative paths of every file of a built site, sorted."""
    if not (output / "index.html").is_file():
        raise fail("--output", f"{output} holds no built site")
    return tuple(sorted(path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()))


# ---------------------------------------------------------------- git

@record
class GitTarget:
    """`briefing publish git` options."""

    repo: Path  # a folder inside the repository
    branch: str = "gh-pages"
    remote: str = "origin"
    message: str | None = None
    push: bool = True


@record
class GitRepo:
    git_dir: Path
    branch_ref: str  # refs/heads/<branch>


def open_repo(target: GitTarget) -> GitRepo:
    """Check the target before anything is built: a repository, a usable branch, the remote."""
    if not target.repo.is_dir():
        raise fail("--repo", f"{target.repo} is not a folder")
    found = run_git(None, "rev-parse", "--absolute-git-dir", cwd=target.repo, check=False)
    if found.returncode != 0:
        raise fail("--repo", f"{target.repo} is not inside a git repository; run 'git init' there or pass --repo PATH")
    repo = GitRepo(Path(found.stdout.strip()), f"refs/heads/{target.branch}")
    if run_git(repo.git_dir, "check-ref-format", repo.branch_ref, check=False).returncode != 0 or target.branch.startswith("-"):
        raise fail("--branch", f"'{target.branch}' is not a valid branch name")
    checked_out = {line.removeprefix("branch ") for line in git(repo, "worktree", "list", "--porcelain").splitlines()
                   if line.startswith("branch ")}
    if repo.branch_ref in checked_out:
        raise fail("--branch", f"'{target.branch}' is checked out; publishing replaces its files with the site: "
                               f"switch to another branch or choose another --branch")
    if target.push and target.remote not in git(repo, "remote").split():
        raise fail("--remote", f"the repository has no remote '{target.remote}': add one with "
                               f"'git remote add {target.remote} URL', choose one with --remote, or pass --no-push")
    return repo


def publish_git(output: Path, repo: GitRepo, target: GitTarget, log: Log = lambda _: None) -> PublishReport:
    """Commit the site as the branch's next commit (none when nothing changed), then push it."""
    output = output.absolute()  # git runs in the repository, not here
    paths = list_site(output)
    local = tip(repo, repo.branch_ref)
    remote = remote_tip(repo, target) if target.push else None
    parent = parent_commit(repo, target, local, remote) if target.push else local
    tree = write_tree(repo, output, paths)
    old_tree = git(repo, "rev-parse", f"{parent}^{{tree}}").strip() if parent else None
    changed, removed = tree_changes(repo, old_tree, tree)
    commit = None
    if tree != old_tree:
        commit = git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m",
                     target.message or default_message(repo)).strip()
        update_ref(repo, commit, local)
        log(f"committed {commit[:12]} on {target.branch}: {len(changed)} added or changed, {len(removed)} removed")
    else:
        log(f"nothing changed on {target.branch}: it already holds this site")
        if parent != local:
            update_ref(repo, parent, local)  # the remote was ahead with this very site: the local branch follows it
    pushed = None
    if target.push and (commit or parent) != remote:
        push(repo, target)
        pushed = target.remote
        log(f"pushed {target.branch} to {target.remote}")
    every = len(paths) + (NOJEKYLL not in paths)
    return PublishReport(f"{repo.branch_ref} in {repo.git_dir}", changed, removed, every - len(changed), commit, pushed)


def parent_commit(repo: GitRepo, target: GitTarget, local: str | None, remote: str | None) -> str | None:
    """The commit the next one follows: the local branch, or the remote's when that is ahead.

    So a publish from a fresh clone continues the published history instead of being rejected.
    """
    if remote is None or remote == local:
        return local
    if local and has_object(repo, remote) and is_ancestor(repo, remote, local):
        return local  # published with --no-push before: the remote is behind
    git(repo, "fetch", "--quiet", "--no-tags", target.remote, repo.branch_ref, option="--remote")
    if local is None or is_ancestor(repo, local, remote):
        return remote
    raise fail("--branch", f"the local branch '{target.branch}' and the one on '{target.remote}' have diverged; "
                           f"delete the local one (git branch -D {target.branch}) to publish on top of the remote's")


def remote_tip(repo: GitRepo, target: GitTarget) -> str | None:
    listed = git(repo, "ls-remote", "--heads", target.remote, repo.branch_ref, option="--remote").split()
    return listed[0] if listed else None


def write_tree(repo: GitRepo, output: Path, paths: Sequence[str]) -> str:
    """The tree object of the site plus .nojekyll, made in a temporary index (the user's is untouched).

    Bytes go in as they are (no clean filters, line-ending conversion or ignore rules).
    """
    if any("\n" in path for path in paths):
        raise fail("--output", "a file name holds a line break; git cannot publish it")
    names = [str(output / path) for path in paths]
    blobs = git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths", input="".join(f"{n}\n" for n in names)).split()
    entries = dict(zip(paths, blobs))
    if NOJEKYLL not in entries:
        entries[NOJEKYLL] = git(repo, "hash-object", "-w", "--stdin", input="").strip()
    with tempfile.TemporaryDirectory(prefix="briefing-publish-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        listing = "".join(f"100644 {blob}\t{path}\n" for path, blob in sorted(entries.items()))
        git(repo, "update-index", "--add", "--index-info", input=listing, env=env, cwd=Path(scratch))
        return git(repo, "write-tree", env=env, cwd=Path(scratch)).strip()


def tree_changes(repo: GitRepo, old_tree: str | None, tree: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(paths added or changed, paths removed) between two trees."""
    if old_tree is None:
        return tuple(sorted(git(repo, "ls-tree", "-r", "--name-only", "-z", tree).split("\0")[:-1])), ()
    fields = git(repo, "diff-tree", "-r", "--no-renames", "--name-status", "-z", old_tree, tree).split("\0")[:-1]
    pairs = list(zip(fields[::2], fields[1::2]))
    return (tuple(sorted(path for status, path in pairs if status != "D")),
            tuple(sorted(path for status, path in pairs if status == "D")))


def default_message(repo: GitRepo) -> str:
    head = run_git(repo.git_dir, "rev-parse", "-q", "--verify", "--short", "HEAD^{commit}", check=False).stdout.strip()
    return f"Publish the site built from {head} with Briefing {__version__}" if head else \
        f"Publish the site built with Briefing {__version__}"


def update_ref(repo: GitRepo, commit: str, old: str | None) -> None:
    """Move the branch, provided nobody moved it meanwhile."""
    git(repo, "update-ref", "-m", "briefing publish", repo.branch_ref, commit, old or "")


def push(repo: GitRepo, target: GitTarget) -> None:
    git(repo, "push", "--quiet", target.remote, f"{repo.branch_ref}:{repo.branch_ref}", option="--remote")


def tip(repo: GitRepo, ref: str) -> str | None:
    found = run_git(repo.git_dir, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
    return found.stdout.strip() if found.returncode == 0 else None


def has_object(repo: GitRepo, sha: str) -> bool:
    return run_git(repo.git_dir, "cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0


def is_ancestor(repo: GitRepo, ancestor: str, descendant: str) -> bool:
    return run_git(repo.git_dir, "merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def git(repo: GitRepo, *args: str, input: str | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None, option: str = "--repo") -> str:
    """Run git on the repository and return its output; a failure is a ConfigError naming `option`."""
    done = run_git(repo.git_dir, *args, input=input, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        raise fail(option, f"git {args[0]} failed: {git_message(done.stderr)}")
    return done.stdout


def run_git(git_dir: Path | None, *args: str, input: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """git with an argument list (never a shell), located by git_dir alone, not by inherited GIT_* variables."""
    command = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    environ = {k: v for k, v in os.environ.items() if k not in GIT_LOCATION_ENV} | (env or {})
    try:
        return subprocess.run(command, input=input, env=environ, cwd=cwd or git_dir, capture_output=True,
                              text=True, encoding="utf-8", errors="surrogateescape", check=check)
    except FileNotFoundError:
        raise fail("git", "git is not installed (or not on PATH)") from None


def git_message(stderr: str) -> str:
    """git's complaint in one line: its error lines without the hints."""
    if "Author identity unknown" in stderr or "unable to auto-detect email" in stderr:
        return "git does not know who you are; run git config user.name 'Your Name' and git config user.email you@example.org"
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    return "; ".join(lines[-3:]) or "no message"


# ---------------------------------------------------------------- S3

@record
class S3Target:
    """`briefing publish s3` options."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    delete: bool = False
    dry_run: bool = False
    cache_control: str | None = None

    @property
    def key_prefix(self) -> str:
        """'' or 'some/folder/'."""
        prefix = self.prefix.strip("/")
        return f"{prefix}/" if prefix else ""


# Explicit types for what a site holds, so every machine sends the same headers; text is UTF-8.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/octet-stream",
}
CONTENT_TYPE_NAMES = {"feed.xml": "application/atom+xml", "feed.json": "application/feed+json"}  # the site's feeds
BUILTIN_TYPES = mimetypes.MimeTypes(filenames=())  # Python's own table only, not the machine's /etc/mime.types
DEFAULT_TYPE = "application/octet-stream"


def content_type(path: str) -> str:
    """The Content-Type a site file is served with."""
    name = path.rsplit("/", 1)[-1]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if name in CONTENT_TYPE_NAMES:
        return CONTENT_TYPE_NAMES[name]
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    if suffix.startswith(".pf_"):  # Pagefind's index files
        return DEFAULT_TYPE
    guessed, encoding = BUILTIN_TYPES.guess_type(name, strict=True)
    return guessed if guessed and not encoding else DEFAULT_TYPE


@record
class S3Plan:
    upload: tuple[str, ...]  # site paths, in upload order
    delete: tuple[str, ...]  # site paths, sorted
    unchanged: int
    stale: tuple[str, ...]  # objects the site no longer has, kept


def plan_s3(local: dict[str, str], remote: dict[str, str], delete: bool) -> S3Plan:
    """What to do, from the site's MD5s and the bucket's ETags (both by site path).

    A single-part upload's ETag is the MD5 of its bytes; any other ETag (multipart, some
    encryptions) never matches, so that object is uploaded again. Files a page needs (style
    sheets, images) go before the pages, and nothing is removed before every upload is done.
    """
    upload = [path for path in local if remote.get(path) != local[path]]
    upload.sort(key=lambda path: (is_page(path), path))
    gone = tuple(sorted(set(remote) - set(local)))
    return S3Plan(tuple(upload), gone if delete else (), len(local) - len(upload), () if delete else gone)


def is_page(path: str) -> bool:
    return path.endswith((".html", ".htm", ".xml", ".txt"))


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def s3_client(target: S3Target) -> Any:
    """A boto3 S3 client (credentials from the usual chain: environment, profile, instance role)."""
    try:
        import boto3
    except ImportError:
        raise fail("s3", "publishing to S3 needs boto3: pip install 'briefing[publish]'") from None
    try:
        return boto3.session.Session().client("s3", endpoint_url=target.endpoint_url, region_name=target.region)
    except ValueError as exc:  # botocore's complaint about a malformed endpoint or region
        raise fail("--endpoint-url", str(exc)) from None


def check_bucket(client: Any, target: S3Target) -> None:
    """Fail early, before a build, when the bucket is missing or the credentials are refused."""
    with s3_errors(target):
        client.head_bucket(Bucket=target.bucket)


def publish_s3(output: Path, target: S3Target, client: Any, log: Log = lambda _: None) -> PublishReport:
    """Upload the files whose bytes the bucket lacks; with delete, remove what the site no longer has."""
    paths = list_site(output)
    local = {path: md5_of(output / path) for path in paths}
    remote = list_bucket(client, target)
    plan = plan_s3(local, remote, target.delete)
    verb = "would " if target.dry_run else ""
    for path in plan.upload:
        log(f"{verb}upload {target.key_prefix}{path} ({content_type(path)})")
        if not target.dry_run:
            upload(client, target, output / path, path, local[path])
    for batch in batches(plan.delete, BATCH):
        for path in batch:
            log(f"{verb}delete {target.key_prefix}{path}")
        if not target.dry_run:
            delete_objects(client, target, batch)
    where = f"s3://{target.bucket}/{target.key_prefix}"
    return PublishReport(where, plan.upload, plan.delete, plan.unchanged, stale=plan.stale, dry_run=target.dry_run)


def list_bucket(client: Any, target: S3Target) -> dict[str, str]:
    """The bucket's objects under the prefix: site path -> ETag."""
    objects: dict[str, str] = {}
    with s3_errors(target):
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.key_prefix):
            for item in page.get("Contents", ()):
                path = item["Key"][len(target.key_prefix):]
                if path and not path.endswith("/"):  # folder markers are not site files
                    objects[path] = item["ETag"].strip('"')
    return objects


def upload(client: Any, target: S3Target, source: Path, path: str, md5: str) -> None:
    extra = {"CacheControl": target.cache_control} if target.cache_control else {}
    with s3_errors(target):
        client.put_object(Bucket=target.bucket, Key=target.key_prefix + path, Body=source.read_bytes(),
                          ContentType=content_type(path), ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode(), **extra)


def delete_objects(client: Any, target: S3Target, paths: Sequence[str]) -> None:
    with s3_errors(target):
        answer = client.delete_objects(Bucket=target.bucket, Delete={
            "Objects": [{"Key": target.key_prefix + path} for path in paths], "Quiet": True})
    for error in answer.get("Errors", ())[:1]:
        raise fail("--delete", f"cannot delete {error.get('Key')}: {error.get('Message') or error.get('Code')}")


def batches(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    return (items[i:i + size] for i in range(0, len(items), size))


@contextlib.contextmanager
def s3_errors(target: S3Target) -> Iterator[None]:
    """Turns botocore's exceptions into one clear line (ConfigError, exit code 2)."""
    from botocore import exceptions as boto

    try:
        yield
    except boto.ClientError as exc:
        raise s3_problem(target, exc.response.get("Error", {}), exc) from None
    except (boto.NoCredentialsError, boto.PartialCredentialsError):
        raise fail("s3", "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)") from None
    except boto.EndpointConnectionError as exc:
        raise fail("--endpoint-url", f"cannot reach {exc.kwargs.get('endpoint_url') or 'the S3 endpoint'}") from None
    except boto.BotoCoreError as exc:
        raise fail("s3", str(exc)) from None


def s3_problem(target: S3Target, error: dict[str, str], exc: Exception) -> ConfigError:
    code = str(error.get("Code", ""))
    where = f" at {target.endpoint_url}" if target.endpoint_url else ""
    if code in ("NoSuchBucket", "404"):
        return fail("--bucket", f"bucket '{target.bucket}' does not exist{where}")
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"):
        return fail("s3", f"the credentials were refused ({code}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        return fail("--bucket", f"access to bucket '{target.bucket}' was denied{where}")
    if code == "PermanentRedirect":
        return fail("--region", f"bucket '{target.bucket}' is in another region; pass --region")
    return fail("s3", f"{code or 'error'}: {error.get('Message') or exc}")
