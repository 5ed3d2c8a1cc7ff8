"""Updating a published build in place when only the text of some content files changed.

An editor's usual change is a few words in a body. Rebuilding the whole model for it costs
a second on a site of thousands of pages; this path takes the model the last good build left
in .cache (BuildState) and changes only what the edit reaches: the edited entries' HTML,
contents and summary (the model's pass 3, bodies.py, run for them alone), the pages that show them, the
feeds and open data that hold them, and the search index's postings of the terms whose
counts changed. Every other file is the published one, vouched for by the writer's
manifest. The result is byte for byte what a full build makes (tests/test_incremental.py).

Anything else (a front matter edited, a file added, removed or renamed, a template, a
static or media file, site.yaml, another build day) goes the full way (commands/build.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildFailed, Problem, Problems
from ..model.models import Appointment, Entry, Resolution, Site, Suggestion
from ..model.urls import PINYIN_MEMO, SEARCH_INDEX_DIR
from ..outputs.searchindex import IndexState
from ..outputs.searchupdate import index_outputs, update_index
from ..pages.render import OutputFile
from ..pages.route import Route
from ..read.content import parse_document
from .manifest import Published, file_digest


@dataclass
class BuildState:
    """What a good build leaves for updating its output in place: plain data and the model."""

    stats: dict[str, Any]  # every input file (absolute) -> (size, mtime_ns): what changed since
    today: dt.date
    site: Site
    routes: list[Route]
    entries: dict[str, Entry]  # every content file's entry, unpublished ones too (links to them)
    given: dict[str, str]  # the summary each file's front matter gave ("": made from the body)
    fronts: dict[str, str]  # digest of each file's front matter (fields and their lines)
    digests: dict[str, str]  # digest of each file's bytes (page fingerprints use them)
    deps: dict[str, tuple[int, ...]]  # content file -> the routes that show it
    prints: list[str]  # each route's fingerprint
    found: dict[str, list[Problem]]  # the problems each file's body gave
    problems: list[Problem]  # every problem of the build (warnings only: it was good)
    common: str
    chains: dict[str, str]  # template -> fingerprint of it and what it uses
    assets: dict[str, str]  # static file -> its versioned URL
    asset_files: list[OutputFile]
    media: frozenset[str]
    content_files: frozenset[str]
    kinds: dict[str, str]  # page path -> content folder or "lists"
    headings: dict[str, str]  # heading text -> its id (pinyin): an edit seldom needs pypinyin then
    search: IndexState = field(default_factory=IndexState)
    token: str | None = None  # the writer's token for the output this state made (set after writing)


def front_digest(meta: Any, lines: Any, body_line: int) -> str:
    """What decides whether a file's front matter changed (its values and where they are)."""
    return hashlib.sha1(repr((meta, lines, body_line)).encode("utf-8", "surrogatepass")).hexdigest()


def capture(output: Any, model: Any, stats: dict[str, Any], today: dt.date, search: IndexState) -> BuildState:
    """The state of a full build (builder.BuildOutput and the site.py model memo it kept)."""
    from ..model.site import MODEL
    b, _, before, found = model[MODEL]
    parts = output.parts
    deps: dict[str, list[int]] = {}
    for number, route in enumerate(output.routes):
        for source in parts["sources"].get(route.path, ()):
            deps.setdefault(source, []).append(number)
    return BuildState(
        stats=stats, today=today, site=output.site, routes=output.routes, entries=dict(b.entries),
        given={path: values.get("summary", "") for path, values in before.items()},
        fronts={d.path: front_digest(d.meta, d.lines, d.body_line) for d in parts["documents"]},
        digests=dict(parts["digests"]), deps={s: tuple(n) for s, n in deps.items()}, prints=list(parts["prints"]),
        found={path: list(items) for path, items in found.items()},
        problems=[p for p in output.problems.items if p.warning], common=parts["common"],
        chains=dict(parts["chains"]), assets=parts["assets"], asset_files=parts["asset_files"],
        media=parts["media"], content_files=parts["content_files"], kinds=output.kinds, search=search,
        headings={text: PINYIN_MEMO["slug"][text] for e in b.entries.values() for _, _, text in e.toc
                  if text in PINYIN_MEMO["slug"]})


@dataclass
class Updated:
    """The outcome of an update in place: every file of the site, and what changed."""

    files: list[OutputFile]
    rendered: set[str]  # pages rendered again
    warnings: list[Problem]
    delta: "Delta"


