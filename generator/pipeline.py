"""The build, as a recipe: read -> model -> routes -> render -> write.

Only the first step reads and only the last one writes; everything between
is pure, so each stage is tested without a disk (design: mkdocs build.py).
The Builder (builder.py) runs the middle steps and keeps what a rebuild can reuse.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .builder import PROJECT_DIR, Builder, china_today  # noqa: F401  (re-exported)
from .errors import Problem
from .writer import check_output_dir, output_lock, write_site


@dataclass
class BuildResult:
    """What a build did, for the one-line summary."""

    out: Path
    counts: Counter = field(default_factory=Counter)
    files: int = 0
    changed: bool = True
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def build(site_dir: Path, out: Path | None = None, *, include_drafts: bool = False,
          today: dt.date | None = None) -> BuildResult:
    """Build a site folder into `out` (default: site_dir/public), all or nothing."""
    started = time.perf_counter()
    out = out or site_dir / "public"
    check_output_dir(out, site_dir)
    with output_lock(out):
        result = Builder(site_dir, include_drafts=include_drafts, today=today).build()
        changed = write_site(out, result.files)
    return BuildResult(out=out, counts=result.counts, files=len(result.files), changed=changed,
                       warnings=result.problems.warnings, seconds=time.perf_counter() - started)
