"""A Builder keeps what one build can hand to the next: parsed files, rendered
Markdown, compiled templates and rendered pages with the fingerprint of their inputs.

Each build still makes the whole Site model afresh from Documents (cheap); the
expensive steps are skipped where their inputs are unchanged: a file is parsed
again only if its size or mtime changed (and then only if its bytes did),
Markdown is converted again only for a new body, and a page is rendered again
only if the fingerprint of everything it shows (its entries and the entries they
reference, its template chain, the config, the navigation) changed. Output is
byte-identical to a clean build.

With a `cache_dir` (the pipeline passes the site's .cache/) the same work is kept
between runs (cache.py), and with an `output_dir` a page whose fingerprint is
unchanged is taken from the published output (verified by the writer's manifest)
instead of being rendered or held in memory. Markdown for many new bodies and
many pages to render are spread over the cores (parallel.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from jinja2 import meta

from .. import __version__
from ..errors import BuildFailed, Problems
from ..memo import MEMOS
from ..model.markdown import MarkdownRenderer, Rendered
from ..model.models import Entry, Site
from ..model.site import BuildInput, build_site, update_bodies
from ..model.urls import PINYIN_MEMO, media_path
from ..pages.linkcheck import check_written_links
from ..pages.render import OutputFile, make_environment, render_route, render_context
from ..pages.route import Route
from ..pages.routes import check_collisions, plan
from ..read.config import load_config
from ..read.content import Parsed, check_media, discover, discover_assets, read_documents, read_parsed
from . import minify, parallel
from .cache import CACHE_DIR, generator_key
from .images import prepare_media
from .inputs import PROJECT_DIR, china_today
from .persist import Tracked, WorkCache
from .writer import Published, file_digest

POOL_MIN = 64  # fewer bodies or pages than this: not worth starting processes


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The site's own folder first, then the generator's: overrides by file name."""
    unique: list[Path] = []
    for d in (site_dir / name, PROJECT_DIR / name):
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def _hash(*parts: Any) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else
                 part.encode("utf-8", "surrogatepass") if isinstance(part, str) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _static_file(at: str, rel: str, path: Path, digest: str) -> OutputFile:
    """A file of static/ or media/ to publish: a copy, or a stylesheet's minified bytes (minify.py)."""
    data = minify.published(rel, path)
    if data is None:
        return OutputFile(at, source=path, digest=digest)
    return OutputFile(at, data=data, digest=file_digest(data))


def _entry_print(e: Entry, digests: dict[str, str]) -> str:
    """What a page shows of an entry: its file's bytes, its URL, whether it is out, its HTML,
    and what other files decide of it (a person's namesake, the sizes of their photo)."""
    return _hash(digests.get(e.source), e.url, e.published, e.html, getattr(e, "namesake", False),
                 getattr(e, "picture", None))


def _page_print(common: str, chain: str, route: Route, entry_prints: list[str], shape: str) -> str:
    """Everything one page is made from (a full build and an update in place must agree on it)."""
    return _hash(common, chain, route.url, route.title, route.crumbs, route.template,
                 sorted(entry_prints), len(entry_prints), shape)


@dataclass
class BuildOutput:
    """The result of one build: every file, and what was rendered or reused."""

    files: list[OutputFile]
    counts: Counter
    problems: Problems
    rendered: int = 0
    reused: int = 0
    site: Site | None = None
    kinds: dict[str, str] = field(default_factory=dict)  # page path -> content folder, or "lists"
    routes: list[Route] = field(default_factory=list)  # every page, as planned (discovery_files reuses them)
    parts: dict[str, Any] = field(default_factory=dict)  # what update.BuildState is made of (pipeline builds)
    titles: dict[str, str] = field(default_factory=dict)  # page path -> its title (the build's list of changes)


@dataclass
class _Kept:
    """What the last good build leaves for updating it in place (Builder._update); memory only."""

    output: BuildOutput
    routes: list[Route]
    sources: dict[str, frozenset[str]]  # page path -> content files it shows
    prints: dict[str, str]  # content file -> fingerprint of its entry
    digests: dict[str, str]
    index: dict[str, tuple[str, str, Path]]  # absolute path -> (folder, rel, path) of each content file
    base: dict[str, Any]
    common: str
    chains: dict[str, str]
    today: dt.date


