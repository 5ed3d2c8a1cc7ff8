"""Keeping a preview folder in step with the last good build, writing only what changed.

Used by the preview server: each file is replaced atomically (write to a
temporary name, then rename), so a page fetched during a rebuild is either
the old one or the new one, never half of it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .render import OutputFile
from .writer import safe_relpath


class PreviewFolder:
    """A folder that mirrors a list of OutputFiles, touching only differences."""

    def __init__(self, root: Path):
        self.root = root
        self._written: dict[str, bytes | tuple[int, int, str]] = {}

    def sync(self, files: list[OutputFile]) -> list[str]:
        """Make the folder hold exactly `files`; return the paths that changed."""
        changed: list[str] = []
        wanted: dict[str, OutputFile] = {safe_relpath(f.path): f for f in files}
        for rel, f in wanted.items():
            if f.data is not None:
                key: bytes | tuple[int, int, str] = f.data
            else:
                st = f.source.stat()  # type: ignore[union-attr]
                key = (st.st_mtime_ns, st.st_size, str(f.source))
            if self._written.get(rel) == key:
                continue
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.part")
            if f.data is not None:
                tmp.write_bytes(f.data)
            else:
                shutil.copyfile(f.source, tmp)  # type: ignore[arg-type]
            os.replace(tmp, target)
            self._written[rel] = key
            changed.append(rel)
        for rel in sorted(set(self._written) - set(wanted)):
            try:
                (self.root / rel).unlink()
            except FileNotFoundError:
                pass
            del self._written[rel]
            changed.append(rel)
        return changed
