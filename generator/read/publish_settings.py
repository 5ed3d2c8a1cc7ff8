"""The `publish:` key of site.yaml: where `build.py publish` may send the site.

Checked like every other key (config.py calls `parse_publish`): an unknown key names the
nearest known one, every message is in Chinese with its line. Secrets never belong here:
S3 keys come from the environment or a named profile, SSH from the user's agent and config,
so a key that looks like a secret is refused without its value ever being repeated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union
from urllib.parse import urlsplit

from ..errors import Problems
from .keys import CONFIG_FILE, _text, _unknown_keys

PUBLISH_KEYS = ("default", "max_deletes", "targets")
S3_KEYS = ("type", "endpoint", "bucket", "prefix", "region", "profile", "addressing")
RSYNC_KEYS = ("type", "host", "path", "user", "port")
ADDRESSING = ("auto", "path", "virtual")
DEFAULT_MAX_DELETES = 50
TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
SECRET_LIKE = re.compile(r"secret|password|passwd|token|credential|access_?key|key_?id|private", re.I)
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
HOST = re.compile(r"[A-Za-z0-9._:\[\]-]+")
USER = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class S3Target:
    """A bucket (and a folder in it) of any S3-compatible store."""

    name: str
    endpoint: str
    bucket: str
    prefix: str = ""  # without slashes at either end; "" for the bucket's root
    region: str = ""
    profile: str = ""
    addressing: str = "auto"  # auto: virtual-hosted for the big clouds, path-style elsewhere (MinIO)

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"

    @property
    def identity(self) -> str:
        """What makes two declarations the same place (a record of it stays valid)."""
        return f"s3 {self.endpoint} {self.bucket} {self.prefix}"


@dataclass(frozen=True)
class RsyncTarget:
    """A folder on a server, reached by rsync over SSH."""

    name: str
    host: str
    path: str  # always ending in "/"
    user: str = ""
    port: int | None = None

    @property
    def where(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user + '@' if self.user else ''}{host}:{self.path}"

    @property
    def identity(self) -> str:
        return f"rsync {self.user}@{self.host}:{self.port or 22}{self.path}"


Target = Union[S3Target, RsyncTarget]


@dataclass(frozen=True)
class PublishSettings:
    """The declared targets, in site.yaml's order."""

    targets: tuple[Target, ...] = ()
    default: str = ""
    max_deletes: int = DEFAULT_MAX_DELETES

    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    def find(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)


class _Reader:
    """Reports problems at the line of the key they are about."""

    def __init__(self, lines: dict, problems: Problems):
        self.lines = lines
        self.problems = problems

    def error(self, path: tuple, field: str, message: str, fix: str) -> None:
        self.problems.error(CONFIG_FILE, message, line=self.lines.get(path), field=field, fix=fix)

    def mapping(self, raw: Any, path: tuple, field: str, example: str) -> dict | None:
        if isinstance(raw, dict):
            return raw
        self.error(path, field, f"{field} 应是“键: 值”的列表。", f"参照 README 中的发布设置示例，如 {example}")
        return None

    def secrets(self, data: dict, path: tuple, prefix: str) -> set:
        """Keys that look like secrets: refused, their values never repeated."""
        found = {key for key in data if SECRET_LIKE.search(str(key))}
        for key in sorted(found, key=str):
            self.error(path + (key,), f"{prefix}{key}", f"{prefix}{key} 看起来是密钥：密钥不能写在 site.yaml 中"
                       "（它会随网站文件夹被复制、提交到版本库）。",
                       "删去这一行。S3 的密钥放在环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY 中，"
                       "或 ~/.aws/credentials 的一个 profile 里；SSH 用自己的密钥（ssh-agent 或 ~/.ssh/config）。")
        return found

    def keys(self, data: dict, known: tuple[str, ...], path: tuple, prefix: str) -> None:
        secret = self.secrets(data, path, prefix)
        _unknown_keys({k: v for k, v in data.items() if k not in secret}, known, prefix,
                      self.lines, path, self.problems)

    def text(self, data: dict, key: str, path: tuple, field: str, required: bool = False) -> str:
        return _text(data, key, self.lines, path, self.problems, required=required, label=field)


def parse_publish(raw: Any, lines: dict, problems: Problems) -> PublishSettings | None:
    """The validated `publish:` key (None when it is absent or unusable); problems go to `problems`."""
    if raw is None:
        return None
    read = _Reader(lines, problems)
    data = read.mapping(raw, ("publish",), "publish", "publish: {targets: {…}}")
    if data is None:
        return None
    read.keys(data, PUBLISH_KEYS, ("publish",), "publish.")
    max_deletes = data.get("max_deletes", DEFAULT_MAX_DELETES)
    if isinstance(max_deletes, bool) or not isinstance(max_deletes, int) or max_deletes < 0:
        read.error(("publish", "max_deletes"), "publish.max_deletes",
                   f"publish.max_deletes 应是不小于 0 的整数，现在是 {max_deletes!r}。", "例如 max_deletes: 50")
        max_deletes = DEFAULT_MAX_DELETES
    targets = _targets(data.get("targets"), read)
    default = read.text(data, "default", ("publish",), "publish.default")
    names = [t.name for t in targets]
    if default and targets and default not in names:
        read.error(("publish", "default"), "publish.default", f"publish.default 是 “{default}”，但 targets 中没有这个目标。",
                   f"写 targets 中已有的名称：{'、'.join(names)}。")
        default = ""
    return PublishSettings(tuple(targets), default, max_deletes)