@dataclass
class Builder:
    """Builds one site folder, again and again, reusing unchanged work."""

    site_dir: Path
    include_drafts: bool = False
    today: dt.date | None = None
    cache_dir: Path | None = None  # keep work between runs here (the site's .cache/); None: in memory only
    output_dir: Path | None = None  # the published output: unchanged pages are taken from it
    jobs: int | None = None  # processes for Markdown and pages: None, one per core; 1, this one only
    _parsed: dict[str, Parsed] = field(default_factory=dict)
    _markdown: dict[str, Rendered] = field(default_factory=dict)
    _pages: dict[str, tuple[str, OutputFile]] = field(default_factory=dict)  # path -> (fingerprint, file)
    _assets: dict[str, tuple[tuple[int, int], str, str]] = field(default_factory=dict)
    _chains: dict[str, tuple[tuple, str, frozenset[str]]] = field(default_factory=dict)
    _env: jinja2.Environment | None = None
    _renderer: MarkdownRenderer | None = None
    progress: Callable[[int, int], None] | None = None  # (pages done, pages in all): the CLI's bar
    _scans: dict[str, tuple[frozenset[str], Any, list]] = field(default_factory=dict)  # listings kept
    _model: dict[str, Any] = field(default_factory=Tracked)  # per-document model work (site.py)
    autosave: bool = True  # write the cache at the end of build(); the pipeline calls save() itself
    stage: Any = None  # writer.Stage: rendered pages go to files there at once (the pipeline's, for big sites)
    published: Published | None = None  # the pipeline's one look at output_dir (else the Builder looks)
    _work: WorkCache | None = None
    _index: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (fingerprint, digest): last run
    _fresh: dict[str, tuple[str, str]] = field(default_factory=dict)  # the same, of this run
    _used: set[str] = field(default_factory=set)  # Markdown cache keys this build used
    _body_keys: dict[str, str] = field(default_factory=dict)  # content file -> Markdown cache key of its body
    _kept: _Kept | None = None  # for the preview server's updates in place

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
        jobs = self._jobs()
        if len(todo) < POOL_MIN or jobs < 2:
            return
        keys = list(todo)
        import markdown  # noqa: F401  (loaded once here, not once per worker)
        import pypinyin  # noqa: F401  (heading ids; the model needs it too)
        results = parallel.run(_convert_chunk, parallel.chunked([todo[k] for k in keys], jobs), jobs)
        if results is None:
            return
        done = 0
        for rendered, slugs in results:
            for item in rendered:
                self._markdown[keys[done]] = item
                done += 1
            PINYIN_MEMO["slug"].update(slugs)

    def _jobs(self) -> int:
        return max(1, self.jobs if self.jobs is not None else parallel.cores())

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

    def _template_chain(self, env: jinja2.Environment, name: str) -> str:
        """Fingerprint of a template and every template it extends, includes or imports."""
        seen: set[str] = set()
        parts: list[str] = []
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source, filename, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
            st = Path(filename).stat() if filename else None
            key = (filename, st.st_mtime_ns if st else 0, st.st_size if st else 0)
            hit = self._chains.get(current)
            if hit is None or hit[0] != key:
                refs = frozenset(r for r in meta.find_referenced_templates(env.parse(source)) if r)
                hit = self._chains[current] = (key, _hash(source), refs)
            parts.append(current + hit[1])
            todo.extend(sorted(hit[2]))
        return _hash(*sorted(parts))

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
        return "pages-" + _hash(str(self.output_dir.resolve()), self.include_drafts)[:16]

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

    # -- the build ----------------------------------------------------------
    def build(self, changed: Iterable[Path] | None = None) -> BuildOutput:
        """Everything up to the bytes of every file; raises BuildFailed on content errors.

        `changed` (the preview server's watcher): the absolute paths changed since the last
        build. Folders are then listed again only when a file was added, removed or renamed
        in them; without it every folder is listed (and unchanged files still not re-read).
        """
        self._load()
        self._used = set()
        self._fresh = {}
        for memo in MEMOS.values():
            memo.rotate()
        problems = Problems()
        config, config_problems = load_config(self.site_dir)
        problems.extend(config_problems)
        base_dir = Path(os.path.abspath(self.site_dir))
        hints = None if changed is None or base_dir != self.site_dir.resolve() else \
            {Path(os.path.abspath(p)) for p in changed}
        kept, self._kept = self._kept, None
        if hints and kept is not None:
            try:
                updated = self._update(kept, hints, base_dir / "content")
            except BuildFailed:
                raise
            except Exception as exc:  # anything unexpected: the full build below decides, and says so
                print(f"（就地更新没有成功，改为完整重建：{type(exc).__name__}: {exc}）", file=sys.stderr)
                updated = None
            if updated is not None:
                return updated
        found = self._listing("content", [base_dir / "content"], hints, problems, self._scan_content)
        documents = read_documents(self.site_dir, problems, self._parsed, found=found)
        static: dict[str, Path] = self._listing(
            "assets", [base_dir / "static", PROJECT_DIR / "static", base_dir / "media"], hints, problems,
            self._scan_assets)
        check_media(static, problems)
        if config is None:
            raise BuildFailed(problems)
        self._prefetch(documents)
        media = frozenset(p for p in static if p.startswith("media/"))
        media_at = _media_paths(media, problems)  # editor's path -> ASCII path it is published at
        made = prepare_media({rel: static[rel] for rel in media}, media_at,  # images sized, attachments typed
                             lambda rel: self._asset(rel, static[rel])[1], self.cache_dir or self.site_dir / CACHE_DIR,
                             problems, self._jobs())
        site = build_site(BuildInput(config, documents, self.today or china_today(), media,
                                     self.include_drafts, markdown=self.convert, memo=self._model,
                                     content_files=frozenset(rel for _, rel, _ in found), media_files=made.records),
                          problems)
        routes = plan(site)
        check_collisions(routes, problems)
        check_written_links(site, routes, {r.path for r in routes} | {media_at.get(r, r) for r in static}, problems,
                            theme_dirs(self.site_dir, "templates"), lambda: _discovery_paths(site, routes))
        if problems:
            raise BuildFailed(problems)
        versions = {rel: self._asset(rel, path) for rel, path in static.items()}
        assets = {rel: f"{rel}?v={v[0]}" for rel, v in versions.items() if rel.startswith("static/")}
        env = self._environment()
        base = render_context(site, assets)
        digests = {doc.path: doc.digest for doc in documents}
        common = _hash(__version__, config, base["nav"], assets, self.include_drafts)
        entry_prints: dict[int, str] = {}

        def entry_print(e: Entry) -> str:
            hit = entry_prints.get(id(e))
            if hit is None:
                hit = entry_prints[id(e)] = _entry_print(e, digests)
            return hit

        published = {}
        if self.output_dir is not None and self._index:
            published = (self.published or Published.look(self.output_dir)).files()
        slots: list[OutputFile | None] = [None] * len(routes)
        prints: list[str] = [""] * len(routes)
        todo: list[int] = []
        reused = 0
        chains: dict[str, str] = {}  # each template's chain is looked at once per build
        sources: dict[str, frozenset[str]] = {}
        for number, route in enumerate(routes):
            try:
                chain = chains.get(route.template) or chains.setdefault(
                    route.template, self._template_chain(env, route.template))
            except jinja2.TemplateError as exc:
                problems.error(f"templates/{route.template}", f"模板有误：{exc}", fix="检查模板文件名和语法。")
                break
            deps, shape = route_inputs(route)
            if route.url == "":
                deps = site_entries(site)  # the home page's counts: every entry
            sources[route.path] = frozenset(e.source for e in deps)
            print_ = prints[number] = _page_print(common, chain, route, [entry_print(e) for e in deps], shape)
            old = self._pages.get(route.path)
            if old is not None and old[0] == print_:
                slots[number] = old[1]
            else:
                last = self._index.get(route.path)
                there = published.get(route.path)
                if last is not None and there is not None and last[0] == print_ and there[0] == last[1]:
                    slots[number] = OutputFile(route.path, source=there[1], digest=there[0])
            if slots[number] is None:
                todo.append(number)
            else:
                reused += 1
                if self.progress is not None:
                    self.progress(reused, len(routes))
        if problems:
            raise BuildFailed(problems)
        for number, data, found in self._render(env, routes, base, todo, reused):
            problems.items.extend(found)
            if isinstance(data, tuple):
                slots[number] = OutputFile(routes[number].path, source=data[0], digest=data[1])
            elif data is not None:
                slots[number] = OutputFile(routes[number].path, data, digest=file_digest(data))
        if problems:
            raise BuildFailed(problems)
        pages = [f for f in slots if f is not None]
        keep_bytes = self.output_dir is None  # with an output, next run reads unchanged pages from there
        self._pages = {f.path: (prints[i], f) for i, f in enumerate(slots) if f is not None} if keep_bytes else {}
        self._fresh = {r.path: (prints[i], slots[i].digest) for i, r in enumerate(routes)}  # type: ignore[union-attr]
        if self.autosave:
            self.save()
        files = pages + [_static_file(media_at.get(rel, rel), rel, path, versions[rel][1])
                         for rel, path in sorted(static.items()) if rel not in made.handled] + made.files
        kinds = {r.path: r.entry.folder if r.entry else "lists" for r in routes}
        counts = Counter(kinds.values())
        output = BuildOutput(files, counts, problems, len(todo), reused, site, kinds, routes,
                             titles={r.path: r.title for r in routes})
        if self.output_dir is not None:  # what the next run needs to update this build in place
            output.parts = {"sources": sources, "prints": prints, "common": common, "chains": chains,
                            "assets": assets, "asset_files": files[len(pages):], "digests": digests,
                            "media": media, "content_files": frozenset(rel for _, rel, _ in found),
                            "documents": documents}
        if keep_bytes:
            listing = self._scans["content"][1]
            self._kept = _Kept(output, routes, sources, {e.source: entry_print(e) for e in site_entries(site)},
                               digests, {os.path.abspath(item[2]): item for item in listing}, base, common, chains,
                               self.today or china_today())
        return output

    def _update(self, kept: _Kept, hints: set[Path], content: Path) -> BuildOutput | None:
        """Only the bodies of known content files changed: update the kept model in place and
        render again the pages that show them. None for any other change (a full build then)."""
        if (self.today or china_today()) != kept.today:
            return None
        docs = []
        for path in hints:
            item = kept.index.get(str(path))
            if item is None or content not in path.parents:
                return None
            parsed = read_parsed(*item)
            doc = parsed.document
            if doc is None or parsed.problems:
                return None
            doc.digest = parsed.digest  # as read_documents
            docs.append((parsed, doc))
        problems = Problems(list(kept.output.problems.items))
        updated = update_bodies(self._model, [doc for _, doc in docs], problems)
        if updated is None:
            return None
        for parsed, doc in docs:
            self._parsed[doc.path] = parsed
            kept.digests[doc.path] = doc.digest
        model = kept.output.site
        check_written_links(model, kept.routes, {f.path for f in kept.output.files}, problems,
                            theme_dirs(self.site_dir, "templates"), lambda: _discovery_paths(model, kept.routes))
        if problems:
            raise BuildFailed(problems)
        changed = {e.source for e in updated}
        for e in updated:
            kept.prints[e.source] = _entry_print(e, kept.digests)
        site, env = kept.output.site, self._environment()
        assert site is not None
        fresh: dict[str, OutputFile] = {}
        for route in kept.routes:
            if not kept.sources[route.path] & changed:
                continue
            deps, shape = route_inputs(route)
            if route.url == "":
                deps = site_entries(site)
            print_ = _page_print(kept.common, kept.chains[route.template], route,
                                 [kept.prints[e.source] for e in deps], shape)
            if self._pages[route.path][0] != print_:
                data = render_route(env, route, kept.base, problems)
                if data is None:
                    raise BuildFailed(problems)
                fresh[route.path] = OutputFile(route.path, data, digest=file_digest(data))
                self._pages[route.path] = (print_, fresh[route.path])
        old = kept.output
        files = [fresh.get(f.path, f) for f in old.files]
        output = BuildOutput(files, old.counts, problems, len(fresh), len(kept.routes) - len(fresh), site, old.kinds,
                             titles=old.titles)
        kept.output = output
        self._kept = kept
        return output

    def _render(self, env: jinja2.Environment, routes: list[Route], base: dict[str, Any],
                todo: list[int], done: int) -> Iterable[tuple[int, bytes | tuple[Path, str] | None, list]]:
        """(route number, bytes or staged file, problems) for every route in `todo`: over the cores when many."""
        total = len(routes)

        stage = self.stage

        def chunk(numbers: list[int]) -> list[tuple[int, bytes | tuple[Path, str] | None, list]]:
            out: list[tuple[int, bytes | tuple[Path, str] | None, list]] = []
            for number in numbers:
                local = Problems()
                data = render_route(env, routes[number], base, local)
                if data is not None and stage is not None:  # to a file at once: no page kept in memory
                    out.append((number, stage.put(routes[number].path, data), local.items))
                else:
                    out.append((number, data, local.items))
            return out

        jobs = self._jobs()
        results = None
        if len(todo) >= POOL_MIN and jobs > 1:
            for name in {routes[n].template for n in todo}:  # compiled once, here, before the fork
                try:
                    env.get_template(name)
                except jinja2.TemplateError:
                    pass  # render_route reports it
            results = parallel.run(chunk, parallel.chunked(todo, jobs), jobs)
        if results is None:
            results = _serial(chunk, todo)
        for part in results:
            for item in part:
                done += 1
                if self.progress is not None:
                    self.progress(done, total)
                yield item
                if item[1] is None:
                    return


