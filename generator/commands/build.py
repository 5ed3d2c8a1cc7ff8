"""The build, as a recipe: read -> model -> routes -> render -> write.

Only the first step reads and only the last one writes; everything between
is pure, so each stage is tested without a disk (design: mkdocs build.py).
Three ways through, the cheapest that applies:

- nothing changed (every input's size and mtime as they were for the last good build into
  this output, and the output untouched since): stop after one look (inputs.py). The
  heavy modules (Jinja, Markdown, pinyin) are never imported.
- only the text of some content files changed: update the last build's model in place
  (update.py) and make again only what the edit reaches.
- anything else: the Builder (builder.py) makes the whole model afresh, reusing unchanged
  work kept in the site's .cache/ (cache.py), and renders the pages whose inputs changed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..engine.cache import CACHE_DIR, Store, fingerprint
from ..engine.changes import PageChange, page_changes
from ..engine.inputs import china_today, input_signature, input_stats
from ..engine.manifest import Published, written_token
from ..engine.writer import Stage, check_output_dir, output_lock, write_site
from ..errors import Problem


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
    in_place: bool = False  # made by updating the last build (update.py)
    changes: list[PageChange] = field(default_factory=list)  # pages written or removed, by title


def unchanged_pages(published: Published, kinds: dict[str, str], files: list) -> set[str]:
    """Pages whose bytes the output already holds (before the swap, for the summary line).

    Compared by digest with the writer's manifest, without reading the pages.
    """
    there = published.intact
    return {f.path for f in files if f.path in kinds and f.digest and there.get(f.path) == f.digest}


def record_name(out: Path, include_drafts: bool) -> str:
    """The name in .cache of what the last good build into `out` read and wrote (publish checks it)."""
    return "build-" + fingerprint(str(out.resolve()), include_drafts)[:16]  # --drafts never poisons


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
        name = record_name(out, include_drafts).removeprefix("build-")
        stats = input_stats(site_dir)
        inputs = input_signature(site_dir, include_drafts, day, stats)
        last = store.load("build-" + name)
        published = Published.look(out)  # what every step below is told is published (under the lock)
        if last is not None and last["inputs"] == inputs and last["token"] == published.token():
            return _nothing_to_do(out, last, started)  # inputs and output as the last build left them
        stage = Stage(out)  # rendered pages go to files beside the output at once, not into memory
        try:  # read -> model -> routes -> pages -> feeds, sitemap, open data, search index
            made = _in_place(site_dir, store, name, published, day, stats) if last is not None else None
            if made is None:
                made = _full(site_dir, out, include_drafts, day, jobs, progress, published, stats, stage)
            same = unchanged_pages(published, made.kinds, made.files)  # for the summary line
            changes = page_changes([p for p in made.kinds if p not in same], made.titles, made.kinds,
                                   (published.state or {}).get("out", ()), out)  # before the old pages go
            changed = write_site(out, made.files, published=published)  # write: all or nothing
        finally:
            stage.close()
        token = written_token(out)
        _keep_state(store, name, made, token)
        store.save("build-" + name, {"inputs": inputs, "token": token, "counts": dict(made.counts),
                                     "files": len(made.files), "warnings": made.warnings})
    return BuildResult(out=out, counts=made.counts, files=len(made.files), changed=changed,
                       warnings=made.warnings, seconds=time.perf_counter() - started,
                       written=Counter(k for path, k in made.kinds.items() if path not in same),
                       unchanged=len(same), in_place=made.in_place, changes=changes)


def _nothing_to_do(out: Path, last: dict[str, Any], started: float) -> BuildResult:
    """The result of a build that stopped after one look: what the last one made is still there."""
    return BuildResult(out=out, counts=Counter(last["counts"]), files=last["files"], changed=False,
                       warnings=last["warnings"], seconds=time.perf_counter() - started,
                       unchanged=sum(last["counts"].values()))


def _keep_state(store: Store, name: str, made: "Made", token: str | None) -> None:
    """Leave the model for the next build: whole after a full build, else what changed (update.Delta)."""
    if made.delta is not None:
        made.delta.token = token
        if made.delta.size() * 4 < len(made.state.entries) + len(made.state.search.shards):
            store.save("delta-" + name, made.delta)
            return
    made.state.token = token
    store.save("state-" + name, made.state)
    store.remove("delta-" + name)


@dataclass
class Made:
    """What the model and rendering hand to publishing."""

    files: list
    counts: Counter
    warnings: list[Problem]
    kinds: dict[str, str]
    state: Any = None  # update.BuildState, for the next build
    in_place: bool = False
    delta: Any = None  # update.Delta: what an update in place changed of `state`
    titles: dict[str, str] = field(default_factory=dict)  # page path -> title


def _in_place(site_dir: Path, store: Store, name: str, published: Published, day: dt.date,
              stats: dict[str, Any]) -> Made | None:
    """The last build updated with the edited content files' new text, or None (build it all)."""
    from ..engine.update import NotInPlace, apply, changed_inputs, merge

    state = store.load("state-" + name)
    if state is None:
        return None
    delta = store.load("delta-" + name)
    state_token = state.token  # the build the whole state was saved for
    if delta is not None and delta.base == state.token:
        delta.replay(state)
    else:
        delta = None
    if state.today != day or state.token is None or state.token != published.token():
        return None
    changed = changed_inputs(state, stats)
    if changed is None:
        return None
    from ..engine.rendering import jinja_environment
    from ..model.markdown import MarkdownRenderer

    try:
        updated = apply(state, site_dir, changed, published, MarkdownRenderer(),
                        jinja_environment(site_dir, site_dir / CACHE_DIR))
    except (NotInPlace, OSError):
        return None
    state.stats = updated.delta.stats = stats
    updated.delta.base = delta.base if delta is not None else state_token
    return Made(updated.files, Counter(state.kinds.values()), updated.warnings, state.kinds, state, True,
                merge(delta, updated.delta), {r.path: r.title for r in state.routes})


