"""Everything a build reads, summed up from file sizes and mtimes without reading a byte.

The pipeline compares this signature with the one of the last good build into
the same output: equal, and the output untouched since (manifest.Published.token),
means the build would write exactly what is there, so it stops before loading
the heavy half of the generator. Light on purpose: only the standard library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from .cache import generator_key

PROJECT_DIR = Path(__file__).resolve().parents[2]  # generator/engine/inputs.py -> the project
CHINA = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991
SITE_FOLDERS = ("content", "media", "templates", "static")  # the site's own inputs
THEME_FOLDERS = ("templates", "static")  # the generator's, overridden by the site's


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The site's own folder first, then the generator's: overrides by file name."""
    unique: list[Path] = []
    for d in (site_dir / name, PROJECT_DIR / name):
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def china_today() -> dt.date:
    """The build day in China time: what decides whether a dated item is out yet."""
    return dt.datetime.now(CHINA).date()


def _listing(root: str, out: dict[str, tuple[int, int] | None]) -> None:
    """Every file below `root` with its (size, mtime_ns); None where it cannot be read."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        out[root] = None
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _listing(entry.path, out)
            continue
        try:
            st = entry.stat()  # follows a link: its target's change counts
            out[entry.path] = (st.st_size, st.st_mtime_ns)
        except OSError:
            out[entry.path] = None


def input_stats(site_dir: Path) -> dict[str, tuple[int, int] | None]:
    """Every input file (absolute path) with its size and mtime: site.yaml, the site's folders
    and the generator's theme. What a build compares with the last one to see what changed."""
    site = os.path.abspath(site_dir)
    found: dict[str, tuple[int, int] | None] = {}
    try:
        st = os.stat(os.path.join(site, "site.yaml"))
        found[os.path.join(site, "site.yaml")] = (st.st_size, st.st_mtime_ns)
    except OSError:
        found[os.path.join(site, "site.yaml")] = None
    roots = [os.path.join(site, name) for name in SITE_FOLDERS]
    roots += [str(PROJECT_DIR / name) for name in THEME_FOLDERS]
    for root in dict.fromkeys(roots):
        _listing(root, found)
    return found


def input_signature(site_dir: Path, include_drafts: bool, today: dt.date,
                    stats: dict[str, tuple[int, int] | None] | None = None) -> str:
    """A digest of the generator, the options and every input file's path, size and mtime."""
    stats = input_stats(site_dir) if stats is None else stats
    parts = [generator_key(), repr(include_drafts), today.isoformat(), repr(sorted(stats.items()))]
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
