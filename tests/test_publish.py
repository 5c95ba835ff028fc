"""`briefing publish` as a user runs it: to a git branch (with a local bare remote) and to an
S3-compatible bucket (moto's server, started here). Nothing leaves the machine."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from generator.publish import content_type, plan_s3
from tests.conftest import ROOT

SMALL_SITE = ROOT / "tests" / "fixtures" / "small-site"
EDITED = "2024-10-18-whitehouse-1.txt"  # a release the tests edit
REMOVED = "2024-10-30-whitehouse-2.txt"  # a release the tests remove
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # .nojekyll


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of every command: this checkout, a git and AWS set-up of the test's own."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AWS_"))}
    return {**inherited, "PYTHONPATH": str(ROOT), "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CEILING_DIRECTORIES": str(tmp_path),
            "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
            "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true"}


def briefing(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "generator", *args], env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def git(env: dict[str, str], repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=env, input=input, capture_output=True, text=True, check=True).stdout


def site_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def changed_between(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in after if before.get(path) != after[path]}


def edit_release(site: Path) -> None:
    release = site / "content" / "releases" / EDITED
    text = release.read_text(encoding="utf-8")
    assert "longstanding" in text
    release.write_text(text.replace("longstanding", "enduring"), encoding="utf-8")


def copy_site(tmp_path: Path, name: str = "site") -> Path:
    site = tmp_path / name
    shutil.copytree(SMALL_SITE, site)
    return site


# ---------------------------------------------------------------- git

@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A git repository holding the small site, built once and committed (output/ ignored)."""
    site = copy_site(tmp_path, "repo")
    (site / ".gitignore").write_text("output/\n.briefing-cache/\n")
    git(env, site, "init", "-q", "-b", "main")
    assert briefing(env, "build", "--site", str(site)).returncode == 0
    git(env, site, "add", "-A")
    git(env, site, "commit", "-q", "-m", "The site")
    return site


def branch_files(env: dict[str, str], repo: Path, ref: str = "gh-pages") -> dict[str, str]:
    """path -> blob of every file on a branch."""
    entries = git(env, repo, "ls-tree", "-r", "-z", ref).split("\0")[:-1]
    return {entry.split("\t", 1)[1]: entry.split("\t", 1)[0].split()[2] for entry in entries}


def blobs_of(env: dict[str, str], repo: Path, output: Path) -> dict[str, str]:
    """path -> the blob git makes of each file of output/, plus the .nojekyll GitHub Pages needs."""
    paths = sorted(site_files(output))
    hashes = git(env, repo, "hash-object", "--no-filters", "--stdin-paths", input="".join(f"{output / p}\n" for p in paths))
    return dict(zip(paths, hashes.split())) | {".nojekyll": EMPTY_BLOB}


def tip(env: dict[str, str], repo: Path, ref: str = "gh-pages") -> str:
    return git(env, repo, "rev-parse", ref).strip()


def parents(env: dict[str, str], repo: Path, commit: str) -> list[str]:
    return git(env, repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]


def has_branch(env: dict[str, str], repo: Path, branch: str = "gh-pages") -> bool:
    return subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/heads/{branch}"], cwd=repo, env=env,
                          capture_output=True).returncode == 0


def user_state(env: dict[str, str], repo: Path) -> tuple[object, ...]:
    """What the user sees of their repository: branch, commit, status, index and working tree."""
    status = git(env, repo, "status", "--porcelain", "--untracked-files=all")  # may refresh the index: first
    return (git(env, repo, "symbolic-ref", "HEAD"), tip(env, repo, "HEAD"), status,
            git(env, repo, "diff", "--cached", "--name-only"), (repo / ".git" / "index").read_bytes(),
            (repo / ".gitignore").read_text(), sorted(p.name for p in repo.iterdir()))


def test_git_branch_holds_exactly_the_site_and_nothing_of_the_user_moves(repo, env):
    (repo / "draft.md").write_text("a staged draft\n")
    git(env, repo, "add", "draft.md")
    (repo / ".gitignore").write_text("output/\n.briefing-cache/\n# an unstaged edit\n")
    (repo / "notes.txt").write_text("untracked\n")
    before = user_state(env, repo)

    result = briefing(env, "publish", "git", "--site", str(repo), "--no-push")
    assert result.returncode == 0, result.stderr
    assert "not pushed (--no-push" in result.stdout
    assert branch_files(env, repo) == blobs_of(env, repo, repo / "output")  # every file, byte for byte, and no other
    assert parents(env, repo, "gh-pages") == []  # the first publish: one commit, no parent
    assert user_state(env, repo) == before
    assert not (repo / "output" / ".nojekyll").exists()  # added to the published tree, not to output/


