"""Publishing to any S3-compatible store (Aliyun OSS, Tencent COS, Huawei OBS, MinIO, AWS) with boto3.

Each file is one PUT, which the store makes visible whole or not at all: a reader never
gets a truncated file. Content-MD5 goes with it, so bytes damaged on the way are refused
rather than published. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or
a named profile (~/.aws/credentials), never from site.yaml, and are never printed.

Compatibility: stores other than AWS do not all understand the CRC checksums boto3 sends
by default since 1.36, so checksums are only sent where an operation requires them (the
MD5 above does the job), and deletions go one object at a time (DeleteObjects needs a
checksum header some stores reject). Aliyun OSS and the other big clouds want the bucket
in the host name ("virtual" addressing); a MinIO at an address of its own wants it in the
path: `addressing: auto` chooses by the endpoint's domain.
"""

from __future__ import annotations

import base64
import concurrent.futures as futures
import hashlib
import os
import zlib
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

from ...read.publish_settings import S3Target
from .headers import headers
from .plan import Files, Remote
from .remote import PublishError
from .s3_errors import explain

WORKERS = 8  # uploads at once: small files are bound by round trips, not bandwidth
VIRTUAL_HOSTED = ("aliyuncs.com", "myqcloud.com", "myhuaweicloud.com", "amazonaws.com", "amazonaws.com.cn",
                  "bcebos.com", "ksyuncs.com", "volces.com", "ctyunapi.cn", "jdcloud-oss.com")


def addressing_style(target: S3Target) -> str:
    """virtual for the big clouds (OSS refuses the other), path elsewhere (a MinIO's own address)."""
    if target.addressing != "auto":
        return target.addressing
    host = (urlsplit(target.endpoint).hostname or "").lower()
    return "virtual" if any(host == d or host.endswith("." + d) for d in VIRTUAL_HOSTED) else "path"


class S3Backend:
    """One bucket (and prefix) of an S3-compatible store."""

    def __init__(self, target: S3Target):
        self.target = target
        self.where = target.where
        self.base = target.prefix + "/" if target.prefix else ""
        self.client = self._connect()

    def _connect(self):
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")  # keys come from the environment or a profile only
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        try:
            session = boto3.Session(profile_name=self.target.profile or None)
            if session.get_credentials() is None:
                raise PublishError("没有找到对象存储的访问密钥：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY，"
                                   "或在 site.yaml 的目标中写 profile（密钥放在 ~/.aws/credentials 中）。")
            config = Config(signature_version="s3v4", s3={"addressing_style": addressing_style(self.target)},
                            connect_timeout=10, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"},
                            max_pool_connections=WORKERS, request_checksum_calculation="when_required",
                            response_checksum_validation="when_required")
            return session.client("s3", endpoint_url=self.target.endpoint, config=config,
                                  region_name=self.target.region or "us-east-1")
        except (BotoCoreError, ValueError) as exc:
            raise self._explain(exc) from None

    def stamp(self, path: str, digest: str) -> str:
        """The digest and the headers sent: a changed header rule uploads the files it changes."""
        sent = headers(path)
        return f"{digest}:{zlib.crc32(repr(sorted(sent.items())).encode()):08x}"

    def close(self) -> None:
        self.client.close()

    def probe(self) -> None:
        self._call(self.client.list_objects_v2, Bucket=self.target.bucket, Prefix=self.base, MaxKeys=1)

    def _listing(self) -> Iterator[dict]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket, Prefix=self.base)
        try:
            for page in pages:
                yield from page.get("Contents", [])
        except Exception as exc:  # botocore's errors, raised while paging
            raise self._explain(exc) from None

    def compare(self, out: Path, files: Files) -> Remote:
        """List the prefix: a file of the same size and MD5 (the ETag of a single-part upload) is ours."""
        remote: Remote = {}
        for item in self._listing():
            path = item["Key"][len(self.base):]
            if not path or path.endswith("/"):
                continue  # a "folder" marker some consoles make
            size, etag = int(item.get("Size", 0)), str(item.get("ETag", "")).strip('"')
            ours = files.get(path)
            same = ours is not None and ours[1] == size and "-" not in etag and \
                _md5(out / path).hexdigest() == etag.lower()
            remote[path] = (self.stamp(path, ours[0]) if same and ours else "", size)
        return remote

    def upload(self, out: Path, paths: list[str], landed: Callable[[str], None],
               tick: Callable[[], None]) -> None:
        self._each(paths, lambda path: self._put(out, path), landed, tick)

    def _put(self, out: Path, path: str) -> None:
        data = (out / path).read_bytes()
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode("ascii")
        self._call(self.client.put_object, Bucket=self.target.bucket, Key=self.base + path, Body=data,
                   ContentMD5=md5, **headers(path))

    def delete(self, paths: list[str], gone: Callable[[str], None]) -> None:
        self._each(paths, lambda path: self._call(self.client.delete_object, Bucket=self.target.bucket,
                                                  Key=self.base + path), gone, lambda: None)

    def _each(self, paths: list[str], work: Callable[[str], None], done: Callable[[str], None],
              tick: Callable[[], None]) -> None:
        """`work` on every path, WORKERS at a time; `done` in this thread as each succeeds."""
        pool = futures.ThreadPoolExecutor(max_workers=WORKERS)
        try:
            running = {pool.submit(work, path): path for path in paths}
            for future in futures.as_completed(running):
                future.result()  # the first failure stops the rest (below)
                done(running[future])
                tick()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _call(self, method, **kwargs):
        try:
            return method(**kwargs)
        except Exception as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: Exception) -> Exception:
        """botocore's error as one Chinese line; anything not botocore's goes on as it was."""
        return explain(exc, self.target)


def _md5(path: Path):
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest
