"""Put an imported document's files in place: all of them, or none.

The Markdown and the pictures are first written under hidden temporary names (a leading
dot: the build and the preview skip such files), then moved to their names; the Markdown
comes last, so a content file never points at a picture that is not there yet. Nothing
existing is replaced: a name that is taken stops the import before anything moves, and
a race that takes one afterwards undoes what was moved. Ctrl-C or a full disk on the way
leaves nothing behind either.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class TakenName(Exception):
    """A file the import would create already exists; carries its path."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


def _write(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:  # "x": a temporary name that is somehow there is not ours to reuse
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise


def _move(temporary: Path, final: Path) -> None:
    """Give the file its name, never replacing one that appeared meanwhile."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (a FAT USB disk): check, then rename
        if final.exists():
            raise FileExistsError(17, "exists", str(temporary), None, str(final)) from None
        os.rename(temporary, final)


def place(markdown_path: Path, text: str, pictures: dict[Path, bytes]) -> None:
    """Write `text` to `markdown_path` and each picture to its path, creating folders as needed.

    Raises TakenName (nothing written) if any target exists, OSError on a disk failure
    (nothing left behind).
    """
    for target in [*pictures, markdown_path]:
        if target.exists() or target.is_symlink():
            raise TakenName(target)
    tag = f".import-{os.getpid()}"
    staged: list[tuple[Path, Path]] = []  # (temporary, final)
    made_dirs: list[Path] = []
    placed: list[Path] = []
    try:
        for final, data in [*pictures.items(), (markdown_path, text.encode("utf-8"))]:
            made_dirs.extend(_make_parents(final.parent))
            temporary = final.with_name(f".{final.name}{tag}")
            _write(temporary, data)
            staged.append((temporary, final))
        for temporary, final in staged:
            _move(temporary, final)
            placed.append(final)
    except BaseException as exc:
        _remove(temporary for temporary, _ in staged)
        _remove(placed)
        for folder in reversed(made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: never a folder with someone else's files
        if isinstance(exc, FileExistsError):
            raise TakenName(Path(exc.filename2 or exc.filename or markdown_path)) from None
        raise
    _remove(temporary for temporary, _ in staged)


def _make_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return the ones created, deepest last."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _remove(paths) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