def test_git_one_commit_per_publish_that_changes_something(repo, env):
    publish = ("publish", "git", "--site", str(repo), "--no-push")
    assert briefing(env, *publish).returncode == 0
    first = tip(env, repo)

    again = briefing(env, *publish)
    assert again.returncode == 0 and "nothing changed on gh-pages" in again.stdout
    assert tip(env, repo) == first

    before = site_files(repo / "output")
    edit_release(repo)
    assert briefing(env, *publish, "--message", "Edit one release").returncode == 0
    second = tip(env, repo)
    assert parents(env, repo, second) == [first]
    assert git(env, repo, "log", "-1", "--format=%s", second).strip() == "Edit one release"
    changed = changed_between(before, site_files(repo / "output"))
    assert changed and set(git(env, repo, "diff", "--name-only", first, second).split()) == changed
    assert branch_files(env, repo) == blobs_of(env, repo, repo / "output")

    (repo / "content" / "releases" / REMOVED).unlink()
    assert briefing(env, *publish).returncode == 0
    third = tip(env, repo)
    assert parents(env, repo, third) == [second]
    gone = set(branch_files(env, repo, second)) - set(branch_files(env, repo, third))
    assert any(path.startswith("releases/2024-10-30-") for path in gone)  # the removed release's page is gone
    assert branch_files(env, repo) == blobs_of(env, repo, repo / "output")
    assert git(env, repo, "rev-list", "--count", "gh-pages").strip() == "3"


def test_git_pushes_to_a_bare_remote_and_a_fresh_clone_continues_its_history(repo, env, tmp_path):
    remote = tmp_path / "remote.git"
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(env, repo, "remote", "add", "origin", str(remote))
    git(env, repo, "push", "-q", "origin", "main")

    result = briefing(env, "publish", "git", "--site", str(repo))
    assert result.returncode == 0, result.stderr
    assert "pushed to origin" in result.stdout
    assert tip(env, remote) == tip(env, repo)

    clone = tmp_path / "clone"
    git(env, tmp_path, "clone", "-q", str(remote), str(clone))
    edit_release(clone)
    result = briefing(env, "publish", "git", "--site", str(clone))  # no local gh-pages: it follows the remote's
    assert result.returncode == 0, result.stderr
    assert parents(env, remote, tip(env, remote)) == [tip(env, repo)]

    result = briefing(env, "publish", "git", "--site", str(repo))  # behind the remote now: it fetches, then commits on top
    assert result.returncode == 0, result.stderr
    assert git(env, remote, "rev-list", "--count", "gh-pages").strip() == "3"
    assert tip(env, remote) == tip(env, repo)

    (repo / "content" / "releases" / REMOVED).unlink()
    assert briefing(env, "publish", "git", "--site", str(repo), "--no-push").returncode == 0  # a commit the remote lacks
    assert briefing(env, "publish", "git", "--site", str(clone)).returncode == 0  # and one only the remote has
    result = briefing(env, "publish", "git", "--site", str(repo))
    assert result.returncode == 2 and "have diverged" in result.stderr and "git branch -D gh-pages" in result.stderr
    git(env, repo, "branch", "-D", "-q", "gh-pages")
    assert briefing(env, "publish", "git", "--site", str(repo)).returncode == 0
    assert git(env, remote, "rev-list", "--count", "gh-pages").strip() == "5"
    assert git(env, remote, "rev-list", "--merges", "--count", "gh-pages").strip() == "0"


def test_git_user_mistakes_are_one_line_and_exit_2(repo, env, tmp_path):
    result = briefing(env, "publish", "git", "--site", str(repo))
    assert result.returncode == 2
    assert "error: --remote: the repository has no remote 'origin'" in result.stderr and "--no-push" in result.stderr
    assert not has_branch(env, repo)

    result = briefing(env, "publish", "git", "--site", str(repo), "--branch", "main", "--no-push")
    assert result.returncode == 2 and "'main' is checked out" in result.stderr

    result = briefing(env, "publish", "git", "--site", str(repo), "--branch", "bad..name", "--no-push")
    assert result.returncode == 2 and "not a valid branch name" in result.stderr

    plain = copy_site(tmp_path, "plain")
    result = briefing(env, "publish", "git", "--site", str(plain), "--no-push")
    assert result.returncode == 2 and "is not inside a git repository" in result.stderr
    assert not (plain / "output").exists()  # told before anything is built
    assert not has_branch(env, repo)