@dataclass
class Delta:
    """What updates in place changed since the state was last saved whole: saved instead of it.

    The whole state is about as big as the site's text and takes longer to write than an edit
    takes to apply; this holds only the edited entries, the fingerprints and index shards that
    changed, and the small maps. `replay` brings a loaded state up to date with it.
    """

    base: str | None  # the token of the build whose whole state this continues
    entries: dict[str, tuple] = field(default_factory=dict)  # file -> (html, toc, summary, answer_html, links)
    digests: dict[str, str] = field(default_factory=dict)
    found: dict[str, list[Problem]] = field(default_factory=dict)
    prints: dict[int, str] = field(default_factory=dict)
    shards: dict[int, dict[str, str]] = field(default_factory=dict)
    files: dict[str, str | None] = field(default_factory=dict)  # index file -> digest, None: gone
    index_digests: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    total: int = 0
    token: str | None = None

    def size(self) -> int:
        """How much it holds: past a share of the state, saving the state whole is better."""
        return len(self.entries) + len(self.shards) + len(self.prints) // 8

    def replay(self, state: BuildState) -> None:
        for rel, (html, toc, summary, answer, links) in self.entries.items():
            entry = state.entries[rel]
            entry.html, entry.toc, entry.summary = html, toc, summary
            if isinstance(entry, Suggestion):
                entry.answer_html = answer
            state.site.links[rel] = (entry, links)
        state.digests.update(self.digests)
        state.found.update(self.found)
        for n, mark in self.prints.items():
            state.prints[n] = mark
        index = state.search
        for n, shard in self.shards.items():
            index.shards[n] = shard
        for path, digest in self.files.items():
            if digest is None:
                index.files.pop(path, None)
            else:
                index.files[path] = digest
        index.digests.update(self.index_digests)
        index.total = self.total
        state.problems, state.stats, state.token = self.problems, self.stats, self.token


def changed_inputs(state: BuildState, stats: dict[str, Any]) -> list[str] | None:
    """The content files edited since the state was taken; None for any other kind of change."""
    if stats.keys() != state.stats.keys():
        return None
    changed = [path for path, stat in stats.items() if stat != state.stats[path]]
    site_rel = {path: _content_rel(path, state) for path in changed}
    if any(rel is None for rel in site_rel.values()):
        return None
    return changed


def _content_rel(path: str, state: BuildState) -> str | None:
    """`path` as a content file the state knows (content/…/x.md), else None."""
    marker = os.sep + "content" + os.sep
    at = path.rfind(marker)
    if at < 0 or not path.endswith(".md"):
        return None
    rel = path[at + 1:].replace(os.sep, "/")
    return rel if rel in state.digests else None


class NotInPlace(Exception):
    """This change cannot be made in place: the caller builds the full way."""


def apply(state: BuildState, site_dir: Path, changed: list[str], published: Published,
          renderer: Any, env: Any) -> Updated:
    """Apply body edits of content files to the state and return every file of the new site.

    Raises NotInPlace when a file's front matter changed or it no longer parses cleanly, and
    BuildFailed for errors in the edited bodies (the state is then not to be saved).
    """
    from .inputs import theme_dirs
    from ..pages.linkcheck import check_written_links
    from ..pages.searchdocs import indexed, search_doc
    from ..model.entries import BuildInput
    from ..model.site import SiteBuilder, _excuse_drafts

    PINYIN_MEMO["slug"].update(state.headings)
    docs = _edited(state, changed)
    site = state.site
    old_found = {rel: state.found.get(rel, []) for rel in docs}
    old_docs = {rel: search_doc(state.entries[rel]) for rel in docs if indexed(state.entries[rel])}
    problems = Problems()
    b = SiteBuilder(BuildInput(site.config, [], state.today, state.media, site.drafts_shown,
                               content_files=state.content_files, media_files=site.media_files), problems,
                    topics=site.topics)
    b.entries, b.docs = state.entries, docs
    for rel in sorted(docs):
        entry = state.entries[rel]
        entry.html, entry.toc, entry.summary = "", (), state.given.get(rel, "")
        if isinstance(entry, Suggestion):
            entry.answer_html = ""
        start = len(problems.items)
        b.body(rel, renderer)
        state.found[rel] = _excuse_drafts(problems.items[start:], {rel} if entry.draft and not site.drafts_shown else set())
        state.digests[rel] = docs[rel].digest
    for rel in docs:  # the links of the new bodies that only the whole site can judge (linkcheck.py)
        site.links[rel] = b.links[rel]
    published_paths = set(published.intact)
    check_written_links(site, state.routes, published_paths, problems, theme_dirs(site_dir, "templates"))
    for rel in docs:  # a link problem belongs to its file's body, like the others of pass 3
        state.found[rel] += [p for p in problems.items if p.path == rel and p not in state.found[rel]]
    gone = {p for rel in docs for p in old_found[rel]}
    everything = Problems([p for p in state.problems if p not in gone] + [p for rel in docs for p in state.found[rel]])
    if everything:
        raise BuildFailed(everything)
    state.problems = [p for p in everything.items if p.warning]
    index_files = dict(state.search.files)
    files, rendered, marks = _files(state, docs, old_docs, published, env)
    return Updated(files, rendered, state.problems, _delta(state, docs, index_files, marks))


