"""A Builder keeps what one build can hand to the next: parsed files, rendered
Markdown, compiled templates and rendered pages with the fingerprint of their inputs.

Each build still makes the whole Site model afresh from Documents (cheap); the
expensive steps are skipped where their inputs are unchanged: a file is parsed
again only if its size or mtime changed, Markdown is converted again only for a
new body, and a page is rendered again only if the fingerprint of everything it
shows (its entries and the entries they reference, its template chain, the
config, the navigation) changed. Output is byte-identical to a clean build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jinja2
from jinja2 import meta

from . import __version__
from .config import load_config
from .content import Parsed, discover_assets, read_documents
from .errors import BuildFailed, Problems
from .markdown import MarkdownRenderer, Rendered
from .models import Entry, Site
from .render import OutputFile, make_environment, render_route, render_context
from .routes import Route, check_collisions, plan
from .site import BuildInput, build_site

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHINA = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991


def china_today() -> dt.date:
    """The build day in China time: what decides whether a dated item is out yet."""
    return dt.datetime.now(CHINA).date()


def theme_dirs(site_dir: Path, name: str) -> list[Path]:
    """The site's own folder first, then the generator's: overrides by file name."""
    unique: list[Path] = []
    for d in (site_dir / name, PROJECT_DIR / name):
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def _hash(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass
class BuildOutput:
    """The result of one build: every file, and what was rendered or reused."""

    files: list[OutputFile]
    counts: Counter
    problems: Problems
    rendered: int = 0
    reused: int = 0
    site: Site | None = None


@dataclass
class Builder:
    """Builds one site folder, again and again, reusing unchanged work."""

    site_dir: Path
    include_drafts: bool = False
    today: dt.date | None = None
    _parsed: dict[str, Parsed] = field(default_factory=dict)
    _markdown: dict[str, Rendered] = field(default_factory=dict)
    _pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (fingerprint, bytes)
    _assets: dict[str, tuple[tuple[int, int], str]] = field(default_factory=dict)
    _chains: dict[str, tuple[tuple, str, frozenset[str]]] = field(default_factory=dict)
    _env: jinja2.Environment | None = None
    _renderer: MarkdownRenderer = field(default_factory=MarkdownRenderer)

    # -- caches -------------------------------------------------------------
    def convert(self, body: str) -> Rendered:
        """Markdown with a cache keyed by the body's hash."""
        key = hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()
        hit = self._markdown.get(key)
        if hit is None:
            hit = self._markdown[key] = self._renderer.convert(body)
        return hit

    def _asset_version(self, rel: str, path: Path) -> str:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        hit = self._assets.get(rel)
        if hit is None or hit[0] != key:
            hit = self._assets[rel] = (key, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
        return hit[1]

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

    # -- the build ----------------------------------------------------------
    def build(self) -> BuildOutput:
        """Everything up to the bytes of every file; raises BuildFailed on content errors."""
        problems = Problems()
        config, config_problems = load_config(self.site_dir)
        problems.extend(config_problems)
        documents = read_documents(self.site_dir, problems, self._parsed)
        static: dict[str, Path] = {}
        for d in reversed(theme_dirs(self.site_dir, "static")):
            static.update(discover_assets(d.parent, d.name, problems))
        static.update(discover_assets(self.site_dir, "media", problems))
        if config is None:
            raise BuildFailed(problems)
        media = frozenset(p for p in static if p.startswith("media/"))
        site = build_site(BuildInput(config, documents, self.today or china_today(), media,
                                     self.include_drafts, markdown=self.convert), problems)
        routes = plan(site)
        check_collisions(routes, problems)
        if problems:
            raise BuildFailed(problems)
        assets = {rel: f"{rel}?v={self._asset_version(rel, path)}" for rel, path in static.items()
                  if rel.startswith("static/")}
        if self._env is None:
            self._env = make_environment(theme_dirs(self.site_dir, "templates"))
        env = self._env
        base = render_context(site, assets)
        digests = {doc.path: doc.digest for doc in documents}
        common = _hash(__version__, config, base["nav"], assets, self.include_drafts)
        entry_prints: dict[int, str] = {}

        def entry_print(e: Entry) -> str:
            hit = entry_prints.get(id(e))
            if hit is None:
                hit = entry_prints[id(e)] = _hash(digests.get(e.source), e.url, e.published, e.html)
            return hit

        pages: list[OutputFile] = []
        fresh: dict[str, tuple[str, bytes]] = {}
        rendered = reused = 0
        for route in routes:
            try:
                chain = self._template_chain(env, route.template)
            except jinja2.TemplateError as exc:
                problems.error(f"templates/{route.template}", f"模板有误：{exc}", fix="检查模板文件名和语法。")
                break
            deps = site_entries(site) if route.url == "" else route_entries(route)
            print_ = _hash(common, chain, route.url, route.title, route.crumbs, route.template,
                           sorted(entry_print(e) for e in deps), len(deps))
            old = self._pages.get(route.path)
            if old is not None and old[0] == print_:
                data = old[1]
                reused += 1
            else:
                data = render_route(env, route, base, problems)
                if data is None:
                    break
                rendered += 1
            fresh[route.path] = (print_, data)
            pages.append(OutputFile(route.path, data))
        if problems:
            raise BuildFailed(problems)
        self._pages = fresh
        files = pages + [OutputFile(rel, source=path) for rel, path in sorted(static.items())]
        counts = Counter(r.entry.folder if r.entry else "lists" for r in routes)
        return BuildOutput(files, counts, problems, rendered, reused, site)


def site_entries(site: Site) -> list[Entry]:
    """Every entry of the site: what the home page (with its counts) depends on."""
    return [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages]


def route_entries(route: Route) -> list[Entry]:
    """The entries a page shows, and the ones those reference (speaker, session, people)."""
    found: dict[int, Entry] = {}

    def add(entry: Entry) -> None:
        if id(entry) in found:
            return
        found[id(entry)] = entry
        for name in ("session", "speaker"):
            ref = getattr(entry, name, None)
            if isinstance(ref, Entry):
                found.setdefault(id(ref), ref)
        for ref in getattr(entry, "people", ()) or ():
            found.setdefault(id(ref), ref)

    def walk(value: Any, depth: int) -> None:
        if isinstance(value, Entry):
            add(value)
        elif depth > 10:
            return
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, depth + 1)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), depth + 1)

    if route.entry is not None:
        add(route.entry)
    walk(route.context, 0)
    return list(found.values())


def iter_changed(old: Iterable[OutputFile], new: Iterable[OutputFile]) -> list[str]:
    """Paths whose bytes differ between two builds (for tests and the preview server)."""
    before = {f.path: f.data for f in old}
    return [f.path for f in new if before.get(f.path) != f.data]