def _media_paths(media: frozenset[str], problems: Problems) -> dict[str, str]:
    """Where each media file is published (urls.media_path); two files on one path is an error."""
    published: dict[str, str] = {}
    taken: dict[str, str] = {}
    for rel in sorted(media):
        path = published[rel] = media_path(rel)
        other = taken.setdefault(path, rel)
        if other != rel:
            problems.error(rel, f"与 {other} 发布后是同一个地址 /{path}（网址中的中文写成拼音）。",
                           fix="改其中一个文件的文件名。")
    return published


def _discovery_paths(site: Site, routes: list[Route]) -> list[str]:
    """The feeds, sitemap and open-data files a site publishes (asked for only when a link misses a page)."""
    from ..outputs.discovery import discovery_files
    return [f.path for f in discovery_files(site, routes)]


def _serial(chunk: Callable[[list[int]], list], todo: list[int]) -> Iterable[list]:
    for number in todo:
        yield chunk([number])


_WORKER_RENDERER: list[MarkdownRenderer] = []  # one per worker process, made on its first chunk


def _convert_chunk(bodies: list[str]) -> tuple[list[Rendered], dict[str, str]]:
    """In a worker: render bodies; also hand back the heading slugs it had to compute."""
    if not _WORKER_RENDERER:
        _WORKER_RENDERER.append(MarkdownRenderer())
    renderer = _WORKER_RENDERER[0]
    memo = PINYIN_MEMO["slug"]
    known = len(memo)
    rendered = [renderer.convert(body) for body in bodies]
    return rendered, dict(list(memo.items())[known:])


