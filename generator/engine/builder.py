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
between runs (work.py, cache.py), and with an `output_dir` a page whose fingerprint is
unchanged is taken from the published output (verified by the writer's manifest)
instead of being rendered or held in memory. Markdown for many new bodies and
many pages to render are spread over the cores (rendering.py). Whether a page can be
taken as it is, is decided in reuse.py.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2

from .. import __version__
from ..errors import BuildFailed, Problems
from ..memo import MEMOS
from ..model.entries import BuildInput
from ..model.markdown import MarkdownRenderer, Rendered
from ..model.models import Entry, Site
from ..model.site import build_site, update_bodies
from ..model.urls import media_path
from ..pages.linkcheck import check_written_links
from ..pages.render import OutputFile, render_context, render_route
from ..pages.route import Route
from ..pages.routes import check_collisions, plan
from ..read.config import SiteConfig, load_config
from ..read.content import Parsed, check_media, read_documents, read_parsed
from . import minify
from .cache import CACHE_DIR
from .images import MediaOutput, prepare_media
from .inputs import PROJECT_DIR, china_today, theme_dirs
from .manifest import Published, file_digest
from .persist import Tracked, WorkCache
from .rendering import render_pages
from .reuse import digest, entry_print, match, page_print, route_inputs, template_chain
from .work import KeptWork


def _static_file(at: str, rel: str, path: Path, digest: str) -> OutputFile:
    """A file of static/ or media/ to publish: a copy, or a stylesheet's minified bytes (minify.py)."""
    data = minify.published(rel, path)
    if data is None:
        return OutputFile(at, source=path, digest=digest)
    return OutputFile(at, data=data, digest=file_digest(data))


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

    def render_again(self, changed: set[str], env: jinja2.Environment, pages: dict[str, tuple[str, OutputFile]],
                     problems: Problems) -> dict[str, OutputFile]:
        """The pages that show the entries of `changed` files and whose fingerprint changed, rendered
        again (and kept in `pages`)."""
        site = self.output.site
        fresh: dict[str, OutputFile] = {}
        for route in self.routes:
            if not self.sources[route.path] & changed:
                continue
            deps, shape = route_inputs(route)
            if route.url == "":
                deps = site.entries()  # type: ignore[arg-type]
            print_ = page_print(self.common, self.chains[route.template], route,
                                [self.prints[e.source] for e in deps], shape)
            if pages[route.path][0] != print_:
                data = render_route(env, route, self.base, problems)
                if data is None:
                    raise BuildFailed(problems)
                fresh[route.path] = OutputFile(route.path, data, digest=file_digest(data))
                pages[route.path] = (print_, fresh[route.path])
        return fresh


@dataclass
class _Read:
    """What a build read of the site folder, and the media it made (images sized, attachments typed)."""

    config: SiteConfig
    found: list  # (folder, site-relative path, absolute path) of every content file
    documents: list
    static: dict[str, Path]  # site-relative path -> file, of static/ and media/
    media: frozenset[str] = frozenset()
    media_at: dict[str, str] = field(default_factory=dict)  # editor's path -> ASCII path it is published at
    made: MediaOutput | None = None


@dataclass
class Builder(KeptWork):
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
            updated = self._try_update(kept, hints, base_dir / "content")
            if updated is not None:
                return updated
        read = self._read(config, base_dir, hints, problems)
        site = build_site(BuildInput(read.config, read.documents, self.today or china_today(), read.media,
                                     self.include_drafts, markdown=self.convert, memo=self._model,
                                     content_files=frozenset(rel for _, rel, _ in read.found),
                                     media_files=read.made.records), problems)
        routes = plan(site)
        check_collisions(routes, problems)
        check_written_links(site, routes, {r.path for r in routes} | {read.media_at.get(r, r) for r in read.static},
                            problems, theme_dirs(self.site_dir, "templates"), lambda: _discovery_paths(site, routes))
        if problems:
            raise BuildFailed(problems)
        return self._render_site(read, site, routes, problems)

    def _read(self, config: SiteConfig | None, base_dir: Path, hints: set[Path] | None, problems: Problems) -> _Read:
        """The content files and the static and media files, listed and read (unchanged ones from memory)."""
        found = self._listing("content", [base_dir / "content"], hints, problems, self._scan_content)
        documents = read_documents(self.site_dir, problems, self._parsed, found=found)
        static: dict[str, Path] = self._listing(
            "assets", [base_dir / "static", PROJECT_DIR / "static", base_dir / "media"], hints, problems,
            self._scan_assets)
        check_media(static, problems)
        if config is None:
            raise BuildFailed(problems)
        self._prefetch(documents)
        read = _Read(config, found, documents, static, frozenset(p for p in static if p.startswith("media/")))
        read.media_at = _media_paths(read.media, problems)
        read.made = prepare_media({rel: static[rel] for rel in read.media}, read.media_at,
                                  lambda rel: self._asset(rel, static[rel])[1], self.cache_dir or self.site_dir / CACHE_DIR,
                                  problems, self.workers)
        return read

    def _render_site(self, read: _Read, site: Site, routes: list[Route], problems: Problems) -> BuildOutput:
        """Every page, taken as it is where its fingerprint is unchanged, else rendered; and the files."""
        versions = {rel: self._asset(rel, path) for rel, path in read.static.items()}
        assets = {rel: f"{rel}?v={v[0]}" for rel, v in versions.items() if rel.startswith("static/")}
        env = self._environment()
        base = render_context(site, assets)
        digests = {doc.path: doc.digest for doc in read.documents}
        common = digest(__version__, read.config, base["nav"], assets, self.include_drafts)
        entry_prints: dict[int, str] = {}

        def print_of(e: Entry) -> str:
            hit = entry_prints.get(id(e))
            if hit is None:
                hit = entry_prints[id(e)] = entry_print(e, digests)
            return hit

        published = {}
        if self.output_dir is not None and self._index:
            published = (self.published or Published.look(self.output_dir)).files()
        found = match(routes, site, lambda name: template_chain(env, name, self._chains), print_of, common,
                      self._pages, self._index, published, problems, self.progress)
        if problems:
            raise BuildFailed(problems)
        slots = found.slots
        for number, data, said in render_pages(env, routes, base, found.todo, found.reused, self.stage, self.workers,
                                               self.progress):
            problems.items.extend(said)
            if isinstance(data, tuple):
                slots[number] = OutputFile(routes[number].path, source=data[0], digest=data[1])
            elif data is not None:
                slots[number] = OutputFile(routes[number].path, data, digest=file_digest(data))
        if problems:
            raise BuildFailed(problems)
        pages = [f for f in slots if f is not None]
        keep_bytes = self.output_dir is None  # with an output, next run reads unchanged pages from there
        prints = found.prints
        self._pages = {f.path: (prints[i], f) for i, f in enumerate(slots) if f is not None} if keep_bytes else {}
        self._fresh = {r.path: (prints[i], slots[i].digest) for i, r in enumerate(routes)}  # type: ignore[union-attr]
        if self.autosave:
            self.save()
        files = pages + [_static_file(read.media_at.get(rel, rel), rel, path, versions[rel][1])
                         for rel, path in sorted(read.static.items()) if rel not in read.made.handled] + read.made.files
        kinds = {r.path: r.entry.folder if r.entry else "lists" for r in routes}
        output = BuildOutput(files, Counter(kinds.values()), problems, len(found.todo), found.reused, site, kinds,
                             routes, titles={r.path: r.title for r in routes})
        if self.output_dir is not None:  # what the next run needs to update this build in place
            output.parts = {"sources": found.sources, "prints": prints, "common": common, "chains": found.chains,
                            "assets": assets, "asset_files": files[len(pages):], "digests": digests,
                            "media": read.media, "content_files": frozenset(rel for _, rel, _ in read.found),
                            "documents": read.documents}
        if keep_bytes:
            listing = self._scans["content"][1]
            self._kept = _Kept(output, routes, found.sources, {e.source: print_of(e) for e in site.entries()},
                               digests, {os.path.abspath(item[2]): item for item in listing}, base, common,
                               found.chains, self.today or china_today())
        return output

    def _try_update(self, kept: _Kept, hints: set[Path], content: Path) -> BuildOutput | None:
        """The preview's update in place, or None for a full build (which says why, if it failed)."""
        try:
            return self._update(kept, hints, content)
        except BuildFailed:
            raise
        except Exception as exc:  # anything unexpected: the full build below decides, and says so
            print(f"（就地更新没有成功，改为完整重建：{type(exc).__name__}: {exc}）", file=sys.stderr)
            return None

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
            kept.prints[e.source] = entry_print(e, kept.digests)
        site, env = kept.output.site, self._environment()
        assert site is not None
        fresh = kept.render_again(changed, env, self._pages, problems)
        old = kept.output
        files = [fresh.get(f.path, f) for f in old.files]
        output = BuildOutput(files, old.counts, problems, len(fresh), len(kept.routes) - len(fresh), site, old.kinds,
                             titles=old.titles)
        kept.output = output
        self._kept = kept
        return output


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