def test_git_failed_build_publishes_nothing(repo, env):
    broken = repo / "content" / "releases" / "broken.txt"
    broken.write_text("13/45/2024 | News release | Distributed by Public on 13/45/2024 10:00\nText.\n")
    result = briefing(env, "publish", "git", "--site", str(repo), "--no-push")
    assert result.returncode == 1
    assert "error: content/releases/broken.txt:1: header:" in result.stderr and "nothing published" in result.stderr
    assert not has_branch(env, repo)

    broken.unlink()
    (repo / "templates").mkdir()
    (repo / "templates" / "404.html").write_text("line one\n{% if %}\n")
    result = briefing(env, "publish", "git", "--site", str(repo), "--no-push")
    assert result.returncode == 2
    assert "404.html:2" in result.stderr and "nothing is published" in result.stderr
    assert not has_branch(env, repo)


# ---------------------------------------------------------------- S3

@pytest.fixture(scope="module")
def endpoint():
    """A local S3-compatible server (moto's server mode) on a free port."""
    pytest.importorskip("boto3", reason="boto3 is not installed (pip install -e '.[test]' installs it)")
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed (pip install -e '.[test]' installs it)")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    with socket.socket() as probe:  # a free port (older moto cannot say which port 0 became)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def bucket(s3) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def objects(s3, bucket: str, prefix: str = "") -> dict[str, str]:
    """key (less the prefix) -> MD5 of every object, from one listing (a single-part upload's ETag is its MD5)."""
    return {item["Key"][len(prefix):]: item["ETag"].strip('"')
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for item in page.get("Contents", ())}


def md5s(output: Path) -> dict[str, str]:
    return {path: hashlib.md5(data).hexdigest() for path, data in site_files(output).items()}


def uploads(result: subprocess.CompletedProcess[str], verb: str = "upload") -> set[str]:
    return {line[len(verb) + 1:].split(" (")[0] for line in result.stdout.splitlines() if line.startswith(f"{verb} ")}


def test_s3_uploads_the_site_with_its_content_types(tmp_path, env, endpoint, s3, bucket):
    site = copy_site(tmp_path)
    result = briefing(env, "publish", "s3", "--site", str(site), "--bucket", bucket, "--endpoint-url", endpoint,
                      "--cache-control", "max-age=300")
    assert result.returncode == 0, result.stderr
    files = site_files(site / "output")
    assert objects(s3, bucket) == md5s(site / "output")  # every file and no other (no .nojekyll)
    assert uploads(result) == set(files)
    for path in files:
        assert s3.get_object(Bucket=bucket, Key=path)["Body"].read() == files[path]  # byte for byte
        head = s3.head_object(Bucket=bucket, Key=path)
        assert head["ContentType"] == content_type(path), path
        assert head["CacheControl"] == "max-age=300"
    kinds = {path: s3.head_object(Bucket=bucket, Key=path)["ContentType"]
             for path in ("index.html", "feed.xml", "sitemap.xml", "robots.txt", "static/style.css")}
    assert kinds == {"index.html": "text/html; charset=utf-8", "feed.xml": "application/atom+xml",
                     "sitemap.xml": "application/xml", "robots.txt": "text/plain; charset=utf-8",
                     "static/style.css": "text/css; charset=utf-8"}


def test_s3_uploads_only_what_changed_and_deletes_on_request(tmp_path, env, endpoint, s3, bucket):
    site = copy_site(tmp_path)
    publish = ("publish", "s3", "--site", str(site), "--bucket", bucket, "--endpoint-url", endpoint)
    assert briefing(env, *publish).returncode == 0

    again = briefing(env, *publish)
    assert again.returncode == 0 and uploads(again) == set()
    assert f"0 uploaded, {len(site_files(site / 'output'))} unchanged, 0 deleted" in again.stdout

    before = site_files(site / "output")
    edit_release(site)
    result = briefing(env, *publish)
    changed = changed_between(before, site_files(site / "output"))
    assert result.returncode == 0 and changed and uploads(result) == changed  # exactly the files whose bytes changed
    assert objects(s3, bucket) == md5s(site / "output")

    (site / "content" / "releases" / REMOVED).unlink()
    result = briefing(env, *publish)  # without --delete the old pages stay, and it says so
    stale = set(objects(s3, bucket)) - set(site_files(site / "output"))
    assert result.returncode == 0 and stale and f"kept {len(stale)} object(s)" in result.stdout

    dry = briefing(env, *publish, "--delete", "--dry-run")
    assert dry.returncode == 0 and uploads(dry, "would delete") == stale and "dry run" in dry.stdout
    assert set(objects(s3, bucket)) - set(site_files(site / "output")) == stale  # nothing changed

    result = briefing(env, *publish, "--delete")
    assert result.returncode == 0 and uploads(result, "delete") == stale
    assert objects(s3, bucket) == md5s(site / "output")


