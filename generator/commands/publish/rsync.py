"""Publishing to a folder on a server with the system's rsync over SSH.

Each phase is one rsync run given exactly its files (--files-from): rsync writes every file
to a temporary name and, with --delay-updates, renames the whole phase into place only at
its end, so the server never serves a truncated file and a phase appears all at once. A run
that is stopped leaves what it had sent in rsync's partial folder (.~tmp~), which the next
run uses instead of sending it again.

Deletions are a run that transfers nothing (--existing --ignore-existing) with --delete,
confined by filter rules to exactly the files planned and their folders: files someone
else put on the server are never touched, and folders left empty go too.

SSH is the user's own: their agent, ~/.ssh/config and known_hosts, or the command in the
standard RSYNC_RSH variable; the site.yaml port is added to it. BatchMode keeps ssh from
ever waiting for a password nobody will type.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from ...read.publish_settings import RsyncTarget
from .plan import Files, Remote
from .remote import PublishError, die_with_parent
from .rsync_errors import explain

ITEM = 11  # width of rsync's %i (the itemized change), then a space and the name
ESCAPED = re.compile(r"\\#([0-7]{3})")


class RsyncBackend:
    """One folder on one server."""

    def __init__(self, target: RsyncTarget):
        if shutil.which("rsync") is None:
            raise PublishError("没有找到 rsync 命令：请先安装 rsync（Debian/Ubuntu：apt install rsync；"
                               "CentOS/麒麟：yum install rsync），服务器上也需要有 rsync。")
        self.target = target
        self.where = target.where
        self.login = (f"{target.user}@" if target.user else "") + target.host
        self.ssh = shlex.split(os.environ.get("RSYNC_RSH") or "ssh")
        if shutil.which(self.ssh[0]) is None:
            raise PublishError(f"没有找到 {self.ssh[0]} 命令：请先安装 OpenSSH 客户端（Debian/Ubuntu：apt install openssh-client）。")
        self.ssh += ["-o", "BatchMode=yes", "-o", "ConnectTimeout=20"] + (["-p", str(target.port)] if target.port else [])
        self.control = tempfile.mkdtemp(prefix="publish-ssh-")  # one login for the whole publish
        self.shared = ["-o", f"ControlPath={self.control}/master"]
        rsh = self.ssh + self.shared + ["-o", "ControlMaster=no"]
        self.base = ["rsync", "-e", shlex.join(rsh), "--timeout=120", "-8", "--out-format=%i %n"]

    def stamp(self, path: str, digest: str) -> str:
        return digest

    def probe(self) -> None:
        """Log in once: every rsync run of this publish goes through this connection (ssh's
        ControlMaster), so a publish costs one SSH handshake, not one per phase. The
        connection closes a minute after the last use even if this process is killed."""
        with tempfile.TemporaryFile() as errors:
            code = subprocess.run(self.ssh + self.shared + ["-N", "-o", "ControlMaster=yes", "-o", "ControlPersist=60",
                                                            self.login], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=errors).returncode
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace")
        if code != 0:
            raise explain(code, said, self.target, "connect")

    def close(self) -> None:
        """End the shared connection."""
        if os.path.exists(f"{self.control}/master"):
            subprocess.run(self.ssh + self.shared + ["-O", "exit", self.login], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        shutil.rmtree(self.control, ignore_errors=True)

    def compare(self, out: Path, files: Files) -> Remote:
        """rsync's own comparison of the whole tree, by checksum, as a dry run."""
        remote: Remote = {}
        differing: set[str] = set()
        for item, name in self._run(["--dry-run", "--recursive", "--checksum", "--delete", str(out) + "/"],
                                    "compare"):
            if item.startswith("*deleting"):
                if not name.endswith("/"):
                    remote[name] = ("", 0)
            elif item[1:2] == "f":
                differing.add(name)
                if not item[2:].strip("+"):  # all "+": a new file, the server has none
                    continue
                remote[name] = ("", 0)
        for path, (digest, size) in files.items():
            if path not in differing:
                remote[path] = (digest, size)
        return remote

    def upload(self, out: Path, paths: list[str], landed: Callable[[str], None],
               tick: Callable[[], None]) -> None:
        with tempfile.NamedTemporaryFile("wb", suffix=".files") as listing:
            listing.write(b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths))
            listing.flush()
            sent = 0
            for item, _ in self._run(["--times", "--checksum", "--perms", "--chmod=D755,F644", "--delay-updates",
                                      "--from0", f"--files-from={listing.name}", str(out) + "/"], "upload"):
                if item[1:2] == "f":
                    sent += 1
                    tick()
        for _ in range(sent, len(paths)):  # already there, byte for byte: rsync had nothing to send
            tick()
        for path in paths:  # the phase is in place as a whole, only now
            landed(path)

    def delete(self, paths: list[str], gone: Callable[[str], None]) -> None:
        wanted, done = set(paths), set()
        with tempfile.TemporaryDirectory() as empty, \
                tempfile.NamedTemporaryFile("w", suffix=".rules", encoding="utf-8",
                                            errors="surrogateescape") as filters:
            filters.write(_deletion_rules(paths))
            filters.flush()
            for item, name in self._run(["--recursive", "--delete", "--existing", "--ignore-existing",
                                         f"--filter=merge {filters.name}", empty + "/"], "delete"):
                if item.startswith("*deleting") and name in wanted:
                    done.add(name)
        for path in paths:  # those not reported were already absent: as good as deleted
            gone(path)

    def _run(self, args: list[str], step: str) -> list[tuple[str, str]]:
        """Run rsync to the target; its itemized lines as (change, path). Failures: PublishError."""
        dest = self.where.rstrip("/") + "/"
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(self.base + args + [dest], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=errors, preexec_fn=die_with_parent())
            lines: list[tuple[str, str]] = []
            try:
                assert proc.stdout is not None
                for raw in proc.stdout:
                    line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
                    if len(line) > ITEM:
                        lines.append((line[:ITEM], _unescape(line[ITEM + 1:])))
                code = proc.wait()
            except BaseException:  # Ctrl-C: rsync got it too; make sure it has ended
                proc.terminate()
                proc.wait()
                raise
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace")
        if code != 0:
            raise explain(code, said, self.target, step)
        return lines


def _unescape(name: str) -> str:
    """rsync writes the control characters of a name as \\#ooo (with -8, all else as it is)."""
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 8)), name) if "\\#" in name else name


def _deletion_rules(paths: list[str]) -> str:
    """Filter rules that let --delete reach these files (and folders that end up empty), nothing else."""
    rules: dict[str, None] = {}
    for path in sorted(paths):
        parent = posixpath.dirname(path)
        chain = []
        while parent:
            chain.append(parent)
            parent = posixpath.dirname(parent)
        for folder in reversed(chain):
            rules[f"+ /{_literal(folder)}/"] = None
        rules[f"+ /{_literal(path)}"] = None
    return "\n".join([*rules, "- *"]) + "\n"


def _literal(path: str) -> str:
    """A path as a filter pattern that matches only itself."""
    return re.sub(r"([*?\[\\])", r"\\\1", path) if re.search(r"[*?\[]", path) else path
