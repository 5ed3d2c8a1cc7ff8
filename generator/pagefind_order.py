"""Make Pagefind 1.5.2's output byte-identical from one build to the next.

Why: Pagefind keeps filter values in a hashbrown HashMap whose hasher is seeded
at random per process (upstream: "TODO: Change filter indexes to BTree to give
them a stable hash", pagefind/src/index/mod.rs). The order of the values inside
each filter/*.pf_filter file, and of the filters in the .pf_meta file, therefore
changes from run to run, and with it those files' hashed names and the hash in
pagefind-entry.json. Word chunks and fragments are already stable.

What: rewrite exactly those files as Pagefind would write them with sorted maps:
values sorted by text (and page numbers ascending), filters sorted by name,
then the same naming rule (SHA-1 of the CBOR, shortened) and the same encoding
(gzip of b"pagefind_dcd" + CBOR). Every file is decoded and re-encoded first to
prove the format is the expected one; anything unexpected stops the build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import BuildFailed, Problems

MAGIC = b"pagefind_dcd"


class FormatError(Exception):
    """Pagefind's files are not in the format this module was written for."""


# -- a minimal CBOR codec: unsigned ints, text, definite arrays (all Pagefind writes here) --
def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise FormatError("integer too large")


def encode(value: Any) -> bytes:
    """CBOR of ints, str and lists, with the shortest heads (as minicbor writes them)."""
    if isinstance(value, bool):
        raise FormatError("unexpected bool")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    raise FormatError(f"unexpected {type(value).__name__}")


def decode(data: bytes) -> Any:
    """Inverse of `encode` for one complete item; raises FormatError on anything else."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise FormatError("trailing bytes")
    return value


def _decode(data: bytes, pos: int) -> tuple[Any, int]:
    if pos >= len(data):
        raise FormatError("truncated")
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if info < 24:
        arg = info
    elif 24 <= info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise FormatError(f"unsupported CBOR head {info}")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major == 3:
        return data[pos:pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    raise FormatError(f"unsupported CBOR major type {major}")


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise FormatError(f"{path.name}: no {MAGIC!r} header")
    body = raw[len(MAGIC):]
    value = decode(body)
    if encode(value) != body:
        raise FormatError(f"{path.name}: does not re-encode to the same bytes")
    return value


def _write(path: Path, value: Any) -> bytes:
    body = encode(value)
    path.write_bytes(gzip.compress(MAGIC + body, compresslevel=9, mtime=0))
    return body


def pagefind_hash(data: bytes) -> str:
    """Pagefind's `full_hash`: SHA-1 with each byte as unpadded lower-case hex."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def stabilise(bundle: Path) -> None:
    """Sort the filter files and the meta file of every language in a Pagefind bundle, in place."""
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text(encoding="utf-8")
    entry = json.loads(entry_text)
    for language, info in sorted(entry["languages"].items()):
        old_meta_hash = info["hash"]
        meta_path = bundle / f"pagefind.{old_meta_hash}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[3], list)):
            raise FormatError("pf_meta: unexpected layout")
        filters: list[list[str]] = []
        for name, old_hash in meta[3]:
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            fname, values = _read(old_path)
            if fname != name:
                raise FormatError(f"{old_path.name}: holds filter {fname}, expected {name}")
            values = sorted(([value, sorted(pages)] for value, pages in values), key=lambda v: v[0])
            full = f"{language}_{pagefind_hash(encode([fname, values]))}"
            short = full[: len(language) + 8]
            while any(short == h for _, h in filters) and len(short) < len(full):  # Pagefind's collision rule
                short = full[: len(short) + 1]
            old_path.unlink()
            _write(bundle / "filter" / f"{short}.pf_filter", [fname, values])
            filters.append([name, short])
        meta[3] = sorted(filters)
        body = encode(meta)
        meta_hash = f"{language}_{pagefind_hash(body)[: len(language) + 8]}"
        meta_path.unlink()
        _write(bundle / f"pagefind.{meta_hash}.pf_meta", meta)
        if entry_text.count(f'"{old_meta_hash}"') != 1:
            raise FormatError("pagefind-entry.json: meta hash not found once")
        entry_text = entry_text.replace(f'"{old_meta_hash}"', f'"{meta_hash}"')
    entry_path.write_text(entry_text, encoding="utf-8")


def stabilise_or_fail(bundle: Path) -> None:
    """`stabilise`, turning a format surprise into a build error an editor can pass on."""
    try:
        stabilise(bundle)
    except (FormatError, OSError, ValueError, KeyError, TypeError) as exc:
        problems = Problems()
        problems.error("搜索索引（Pagefind）", f"无法把 Pagefind 的输出整理成稳定的顺序：{exc}",
                       fix="确认安装的是 pagefind[extended]==1.5.2（requirements.txt 中固定的版本）。")
        raise BuildFailed(problems) from None
