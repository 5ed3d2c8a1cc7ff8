"""`python build.py publish` against real servers: moto's S3 server and sshd with rsync.

The cases, written once for both kinds of target: tests/test_publish_s3.py and
tests/test_publish_rsync.py run them, each against its own server (two modules, so that the
test runner's two workers share them out). Every test runs the real command line in its own process and then looks at the server
itself: the bytes of every remote file, and how many times each was written (S3: the
versions of a versioned bucket; rsync: a new inode, since rsync renames each file it sends
into place). Each test gets its own bucket or server folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import PROJECT, TODAY, run_build, snapshot
from preview_server import make_site, write
from publish_servers import MotoServer, SshServer, Throttle, closed_port, kill_when

PREFIX = "renda/"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.close()


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = SshServer(tmp_path_factory.mktemp("sshd"))
    yield server
    server.close()


@dataclass
class Place:
    """One place on one of the servers, as a site.yaml target and as the tests look at it."""

    kind: str
    block: str  # the target's keys in site.yaml
    env: dict[str, str]
    files: Callable[[], dict[str, bytes]]  # every remote file with its bytes
    marks: Callable[[], dict[str, object]]  # changes whenever a file is written
    extra: dict = field(default_factory=dict)


def s3_place(moto: MotoServer, bucket: str, port: int | None = None, **env: str) -> Place:
    moto.bucket(bucket)
    endpoint = f"http://127.0.0.1:{port}" if port else moto.endpoint
    block = f"type: s3\nendpoint: {endpoint}\nbucket: {bucket}\nprefix: {PREFIX.rstrip('/')}\n"
    return Place("s3", block, moto.env(**env), lambda: moto.files(bucket, PREFIX),
                 lambda: dict(moto.uploads(bucket, PREFIX)), {"bucket": bucket})


def _walk(folder: Path) -> dict[str, Path]:
    """The remote's files. os.walk, not rglob: rsync removes its temporary folders (.~tmp~) while
    a publish runs, and a folder gone between its listing and its scan is skipped, not an error."""
    found = (Path(top) / name for top, _, names in os.walk(folder) for name in names)
    return {p.relative_to(folder).as_posix(): p for p in sorted(found) if p.is_file()}


def _marks(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and mtime of each remote file, read while rsync may be renaming its temporary files
    away: a file gone between the walk and its stat is simply not there yet (or any more)."""
    marks = {}
    for rel, path in _walk(folder).items():
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        marks[rel] = (st.st_ino, st.st_mtime_ns)
    return marks


def rsync_place(sshd: SshServer, folder: Path, port: int | None = None, key: str = "user_key") -> Place:
    block = f"type: rsync\nhost: 127.0.0.1\nport: {port or sshd.port}\nuser: {sshd.user}\npath: {folder}/\n"
    return Place("rsync", block, sshd.env(key), lambda: {rel: p.read_bytes() for rel, p in _walk(folder).items()},
                 lambda: _marks(folder),
                 {"folder": folder})


def new_place(kind: str, request, tmp_path: Path, **how) -> Place:
    if kind == "s3":
        bucket = "t-" + request.node.name.lower().replace("_", "-").replace("[", "-").strip("]")[-50:]
        return s3_place(request.getfixturevalue("moto"), bucket + how.pop("suffix", ""), **how)
    return rsync_place(request.getfixturevalue("sshd"), tmp_path / ("remote" + how.pop("suffix", "")), **how)


def site_with(tmp_path: Path, place: Place, max_deletes: int | None = None, extra: dict | None = None) -> Path:
    site = make_site(tmp_path / "site", extra)
    text = (site / "site.yaml").read_text(encoding="utf-8") + "publish:\n"
    if max_deletes is not None:
        text += f"  max_deletes: {max_deletes}\n"
    text += "  targets:\n    main:\n" + "".join(f"      {line}\n" for line in place.block.splitlines())
    write(site / "site.yaml", text)
    return site


def build(site: Path) -> dict[str, bytes]:
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    return snapshot(site / "public")


def publish(site: Path, place: Place, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(PROJECT / "build.py"), "publish", "--site", str(site), "--today", TODAY.isoformat()]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=300,
                          env={**(env or place.env), "CI": "1"})


def published(site: Path, place: Place, *args: str) -> subprocess.CompletedProcess:
    result = publish(site, place, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def written(before: dict, after: dict) -> set[str]:
    """Remote files written between two looks (new ones included)."""
    return {path for path, mark in after.items() if before.get(path) != mark}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path, data in after.items() if before.get(path) != data}


