"""Real servers for the publish tests, each started on a free port of 127.0.0.1 and stopped after.

- MotoServer: moto's standalone S3 server (`python -m moto.server`, its own process), with
  IAM authentication switched on after set-up, so that a wrong key is refused as a real
  store refuses it. Buckets are versioned: every PUT makes a version, so the tests count
  on the server how many times each file was uploaded.
- SshServer: the system's sshd (installed by scripts/install-test-deps.sh) with a temporary
  host key, and a key of ours in a temporary authorized_keys for the user running the tests.
  rsync on the publish side reaches it through RSYNC_RSH, as a user's own ssh set-up would.
- Throttle: a TCP relay that slows uploads down, so a test can kill a publish midway.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

READY_SECONDS = 60  # a loaded CI machine may take a while to start a server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (bound and released: refused at once)."""
    return free_port()


def wait_for_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {READY_SECONDS} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


POLICY = json.dumps({"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
SETUP_ACTIONS = 3  # create_user, create_access_key, put_user_policy: unauthenticated, then auth is on


class MotoServer:
    """moto's S3 server in its own process, with one IAM user whose key the tests publish with."""

    def __init__(self, log: Path):
        import boto3

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_ACTIONS), AWS_EC2_METADATA_DISABLED="true")
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.proc, "moto server")
            iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                               aws_access_key_id="setup", aws_secret_access_key="setup")
            iam.create_user(UserName="publisher")
            key = iam.create_access_key(UserName="publisher")["AccessKey"]
            iam.put_user_policy(UserName="publisher", PolicyName="s3", PolicyDocument=POLICY)
        except BaseException:
            self.close()
            raise
        self.key, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                               aws_access_key_id=self.key, aws_secret_access_key=self.secret)

    def env(self, **changes: str) -> dict[str, str]:
        """The environment a publish to this server runs with (the key, as a user sets it)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.key, AWS_SECRET_ACCESS_KEY=self.secret, **changes)
        return env

    def bucket(self, name: str) -> str:
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def files(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object under `prefix` (without it) with its bytes."""
        found: dict[str, bytes] = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                body = self.s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                found[item["Key"][len(prefix):]] = body
        return found

    def uploads(self, bucket: str, prefix: str = "") -> dict[str, int]:
        """How many times each key was written (versions, delete markers left out)."""
        counts: dict[str, int] = {}
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            for version in page.get("Versions", []):
                key = version["Key"][len(prefix):]
                counts[key] = counts.get(key, 0) + 1
        return counts

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


class SshServer:
    """sshd on a free port, letting the user running the tests in with a key of ours."""

    def __init__(self, folder: Path):
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        if not os.path.exists(sshd) or shutil.which("rsync") is None:
            pytest.fail("sshd or rsync is missing: run `bash scripts/install-test-deps.sh` (as root)")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.user = getpass.getuser()
        self.port = free_port()
        for name in ("host_key", "user_key", "other_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
        (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
        host_pub = (folder / "host_key.pub").read_text().split()
        (folder / "known_hosts").write_text(f"* {host_pub[0]} {host_pub[1]}\n")  # this host key, any address
        config = folder / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
            f"AuthorizedKeysFile {folder / 'authorized_keys'}", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "StrictModes no",
            "UsePAM no", f"PidFile {folder / 'sshd.pid'}", "LogLevel ERROR", ""]))
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
        with open(folder / "sshd.log", "wb") as log:
            self.proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=log)
        wait_for_port(self.port, self.proc, "sshd")

    def rsync_rsh(self, key: str = "user_key") -> str:
        """The ssh command a user's set-up amounts to: their key, their known_hosts, nothing else."""
        return (f"ssh -F /dev/null -i {self.folder / key} -o IdentitiesOnly=yes "
                f"-o UserKnownHostsFile={self.folder / 'known_hosts'} -o StrictHostKeyChecking=yes")

    def env(self, key: str = "user_key") -> dict[str, str]:
        return dict(os.environ, RSYNC_RSH=self.rsync_rsh(key))

    def close(self) -> None:
        stop(self.proc)


class Throttle:
    """A TCP relay to 127.0.0.1:`upstream` that passes uploads at `rate` bytes a second (all
    connections together; None: at full speed, which a test may change at any time) and
    downloads at full speed."""

    CHUNK = 4096

    def __init__(self, upstream: int, rate: int | None = None):
        self.upstream, self.rate = upstream, rate
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        try:
            while True:
                data = source.recv(self.CHUNK)
                if not data:
                    break
                rate = self.rate
                if slow and rate:
                    with self.lock:  # one budget for every connection
                        time.sleep(len(data) / rate)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.closed = True
        self.server.close()


def kill_when(proc: subprocess.Popen, ready, seconds: float = 240) -> bool:
    """SIGKILL `proc` as soon as `ready()` is true; False if it ended first (or time ran out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.05)
    return False