def jinja_environment(site_dir: Path, cache_dir: Path | None) -> jinja2.Environment:
    """The site's Jinja environment, its compiled templates kept in cache_dir between runs."""
    bytecode = None
    if cache_dir is not None:
        folder = cache_dir / f"jinja-{generator_key()[:12]}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob("jinja-*"):
                if old != folder:
                    _remove_tree(old)
            bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:
            bytecode = None
    return make_environment(theme_dirs(site_dir, "templates"), bytecode)


def _remove_tree(path: Path) -> None:
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def site_entries(site: Site) -> list[Entry]:
    """Every entry of the site: what the home page (with its counts) depends on."""
    return [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages, *site.suggestions,
            *site.resolutions, *site.appointments, *site.notices]


def route_inputs(route: Route) -> tuple[list[Entry], str]:
    """The entries a page shows (and the ones those reference: speaker, session, people), and a
    digest of everything else in its context: page numbers, counts, links to other pages.

    Entries count by identity (their content is in their own fingerprint); every other value by
    its repr, so that a list growing a page, or a session's index moving a group to another
    page, renders again the pages whose numbers or links changed though their entries did not.
    """
    found: dict[int, Entry] = {}
    shape = hashlib.sha1()

    def add(entry: Entry) -> None:
        if id(entry) in found:
            return
        found[id(entry)] = entry
        for name in ("session", "speaker"):
            ref = getattr(entry, name, None)
            if isinstance(ref, Entry):
                found.setdefault(id(ref), ref)
        for ref in [*(getattr(entry, "people", ()) or ()), *(getattr(entry, "deputies", ()) or ())]:
            found.setdefault(id(ref), ref)

    def walk(value: Any, depth: int) -> None:
        if isinstance(value, Entry):
            add(value)
            shape.update(b"\x01" + value.source.encode("utf-8", "surrogatepass"))
        elif depth > 10:
            return
        elif isinstance(value, dict):
            shape.update(b"{%d" % len(value))
            for key, item in value.items():
                shape.update(repr(key).encode("utf-8", "surrogatepass"))
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple)):
            shape.update(b"[%d" % len(value))
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, (set, frozenset)):  # no stable order across processes: sorted
            shape.update(repr(sorted(map(repr, value))).encode("utf-8", "surrogatepass"))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            shape.update(type(value).__name__.encode())
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), depth + 1)
        else:
            shape.update(b"\x02" + repr(value).encode("utf-8", "surrogatepass"))

    if route.entry is not None:
        add(route.entry)
    walk(route.context, 0)
    return list(found.values()), shape.hexdigest()