def _targets(raw: Any, read: _Reader) -> list[Target]:
    path = ("publish", "targets")
    if raw is None or (isinstance(raw, dict) and not raw):
        read.error(("publish",), "publish.targets", "publish 下没有声明任何发布目标（targets）。",
                   "至少写一个目标，如 targets: {server: {type: rsync, host: …, path: …}}；不发布时删去整个 publish。")
        return []
    data = read.mapping(raw, path, "publish.targets", "targets: {oss: {type: s3, …}}")
    targets: list[Target] = []
    for name, body in (data or {}).items():
        field = f"publish.targets.{name}"
        if not isinstance(name, str) or not TARGET_NAME.fullmatch(name):
            read.error(path + (name,), field, f"发布目标的名称 “{name}” 不合适：要在命令行中输入（--target 名称）。",
                       "只用英文字母、数字、- 和 _，如 oss、server、backup-2。")
            continue
        body = read.mapping(body, path + (name,), field, "{type: s3, endpoint: …, bucket: …}")
        if body is None:
            continue
        kind = read.text(body, "type", path + (name,), f"{field}.type", required=True)
        if kind == "s3":
            targets.append(_s3(name, body, read))
        elif kind == "rsync":
            targets.append(_rsync(name, body, read))
        elif kind:
            read.error(path + (name, "type"), f"{field}.type", f"{field}.type 是 “{kind}”，不认识这种发布目标。",
                       "写 s3（阿里云 OSS、腾讯云 COS、华为云 OBS、MinIO 等对象存储）或 rsync（经 SSH 传到服务器上的文件夹）。")
    return targets


def _s3(name: str, body: dict, read: _Reader) -> S3Target:
    path = ("publish", "targets", name)
    field = f"publish.targets.{name}."
    read.keys(body, S3_KEYS, path, field)
    endpoint = read.text(body, "endpoint", path, field + "endpoint", required=True).rstrip("/")
    parts = urlsplit(endpoint)
    if endpoint and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query):
        read.error(path + ("endpoint",), field + "endpoint", f"endpoint “{endpoint}” 不是对象存储的服务地址。",
                   "写成 https://域名 的形式，如 https://oss-cn-hangzhou.aliyuncs.com（不带存储桶名和路径）。")
    bucket = read.text(body, "bucket", path, field + "bucket", required=True)
    if bucket and not BUCKET.fullmatch(bucket):
        read.error(path + ("bucket",), field + "bucket", f"bucket “{bucket}” 不是存储桶的名称。",
                   "存储桶名只有小写字母、数字、- 和 .（3 到 63 个字符）；桶内的文件夹写在 prefix 中。")
    prefix = read.text(body, "prefix", path, field + "prefix").strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        read.error(path + ("prefix",), field + "prefix", f"prefix “{prefix}” 中有空的、. 或 .. 的一段。",
                   "写成 renda 或 sites/renda 的形式；放在存储桶根目录时写 \"\"。")
    addressing = read.text(body, "addressing", path, field + "addressing") or "auto"
    if addressing not in ADDRESSING:
        read.error(path + ("addressing",), field + "addressing", f"addressing 是 “{addressing}”。",
                   "写 virtual（域名中带存储桶名，阿里云 OSS 等）、path（地址路径中带存储桶名，MinIO 等）或删去这一行（自动）。")
        addressing = "auto"
    return S3Target(name, endpoint, bucket, prefix, read.text(body, "region", path, field + "region"),
                    read.text(body, "profile", path, field + "profile"), addressing)


def _rsync(name: str, body: dict, read: _Reader) -> RsyncTarget:
    path = ("publish", "targets", name)
    field = f"publish.targets.{name}."
    read.keys(body, RSYNC_KEYS, path, field)
    host = read.text(body, "host", path, field + "host", required=True)
    if host and not HOST.fullmatch(host):
        read.error(path + ("host",), field + "host", f"host “{host}” 不是服务器的域名或 IP 地址。",
                   "只写域名或 IP，如 www.example.gov.cn；用户名写在 user 中，端口写在 port 中，文件夹写在 path 中。")
    folder = read.text(body, "path", path, field + "path", required=True)
    user = read.text(body, "user", path, field + "user")
    if user and not USER.fullmatch(user):
        read.error(path + ("user",), field + "user", f"user “{user}” 不是服务器上的用户名。", "如 deploy。")
    port = body.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
        read.error(path + ("port",), field + "port", f"port 应是 1 到 65535 之间的整数，现在是 {port!r}。",
                   "SSH 的端口，通常是 22；用默认端口时删去这一行。")
        port = None
    return RsyncTarget(name, host, folder.rstrip("/") + "/" if folder else "", user, port)
