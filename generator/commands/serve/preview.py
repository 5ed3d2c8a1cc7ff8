"""Keeping a preview folder in step with the last good build, writing only what changed.

Used by the preview server: each file is replaced atomically (write to a
temporary name, then rename), so a page fetched during a rebuild is either
the old one or the new one, never half of it. Files come in layers (the site's
pages and assets; the feeds and sitemap made on demand): syncing one layer
never removes the files of another.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ...engine.writer import safe_relpath
from ...pages.render import OutputFile

Key = bytes | tuple[int, int, str]


class PreviewFolder:
    """A folder that mirrors lists of OutputFiles, touching only differences."""

    def __init__(self, root: Path):
        self.root = root
        self._written: dict[str, dict[str, Key]] = {}  # layer -> path -> what was written

    def owner(self, rel: str) -> str | None:
        """The layer a file of the folder belongs to, if any."""
        return next((layer for layer, files in self._written.items() if rel in files), None)

    def sync(self, files: list[OutputFile], layer: str = "site") -> list[str]:
        """Make the layer hold exactly `files`; return the paths that changed."""
        written = self._written.setdefault(layer, {})
        changed: list[str] = []
        wanted: dict[str, OutputFile] = {safe_relpath(f.path): f for f in files}
        made: set[Path] = set()
        for rel, f in wanted.items():
            if f.data is not None:
                key: Key = f.data
            else:
                st = f.source.stat()  # type: ignore[union-attr]
                key = (st.st_mtime_ns, st.st_size, str(f.source))
            old = written.get(rel)
            if old is key or old == key:
                continue
            target = self.root / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            tmp = target.with_name(f".{target.name}.part")
            if f.data is not None:
                tmp.write_bytes(f.data)
            else:
                shutil.copyfile(f.source, tmp)  # type: ignore[arg-type]
            os.replace(tmp, target)
            written[rel] = key
            changed.append(rel)
        for rel in sorted(set(written) - set(wanted)):
            del written[rel]
            if self.owner(rel) is None:
                self._remove(self.root / rel)
            changed.append(rel)
        return changed

    def _remove(self, path: Path) -> None:
        """Delete a file and the folders it leaves empty (a deleted page's URL then 404s)."""
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        parent = path.parent
        while parent != self.root and self.root in parent.parents:
            try:
                parent.rmdir()
            except OSError:  # not empty
                break
            parent = parent.parent
