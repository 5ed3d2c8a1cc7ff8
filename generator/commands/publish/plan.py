"""What a publish does, decided before anything is sent: pure data, no I/O.

The build's manifest says what the output holds (path -> digest, size); the target's record
says what the target holds (path -> stamp, size). A file is uploaded when its stamp differs
(new or changed), deleted when only the target has it, and otherwise left alone.

Uploads go in phases, each finished before the next starts, so that a reader never gets a
page whose assets are missing: pages' assets (CSS, JS, images, open data, the search
index's parts), then the search manifests that name those parts, then HTML pages, then the
sitemap, robots.txt and feeds that point readers at pages; deletions come last.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Callable

Files = dict[str, tuple[str, int]]  # the output: path -> (digest, size)
Remote = dict[str, tuple[str, int]]  # the target: path -> (stamp, size); stamp "" when unknown

# (phase, label, patterns): a path goes to the first phase one of whose patterns it matches
PHASES = (
    ("manifests", "搜索索引清单", ("search/index/manifest.json",)),
    ("pages", "页面", ("*.html",)),
    ("feeds", "网站地图和订阅", ("sitemap*.xml", "robots.txt", "feeds/*")),
)
ASSETS = ("assets", "资源文件")
ORDER = ("assets", "manifests", "pages", "feeds")
LABELS = dict([ASSETS] + [(name, label) for name, label, _ in PHASES])


def phase_of(path: str) -> str:
    """The phase a file is uploaded in."""
    for name, _, patterns in PHASES:
        if any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns):
            return name
    return ASSETS[0]


@dataclass
class Plan:
    """Uploads by phase (in ORDER), deletions, and what is left as it is."""

    uploads: dict[str, list[str]] = field(default_factory=dict)
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0
    upload_bytes: int = 0
    delete_bytes: int = 0
    unchanged_bytes: int = 0
    remote_count: int = 0  # files the target held before
    new: set[str] = field(default_factory=set)  # uploads the target does not have at all

    @property
    def upload_count(self) -> int:
        return sum(len(paths) for paths in self.uploads.values())

    def phases(self) -> list[tuple[str, list[str]]]:
        return [(name, self.uploads[name]) for name in ORDER if self.uploads.get(name)]

    def too_many_deletes(self, max_deletes: int) -> str:
        """Why these deletions need --yes ("" when they do not)."""
        count = len(self.deletes)
        if count > max_deletes:
            return f"超过了 max_deletes（{max_deletes}）"
        if count and count * 4 > self.remote_count:
            return f"超过了目标上现有 {self.remote_count} 个文件的四分之一"
        return ""


def make_plan(files: Files, remote: Remote, stamp: Callable[[str, str], str]) -> Plan:
    """Compare the output with what the target holds. `stamp(path, digest)`: how the target's
    record names a file's version (its digest, and for S3 the headers it was sent with)."""
    plan = Plan(uploads={name: [] for name in ORDER}, remote_count=len(remote))
    for path in sorted(files):
        digest, size = files[path]
        there = remote.get(path)
        if there is not None and there[0] == stamp(path, digest):
            plan.unchanged += 1
            plan.unchanged_bytes += size
            continue
        plan.uploads[phase_of(path)].append(path)
        plan.upload_bytes += size
        if there is None:
            plan.new.add(path)
    plan.deletes = sorted(path for path in remote if path not in files)
    plan.delete_bytes = sum(remote[path][1] for path in plan.deletes)
    return plan


def size_text(size: int) -> str:
    """A size as people read it: 980 字节, 12.3 KB, 4.5 MB."""
    if size < 1000:
        return f"{size} 字节"
    for unit, scale in (("KB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1000 or unit == "GB":
            return f"{size / scale:.1f} {unit}"
    return f"{size} 字节"  # not reached


def describe(plan: Plan) -> str:
    """The plan in one Chinese clause: counts and sizes."""
    up = f"上传 {plan.upload_count} 个文件"
    if plan.upload_count:
        up += f"（{size_text(plan.upload_bytes)}" + (f"，新增 {len(plan.new)} 个）" if plan.new else "）")
    gone = f"删除 {len(plan.deletes)} 个" + (f"（{size_text(plan.delete_bytes)}）" if plan.delete_bytes else "")
    return f"{up}，{gone}，不变 {plan.unchanged} 个（{size_text(plan.unchanged_bytes)}）"