def test_s3_prefix_keeps_the_rest_of_the_bucket(tmp_path, env, endpoint, s3, bucket):
    site = copy_site(tmp_path)
    s3.put_object(Bucket=bucket, Key="other/keep.txt", Body=b"not the site")
    s3.put_object(Bucket=bucket, Key="briefing-old/index.html", Body=b"not the site either")
    s3.put_object(Bucket=bucket, Key="briefing/stale.html", Body=b"an old page")
    result = briefing(env, "publish", "s3", "--site", str(site), "--bucket", bucket, "--endpoint-url", endpoint,
                      "--prefix", "/briefing/", "--delete")
    assert result.returncode == 0, result.stderr
    assert "delete briefing/stale.html" in result.stdout
    assert objects(s3, bucket, "briefing/") == md5s(site / "output")
    assert set(objects(s3, bucket)) - {f"briefing/{p}" for p in site_files(site / "output")} == {
        "other/keep.txt", "briefing-old/index.html"}


def test_s3_user_mistakes_are_one_line_and_exit_2(tmp_path, env, endpoint):
    site = copy_site(tmp_path)
    result = briefing(env, "publish", "s3", "--site", str(site), "--bucket", "no-such-bucket", "--endpoint-url", endpoint)
    assert result.returncode == 2
    assert "error: --bucket: bucket 'no-such-bucket' does not exist" in result.stderr
    assert not (site / "output").exists()  # told before anything is built

    anonymous = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    result = briefing(anonymous, "publish", "s3", "--site", str(site), "--bucket", "any", "--endpoint-url", endpoint)
    assert result.returncode == 2 and "error: s3: no credentials" in result.stderr

    result = briefing(env, "publish", "s3", "--site", str(site), "--endpoint-url", endpoint)
    assert result.returncode == 2 and "--bucket" in result.stderr  # a required option


def test_s3_failed_build_uploads_nothing(tmp_path, env, endpoint, s3, bucket):
    site = copy_site(tmp_path)
    (site / "content" / "releases" / "broken.txt").write_text("not a release\n")
    result = briefing(env, "publish", "s3", "--site", str(site), "--bucket", bucket, "--endpoint-url", endpoint)
    assert result.returncode == 1
    assert "error: content/releases/broken.txt:1: header:" in result.stderr and "nothing published" in result.stderr
    assert objects(s3, bucket) == {}


# ---------------------------------------------------------------- the pure parts

def test_content_types():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml") == "application/atom+xml"
    assert content_type("topics/x/feed.xml") == "application/atom+xml"
    assert content_type("sitemap.xml") == "application/xml"
    assert content_type("weeks/2024-w44/index.txt") == "text/plain; charset=utf-8"
    assert content_type("static/app.js") == "text/javascript"
    assert content_type("data.json") == "application/json"
    assert content_type("weeks/feed.json") == "application/feed+json"
    assert content_type("static/logo.svg") == "image/svg+xml"
    assert content_type("static/photo.JPG") == "image/jpeg"
    assert content_type("pagefind/wasm.en.pagefind") == "application/octet-stream"
    assert content_type("pagefind/index/en_1.pf_index") == "application/octet-stream"
    assert content_type("pagefind/pagefind.wasm") == "application/octet-stream"
    assert content_type("LICENSE") == "application/octet-stream"
    assert content_type("archive.tar.gz") == "application/octet-stream"  # compressed: served as it is


def test_plan_s3_uploads_assets_first_and_deletes_only_when_asked():
    local = {"index.html": "a", "static/style.css": "b", "weeks/index.html": "c", "robots.txt": "d"}
    remote = {"index.html": "a", "weeks/index.html": "old", "gone.html": "x", "static/old.css": "y"}
    plan = plan_s3(local, remote, delete=False)
    assert plan.upload == ("static/style.css", "robots.txt", "weeks/index.html")
    assert plan.unchanged == 1 and plan.delete == () and plan.stale == ("gone.html", "static/old.css")
    plan = plan_s3(local, remote | {"robots.txt": "d1b2-2"}, delete=True)  # a multipart ETag never matches
    assert "robots.txt" in plan.upload and plan.delete == ("gone.html", "static/old.css") and plan.stale == ()
