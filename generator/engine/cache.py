"""The persistent cache: what one build hands to the next, in .cache/ of the site folder.

Each file holds one pickled value behind a header: a magic line, the key it was
made under and a CRC of the payload. The key covers everything that could make
a cached result wrong for this run: the generator's version and source files,
Python, the libraries that parse, render and sanitise, and Markdown's settings.
A file made under another key, a truncated or corrupted one, or one that does
not unpickle is discarded and its work done again: never trusted, never fatal.

The folder is local working state (git-ignored), trusted like the content next
to it. Only this module and writer.py write outside the output folder.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import Any

from .. import __version__

CACHE_DIR = ".cache"
MAGIC = b"congress-site-cache 2\n"
LIBRARIES = ("markdown", "nh3", "jinja2", "markupsafe", "pypinyin", "yaml", "_yaml")
_KEY: str | None = None


def _stat_key(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:-"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def generator_key() -> str:
    """What every cached result depends on besides its own inputs (computed once a process)."""
    global _KEY
    if _KEY is None:
        package = Path(__file__).resolve().parents[1]  # every module of generator/, in every stage
        parts = [__version__, sys.version, MAGIC.decode()]
        parts += [_stat_key(str(p)) for p in sorted(package.rglob("*.py"))]
        for name in LIBRARIES:
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            parts.append(_stat_key(spec.origin) if spec and spec.origin else f"{name}:-")
        _KEY = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()
    return _KEY


def fingerprint(*parts: Any) -> str:
    """A short digest of plain values (str, bytes, numbers, tuples of them)."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else
                 part.encode("utf-8") if isinstance(part, str) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class _Checked:
    """A file wrapper that keeps the CRC-32 of the bytes going through it."""

    def __init__(self, handle: Any):
        self.handle = handle
        self.crc = 0

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.handle.write(data)

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def readinto(self, buffer: Any) -> int:
        n = self.handle.readinto(buffer)
        self.crc = zlib.crc32(memoryview(buffer)[:n], self.crc)
        return n

    def readline(self, size: int = -1) -> bytes:
        data = self.handle.readline(size)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def peek(self, size: int = 0) -> bytes:  # pickle looks ahead without consuming
        return self.handle.peek(size)


class _Pickler(pickle.Pickler):
    """Long non-ASCII text goes out as UTF-16 bytes encoded here, once per object.

    The plain pickler gets a str's UTF-8 from CPython's cache of it, which then stays
    attached to the string for good: pickling a cold build's cache would add about
    three bytes per character of every page's text to the builder's memory.
    """

    def __init__(self, file: Any):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._texts: dict[int, int] = {}

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is str and len(obj) > 128 and not obj.isascii():
            number = self._texts.get(id(obj))
            if number is not None:  # the same object again (shared, as raw HTML is): stored once
                return ("r", number)
            self._texts[id(obj)] = len(self._texts)
            return ("t", obj.encode("utf-16-le", "surrogatepass"))  # ~3x faster to decode than UTF-8
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any):
        super().__init__(file)
        self._texts: list[str] = []

    def persistent_load(self, pid: Any) -> Any:
        if pid[0] == "t":
            self._texts.append(pid[1].decode("utf-16-le", "surrogatepass"))
            return self._texts[-1]
        if pid[0] == "r":
            return self._texts[pid[1]]
        raise pickle.UnpicklingError("unknown reference")


class Store:
    """Named values under one folder, each valid only under `key`."""

    def __init__(self, folder: Path, key: str | None = None):
        self.folder = folder
        self.key = (key or generator_key()).encode("ascii")
        self.discarded: list[str] = []  # names found corrupt or stale (tests and the bench look)
        self._swept = False

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def _sweep(self) -> None:
        """Remove the temporary files of builds killed while saving (once per Store).

        Named .{name}.{pid}.tmp: one whose process is gone can never be finished. A live
        one (another build of this site, into another output) is left alone.
        """
        self._swept = True
        try:
            leftovers = list(self.folder.glob(".*.tmp"))
        except OSError:
            return
        for tmp in leftovers:
            pid = tmp.name.rsplit(".", 2)[-2]
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                os.kill(int(pid), 0)
                continue  # alive
            except ProcessLookupError:
                pass
            except OSError:  # alive, another user's
                continue
            try:
                tmp.unlink()
            except OSError:
                pass

    def load(self, name: str) -> Any | None:
        """The value saved under `name`, or None if absent, stale or damaged (then removed).

        Read and unpickled in one stream (no copy of the whole file in memory); the CRC
        of what was read is checked before the value is returned.
        """
        path = self._path(name)
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return None
        except OSError:
            self.discarded.append(name)
            return None
        value: Any = None
        ok = False
        collecting = gc.isenabled()
        gc.disable()  # unpickling makes many objects at once: a collection pass over them is wasted
        with handle:
            try:
                ok = handle.readline() == MAGIC and handle.readline() == self.key + b"\n"
                crc = handle.readline()
                if ok:
                    reader = _Checked(handle)
                    value = _Unpickler(reader).load()
                    ok = not handle.read(1) and crc == b"%08x\n" % reader.crc
            except Exception:  # noqa: BLE001 - damaged in a way that breaks unpickling: never fatal
                ok = False
            finally:
                if collecting:
                    gc.enable()
        if ok:
            return value
        self.discarded.append(name)
        try:
            path.unlink()
        except OSError:
            pass
        return None

    def save(self, name: str, value: Any) -> None:
        """Replace `name` atomically; a cache that cannot be written is only slower next time.

        Pickled straight into the file (no copy of the whole value's bytes in memory).
        """
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        if not self._swept:
            self._sweep()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(MAGIC + self.key + b"\n")
                place = handle.tell()
                handle.write(b"00000000\n")
                writer = _Checked(handle)
                _Pickler(writer).dump(value)
                handle.seek(place)
                handle.write(b"%08x" % writer.crc)
            os.replace(tmp, self._path(name))
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            try:
                tmp.unlink()
            except OSError:
                pass

    def remove(self, name: str) -> None:
        try:
            self._path(name).unlink()
        except OSError:
            pass