def test_first_publish_then_exactly_what_changed(kind, request, tmp_path):
    place = new_place(kind, request, tmp_path)
    site = site_with(tmp_path, place)
    v1 = build(site)
    first = published(site, place)
    assert place.files() == v1
    assert "第一次发布到 main" in first.stdout and f"上传 {len(v1)} 个文件" in first.stdout
    if kind == "s3":
        check_headers(request.getfixturevalue("moto"), place.extra["bucket"], v1)

    marks = place.marks()
    again = published(site, place)
    assert place.marks() == marks, "a publish with nothing changed wrote to the server"
    assert "上传 0 个文件" in again.stdout

    voice = site / "content/voices/v1.md"
    write(voice, voice.read_text(encoding="utf-8").replace("第二段原来的文字。", "第二段改过的文字。"))
    v2 = build(site)
    expected = changed(v1, v2)
    assert "voices/v1/index.html" in expected and len(expected) < len(v2) / 2
    result = published(site, place)
    assert written(marks, place.marks()) == expected  # counted on the server: these files, no others
    assert place.files() == v2
    assert f"上传 {len(expected)} 个文件" in result.stdout

    (site / "content/news/n1.md").unlink()
    marks = place.marks()
    v3 = build(site)
    gone = set(v2) - set(v3)
    assert "news/n1/index.html" in gone
    result = published(site, place)
    assert place.files() == v3
    assert written(marks, place.marks()) == changed(v2, v3)
    assert f"删除 {len(gone)} 个" in result.stdout


def test_first_publish_to_a_target_that_holds_files(kind, request, tmp_path):
    place = new_place(kind, request, tmp_path)
    site = site_with(tmp_path, place)
    out = build(site)
    held = {"index.html": out["index.html"], "about/index.html": b"an old page", "old/index.html": b"gone"}
    _put(place, held, request)
    marks = place.marks()

    refused = publish(site, place)  # 1 of 3 files to delete: more than a quarter of the target
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "目标上已有 3 个文件，其中 1 个与本次相同" in refused.stdout
    assert "--yes" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert place.marks() == marks

    published(site, place, "--yes")
    assert place.files() == out
    assert "index.html" not in written(marks, place.marks())  # the same bytes: compared, not sent again


def _put(place: Place, files: dict[str, bytes], request) -> None:
    """Files on the target before the site is first published (by another tool, say)."""
    if place.kind == "s3":
        s3 = request.getfixturevalue("moto").s3
        for path, data in files.items():
            s3.put_object(Bucket=place.extra["bucket"], Key=PREFIX + path, Body=data)
        return
    for path, data in files.items():
        target = place.extra["folder"] / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def test_max_deletes_guard_and_yes(kind, request, tmp_path):
    place = new_place(kind, request, tmp_path)
    site = site_with(tmp_path, place, max_deletes=2)
    build(site)
    published(site, place)
    before, marks = place.files(), place.marks()
    for name in ("content/news/n1.md", "content/voices/v2.md"):
        (site / name).unlink()
    out = build(site)
    gone = set(before) - set(out)
    assert len(gone) > 2

    refused = publish(site, place)
    assert refused.returncode == 1
    assert f"要删除目标上的 {len(gone)} 个文件，超过了 max_deletes（2）" in refused.stderr
    assert place.marks() == marks and place.files() == before  # stopped before anything was sent

    dry = published(site, place, "--dry-run")
    assert "正式发布时需要加 --yes" in dry.stdout
    published(site, place, "--yes")
    assert place.files() == out


def test_dry_run_changes_nothing(kind, request, tmp_path):
    place = new_place(kind, request, tmp_path)
    site = site_with(tmp_path, place)
    out = build(site)
    dry = published(site, place, "--dry-run")  # before the first publish: compared, nothing made
    assert place.files() == {}
    assert f"将上传 {len(out)} 个文件" in dry.stdout and "试运行" in dry.stdout

    published(site, place)
    voice = site / "content/voices/v2.md"
    write(voice, voice.read_text(encoding="utf-8") + "\n补充的一段。\n")
    (site / "content/news/n1.md").unlink()
    new = build(site)
    expected, gone = changed(out, new), set(out) - set(new)
    before, marks = place.files(), place.marks()
    dry = published(site, place, "--dry-run")
    assert place.files() == before and place.marks() == marks
    listed = {line.split()[-1] for line in dry.stdout.splitlines() if line.startswith("  上传")}
    deleted = {line.split()[-1] for line in dry.stdout.splitlines() if line.startswith("  删除")}
    assert (listed, deleted) == (expected, gone)
    assert f"将上传 {len(expected)} 个文件" in dry.stdout and f"删除 {len(gone)} 个" in dry.stdout

    published(site, place)  # the dry run recorded nothing: the real run still sends exactly these
    assert written(marks, place.marks()) == expected and place.files() == new


