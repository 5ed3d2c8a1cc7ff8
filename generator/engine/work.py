"""What a Builder keeps from one build to the next, in memory and in the site's .cache/.

Parsed files, converted Markdown (keyed by the body's hash), the digests of static and
media files (by size and mtime), the folder listings, each template's chain, the compiled
templates, and the fingerprint and digest of every page of the last build: each is used
again only where its inputs are unchanged. Held on the Builder (builder.py), whose
fields this works on; persist.py and cache.py keep it on disk.
"""

from __future__ import annotations

import gc
import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import jinja2

from ..errors import Problems
from ..model.markdown import MarkdownRenderer, Rendered
from ..model.urls import PINYIN_MEMO
from ..read.content import Parsed, discover, discover_assets
from . import minify, parallel
from .inputs import theme_dirs
from .manifest import file_digest
from .persist import Tracked, WorkCache
from .rendering import convert_bodies, jinja_environment
from .reuse import digest


class KeptWork:
    """The Builder's memory between builds: its caches, and loading and saving them."""

    site_dir: Path
    cache_dir: Path | None
    output_dir: Path | None
    include_drafts: bool
    jobs: int | None
    _parsed: dict[str, Parsed]
    _markdown: dict[str, Rendered]
    _assets: dict[str, tuple[tuple[int, int], str, str]]
    _chains: dict[str, tuple[tuple, str, frozenset[str]]]
    _env: jinja2.Environment | None
    _renderer: MarkdownRenderer | None
    _scans: dict[str, tuple[frozenset[str], Any, list]]
    _model: dict[str, Any]
    _work: WorkCache | None
    _index: dict[str, tuple[str, str]]
    _fresh: dict[str, tuple[str, str]]
    _used: set[str]
    _body_keys: dict[str, str]

    # -- caches -------------------------------------------------------------
    def convert(self, body: str) -> Rendered:
        """Markdown with a cache keyed by the body's hash."""
        key = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        self._used.add(key)
        hit = self._markdown.get(key)
        if hit is None:
            if self._renderer is None:
                self._renderer = MarkdownRenderer()
            hit = self._markdown[key] = self._renderer.convert(body)
        return hit

    def _prefetch(self, documents: list) -> None:
        """Convert many new bodies at once, over the cores (a cold build's biggest step)."""
        todo: dict[str, str] = {}
        self._body_keys = {}
        for doc in documents:
            key = self._body_keys[doc.path] = hashlib.sha1(doc.body.encode("utf-8", "surrogatepass")).hexdigest()
            if key not in self._markdown:
                todo[key] = doc.body
        jobs = self.workers
        if len(todo) < parallel.POOL_MIN or jobs < 2:
            return
        keys = list(todo)
        results = convert_bodies([todo[k] for k in keys], jobs)
        if results is None:
            return
        done = 0
        for rendered, slugs in results:
            for item in rendered:
                self._markdown[keys[done]] = item
                done += 1
            PINYIN_MEMO["slug"].update(slugs)

    @property
    def workers(self) -> int:
        """How many processes a step may use: the jobs asked for, or the machine's cores."""
        return max(1, self.jobs if self.jobs is not None else parallel.cores())

    @property
    def model_memo(self) -> dict[str, Any]:
        """The model's memo (references, listings) as this build left it: kept for the in-place update."""
        return self._model

    def _asset(self, rel: str, path: Path) -> tuple[str, str]:
        """(version for the URL, digest for the writer) of a static or media file, by size and mtime."""
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = self._assets.get(rel)
        if hit is None or hit[0] != key:
            data = minify.published(rel, path)  # version and digest: of the bytes published
            data = path.read_bytes() if data is None else data
            hit = self._assets[rel] = (key, hashlib.sha256(data).hexdigest()[:10], file_digest(data))
        return hit[1], hit[2]

    def _listing(self, name: str, roots: list[Path], changed: set[Path] | None, problems: Problems,
                 scan: Callable[[Problems], tuple[Any, frozenset[str]]]) -> Any:
        """A folder listing, scanned again unless every change under `roots` edits a listed file."""
        hit = self._scans.get(name)
        if hit is not None and changed is not None:
            known, listing, found = hit
            inside = [p for p in changed if any(p == r or r in p.parents for r in roots)]
            if all(str(p) in known and p.is_file() for p in inside):
                problems.items.extend(found)
                return listing
        local = Problems()
        listing, known = scan(local)
        self._scans[name] = (known, listing, local.items)
        problems.extend(local)
        return listing

    def _scan_content(self, problems: Problems) -> tuple[Any, frozenset[str]]:
        found = discover(self.site_dir, problems)
        return found, frozenset(os.path.abspath(a) for _, _, a in found)

    def _scan_assets(self, problems: Problems) -> tuple[Any, frozenset[str]]:
        static: dict[str, Path] = {}
        for d in reversed(theme_dirs(self.site_dir, "static")):
            static.update(discover_assets(d.parent, d.name, problems))
        static.update(discover_assets(self.site_dir, "media", problems))
        return static, frozenset(os.path.abspath(p) for p in static.values())

    # -- the persistent cache -------------------------------------------------
    def _pages_name(self) -> str | None:
        if self.output_dir is None:
            return None
        return "pages-" + digest(str(self.output_dir.resolve()), self.include_drafts)[:16]

    def _load(self) -> None:
        """Take up what earlier runs left in cache_dir (once per Builder)."""
        if self.cache_dir is None or self._work is not None:
            return
        if not isinstance(self._model, Tracked):
            self._model = Tracked(self._model)
        self._work = WorkCache(self.cache_dir)
        self._work.load(self._parsed, self._markdown, self._model, self._assets, self._chains)
        gc.freeze()  # tens of thousands of cached objects: kept out of every later collection
        name = self._pages_name()
        index = self._work.store.load(name) if name else None
        if isinstance(index, dict):
            self._index = index

    def save(self) -> None:
        """Hand this run's work to the next one (cache_dir): only the shards that changed are written."""
        if self._work is None:
            return
        self._work.save(self._parsed, self._markdown, self._used, self._body_keys, self._model,  # type: ignore[arg-type]
                        self._assets, self._chains)
        name = self._pages_name()
        if name and self._fresh and self._fresh != self._index:
            self._work.store.save(name, self._fresh)
        if self._fresh:
            self._index = self._fresh

    def _environment(self) -> jinja2.Environment:
        if self._env is None:
            self._env = jinja_environment(self.site_dir, self.cache_dir)
        return self._env