def _full(site_dir: Path, out: Path, include_drafts: bool, day: dt.date, jobs: int | None,
          progress: Callable[[int, int], None] | None, published: Published, stats: dict[str, Any],
          stage: Stage) -> Made:
    """Read, model, render, and keep the work in .cache for the next run."""
    from ..engine.builder import Builder
    from ..engine.update import capture

    builder = Builder(site_dir, include_drafts=include_drafts, today=day, cache_dir=site_dir / CACHE_DIR,
                      output_dir=out, jobs=jobs, progress=progress, autosave=False, stage=stage,
                      published=published)
    result = builder.build()  # read -> model -> routes -> pages, unchanged work reused
    assert result.site is not None
    search, index = _index(result.site, builder.workers)  # outputs: the search index ...
    files = result.files + _discovery(result) + index  # ... and feeds, sitemap, robots.txt, open data
    builder.save()  # before publishing (with the feeds' memo): good for the next run even if that fails
    state = capture(result, builder.model_memo, stats, day, search)
    return Made(files, result.counts, result.problems.warnings, result.kinds, state, titles=result.titles)


def _discovery(result: Any) -> list:
    from ..outputs.discovery import discovery_files
    return discovery_files(result.site, result.routes)


def _index(site: Any, jobs: int) -> tuple[Any, list]:
    """The search index made afresh, its pages in runs spread over the cores."""
    from ..engine import parallel
    from ..pages.searchdocs import indexed_entries, row_of, search_doc
    from ..outputs.searchindex import build_index

    def mapper(task: Callable, runs: list) -> Any:
        pooled = parallel.run(task, runs, jobs) if len(runs) > 1 else None
        return pooled if pooled is not None else map(task, runs)

    entries = indexed_entries(site)
    chunks = jobs * 3 if len(entries) >= 200 else 1
    return build_index(entries, {e.source: row_of(e) for e in entries}, search_doc, mapper, chunks)


def site_files(result: Any) -> list:
    """Every file a build publishes: its pages and assets, feeds, sitemap, robots.txt, open data
    and the search index (`result`: a builder.BuildOutput)."""
    return result.files + _discovery(result) + _index(result.site, 1)[1]