def _edited(state: BuildState, changed: list[str]) -> dict[str, Any]:
    """The edited content files whose bytes changed, parsed again (rel -> Document); NotInPlace
    when one no longer parses cleanly or its front matter changed."""
    docs = {}
    for path in changed:
        rel = _content_rel(path, state)
        raw = Path(path).read_bytes()
        local = Problems()
        doc = parse_document(rel, rel.split("/")[1], raw, local)  # type: ignore[union-attr]
        if doc is None or local.items or front_digest(doc.meta, doc.lines, doc.body_line) != state.fronts.get(rel):
            raise NotInPlace(rel)
        doc.digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        if doc.digest != state.digests[rel]:
            docs[rel] = doc
    return docs


def _delta(state: BuildState, docs: dict[str, Any], index_files: dict[str, str], marks: set[int]) -> Delta:
    """What this update changed of the state (`index_files`: the index's files before it)."""
    site = state.site
    delta = Delta(None, {rel: (e.html, e.toc, e.summary, getattr(e, "answer_html", ""), site.links[rel][1])
                         for rel in docs for e in [state.entries[rel]]},
                  {rel: state.digests[rel] for rel in docs}, {rel: state.found[rel] for rel in docs},
                  {n: state.prints[n] for n in marks}, problems=state.problems, total=state.search.total)
    after = state.search.files
    delta.files = {p: after.get(p) for p in set(index_files) | set(after) if index_files.get(p) != after.get(p)}
    dirty = {int(p.rsplit("/", 1)[1].split(".")[0]) for p, d in delta.files.items() if d and "/t/" in p}
    delta.shards = {n: state.search.shards[n] for n in dirty}
    delta.index_digests = {rel: state.search.digests[rel] for rel in docs if rel in state.search.digests}
    return delta


def merge(older: Delta | None, newer: Delta) -> Delta:
    """Two updates' deltas as one (the newer wins)."""
    if older is None:
        return newer
    out = Delta(older.base)
    for name in ("entries", "digests", "found", "prints", "shards", "files", "index_digests"):
        setattr(out, name, {**getattr(older, name), **getattr(newer, name)})
    out.problems, out.stats, out.total, out.token = newer.problems, newer.stats, newer.total, newer.token
    return out


def _files(state: BuildState, docs: dict, old_docs: dict, published: Published, env: Any
           ) -> tuple[list[OutputFile], set[str], set[int]]:
    """Every file of the updated site: what the edits reach made again, the rest as published."""
    from .reuse import entry_print, page_print, route_inputs
    from ..outputs.feeds import feed_files, feeds_of
    from ..outputs.opendata import opendata_files
    from ..pages.render import render_context, render_route
    from ..pages.searchdocs import indexed, search_doc

    site, there = state.site, published.files()
    base = render_context(site, state.assets)
    numbers = sorted({n for rel in docs for n in state.deps.get(rel, ())})
    fresh: dict[str, OutputFile] = {}
    rendered: set[str] = set()
    marks: set[int] = set()
    problems = Problems()
    for n in numbers:
        route = state.routes[n]
        deps, shape = route_inputs(route)
        if route.url == "":
            deps = site.entries()
        mark = page_print(state.common, state.chains[route.template], route,
                          [entry_print(e, state.digests) for e in deps], shape)
        if mark == state.prints[n]:
            continue
        data = render_route(env, route, base, problems)
        if data is None:
            raise BuildFailed(problems)
        state.prints[n] = mark
        marks.add(n)
        fresh[route.path] = OutputFile(route.path, data, digest=file_digest(data))
        rendered.add(route.path)
    entries = [state.entries[rel] for rel in docs]
    feeds = set().union(*(feeds_of(e) for e in entries)) if entries else set()
    sessions = {getattr(e, "session").source for e in entries if getattr(e, "session", None) is not None}
    committee = any(isinstance(e, (Resolution, Appointment)) for e in entries)
    for f in feed_files(site, only=feeds) + opendata_files(site, sessions=sessions, committee=committee):
        fresh[f.path] = OutputFile(f.path, f.data, digest=file_digest(f.data))  # type: ignore[arg-type]
    changes = {rel: (old_docs.get(rel), search_doc(state.entries[rel]) if indexed(state.entries[rel]) else None)
               for rel in docs}
    made = update_index(state.search, {r: c for r, c in changes.items() if c != (None, None)},
                        dict(state.search.rows), lambda rel: search_doc(state.entries[rel]))
    index = index_outputs(state.search, made, there)
    if index is None:
        raise NotInPlace("search index")
    files = [f for f in index]
    taken = {f.path for f in index} | {f.path for f in state.asset_files}
    for path, (digest, source) in there.items():
        if path in taken:
            continue
        if path in fresh:
            files.append(fresh.pop(path))
        elif not path.startswith(SEARCH_INDEX_DIR + "/"):
            files.append(OutputFile(path, source=source, digest=digest))
    if fresh:  # made again, yet not published before: the published site is not the state's
        raise NotInPlace(", ".join(sorted(fresh)[:3]))
    return files + state.asset_files, rendered, marks
