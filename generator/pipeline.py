"""The build, as a recipe: read -> model -> routes -> render -> write.

Only the first step reads and only the last one writes; everything between
is pure, so each stage is tested without a disk (design: mkdocs build.py).
The Builder (builder.py) runs the middle steps and keeps what a rebuild can reuse,
in memory and in the site's .cache/ (cache.py). A build whose inputs are all as
they were for the last good build into the same output, with that output
untouched since, stops after one look at file sizes and mtimes (inputs.py):
the heavy modules (Jinja, Markdown, pinyin) are imported only past that point.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import CACHE_DIR, Store, fingerprint
from .changes import PageChange, page_changes
from .errors import Problem
from .inputs import china_today, input_signature
from .procs import apart
from .writer import Published, Stage, check_output_dir, output_lock, write_site, written_token


def __getattr__(name: str):  # `from .pipeline import Builder` still works, without the import cost
    if name == "Builder":
        from .builder import Builder
        return Builder
    raise AttributeError(name)


@dataclass
class BuildResult:
    """What a build did, for the one-line summary."""

    out: Path
    counts: Counter = field(default_factory=Counter)
    files: int = 0
    changed: bool = True
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    written: Counter = field(default_factory=Counter)  # pages new or changed since the last publish, by kind
    unchanged: int = 0  # pages byte for byte as already published
    changes: list[PageChange] = field(default_factory=list)  # pages written or removed, by title


def unchanged_pages(published: Published, kinds: dict[str, str], files: list) -> set[str]:
    """Pages whose bytes the output already holds (before the swap, for the summary line).

    Compared by digest with the writer's manifest, without reading the pages.
    """
    there = published.intact
    return {f.path for f in files if f.path in kinds and f.digest and there.get(f.path) == f.digest}


def build(site_dir: Path, out: Path | None = None, *, include_drafts: bool = False,
          today: dt.date | None = None, jobs: int | None = None,
          progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build a site folder into `out` (default: site_dir/public), all or nothing.

    `jobs`: processes that render pages (None: one per core; 1: this process only).
    """
    started = time.perf_counter()
    out = out or site_dir / "public"
    check_output_dir(out, site_dir)
    with output_lock(out):
        day = today or china_today()
        store = Store(site_dir / CACHE_DIR)
        name = "build-" + fingerprint(str(out.resolve()), include_drafts)[:16]  # --drafts never poisons
        inputs = input_signature(site_dir, include_drafts, day)
        last = store.load(name)
        published = Published.look(out)  # what every step below is told is published (under the lock)
        if last is not None and last["inputs"] == inputs and last["token"] == published.token():
            return BuildResult(out=out, counts=Counter(last["counts"]), files=last["files"], changed=False,
                               warnings=last["warnings"], seconds=time.perf_counter() - started,
                               unchanged=sum(last["counts"].values()))
        from .search import IndexMemory, index_step

        stage = Stage(out)  # rendered pages go to files beside the output at once, not into memory
        try:
            made = apart(lambda: _make(site_dir, out, include_drafts, day, jobs, progress, stage, published))
            same = unchanged_pages(published, made.kinds, made.files)  # for the summary line
            changes = page_changes([p for p in made.kinds if p not in same], made.titles, made.kinds,
                                   (published.state or {}).get("out", ()), out)  # before the old pages go
            memory = IndexMemory(store, "search-" + fingerprint(str(out.resolve()))[:16], published)
            changed = write_site(out, made.files, published=published,
                                 before_swap=index_step(made.search, made.language, memory, made.copies))
        finally:
            stage.close()
        store.save(name, {"inputs": inputs, "token": written_token(out), "counts": dict(made.counts),
                          "files": len(made.files), "warnings": made.warnings})
    return BuildResult(out=out, counts=made.counts, files=len(made.files), changed=changed,
                       warnings=made.warnings, seconds=time.perf_counter() - started,
                       written=Counter(k for path, k in made.kinds.items() if path not in same),
                       unchanged=len(same), changes=changes)


@dataclass
class Made:
    """What the model and rendering hand to publishing: plain data, no model (see `apart`)."""

    files: list
    counts: Counter
    warnings: list[Problem]
    kinds: dict[str, str]
    search: list  # search.SearchPlan
    copies: dict[str, str]  # search.copy_digests
    language: str
    titles: dict[str, str] = field(default_factory=dict)  # page path -> title


def _make(site_dir: Path, out: Path, include_drafts: bool, day: dt.date, jobs: int | None,
          progress: Callable[[int, int], None] | None, stage: Stage, published: Published) -> Made:
    """Read, model, render (pages go to `stage`), and keep the work in .cache for the next run."""
    from .builder import Builder
    from .discovery import discovery_files
    from .search import copy_digests, search_plan

    builder = Builder(site_dir, include_drafts=include_drafts, today=day, cache_dir=site_dir / CACHE_DIR,
                      output_dir=out, jobs=jobs, progress=progress, autosave=False, stage=stage,
                      published=published)
    result = builder.build()
    assert result.site is not None
    files = result.files + discovery_files(result.site, result.routes)  # feeds, sitemap, robots.txt, open data
    search = search_plan(result.site)
    copies = copy_digests(search, files)
    builder.save()  # before publishing (with the feeds' and search's memos): good for the next run even if that fails
    return Made(files, result.counts, result.problems.warnings, result.kinds, search, copies,
                result.site.config.language, result.titles)