MEDIA = 12  # documents replaced between the two versions: what the killed publish sends first
RATE = 16_000  # bytes a second through the relay while the publish that is killed runs


def test_killed_publish_is_finished_by_the_next(kind, request, tmp_path):
    """SIGKILL a publish midway (its uploads slowed down by a relay): each remote file is whole,
    the old version or the new, and the next publish makes the target equal to the output."""
    upstream = request.getfixturevalue("moto").port if kind == "s3" else request.getfixturevalue("sshd").port
    throttle = Throttle(upstream)
    request.addfinalizer(throttle.close)
    place = new_place(kind, request, tmp_path, port=throttle.port)
    photos = {f"media/files/p{i:02d}.pdf": os.urandom(2000).hex() for i in range(MEDIA)}  # copied as they are
    site = site_with(tmp_path, place, extra=photos)
    old = build(site)
    published(site, place)
    for rel in photos:
        write(site / rel, os.urandom(2000).hex())
    voice = site / "content/voices/v1.md"
    write(voice, voice.read_text(encoding="utf-8") + "\n新的一段。\n")
    new = build(site)
    media = {p for p in changed(old, new) if p.startswith("media/")}
    assert len(media) == MEDIA

    marks = place.marks()
    throttle.rate = RATE
    cmd = [sys.executable, str(PROJECT / "build.py"), "publish", "--site", str(site), "--today", TODAY.isoformat()]
    proc = subprocess.Popen(cmd, env={**place.env, "CI": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    request.addfinalizer(proc.kill)
    arrived = lambda: written(marks, place.marks()) & media  # noqa: E731  # a new document in its place
    assert kill_when(proc, arrived), "the publish ended before it could be killed midway"
    throttle.rate = None

    remote = {path: data for path, data in place.files().items() if "/.~tmp~/" not in "/" + path}  # rsync's own
    for path, data in remote.items():
        assert data in (old.get(path), new.get(path)), f"{path} is neither the old nor the new file"
    assert any(remote.get(p) != new[p] for p in new), "nothing was left to do: not killed midway"

    result = published(site, place)
    assert place.files() == new
    assert "第一次" not in result.stdout  # the record kept by the killed run was used


def test_wrong_credentials_and_unreachable_host_one_line_each(kind, request, tmp_path):
    place = new_place(kind, request, tmp_path)
    down = new_place(kind, request, tmp_path, port=closed_port(), suffix="-down")
    site = site_with(tmp_path, place)
    text = (site / "site.yaml").read_text(encoding="utf-8") + "    down:\n"
    write(site / "site.yaml", text + "".join(f"      {line}\n" for line in down.block.splitlines()))
    build(site)
    if kind == "s3":
        env = {**place.env, "AWS_SECRET_ACCESS_KEY": "not-the-secret-" + "x" * 20}
        said = "拒绝了访问密钥"
    else:
        env = request.getfixturevalue("sshd").env("other_key")
        said = "拒绝了用户"
    for target, env, said in (("main", env, said), ("down", place.env, "无法连接")):
        result = publish(site, place, "--target", target, env=env)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：") and said in lines[0], result.stderr
        assert "not-the-secret" not in result.stdout + result.stderr
    assert place.files() == {}


HEADERS = {
    "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
    "feeds/all.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
    "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
    "robots.txt": ("text/plain; charset=utf-8", "public, max-age=300"),
    "static/site.css": ("text/css; charset=utf-8", "public, max-age=31536000, immutable"),
    "static/site.js": ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
    "static/favicon.svg": ("image/svg+xml", "public, max-age=3600"),
    "sessions/1-1/voices.csv": ("text/csv; charset=utf-8", "public, max-age=300"),
    "sessions/1-1/voices.json": ("application/json; charset=utf-8", "public, max-age=300"),
}


def check_headers(moto: MotoServer, bucket: str, out: dict[str, bytes]) -> None:
    """What the store serves each kind of file with (asked of the server itself)."""
    for path, (kind, cache) in HEADERS.items():
        assert path in out, path
        head = moto.s3.head_object(Bucket=bucket, Key=PREFIX + path)
        assert (head["ContentType"], head.get("CacheControl")) == (kind, cache), path
    assert moto.files(bucket, PREFIX)["sessions/1-1/voices.csv"].startswith(b"\xef\xbb\xbf")  # as published
