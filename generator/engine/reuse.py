"""Which pages a build may take as they are: the fingerprint of everything a page is made from.

A page is rendered again only if the fingerprint of what it shows changed: its entries and
the entries they reference, its template chain, the config, the navigation, and the shape of
the rest of its context (page numbers, counts, links). The Builder (builder.py) and an update
in place (update.py) compute it alike, so that both make the bytes a clean build makes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2 import meta

from ..errors import Problems
from ..model.models import Entry, Site
from ..pages.render import OutputFile
from ..pages.route import Route


def digest(*parts: Any) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else
                 part.encode("utf-8", "surrogatepass") if isinstance(part, str) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def entry_print(e: Entry, digests: dict[str, str]) -> str:
    """What a page shows of an entry: its file's bytes, its URL, whether it is out, its HTML,
    and what other files decide of it (a person's namesake, the sizes of their photo)."""
    return digest(digests.get(e.source), e.url, e.published, e.html, getattr(e, "namesake", False),
                 getattr(e, "picture", None))


def page_print(common: str, chain: str, route: Route, entry_prints: list[str], shape: str) -> str:
    """Everything one page is made from (a full build and an update in place must agree on it)."""
    return digest(common, chain, route.url, route.title, route.crumbs, route.template,
                 sorted(entry_prints), len(entry_prints), shape)


def template_chain(env: jinja2.Environment, name: str, known: dict[str, tuple[tuple, str, frozenset[str]]]) -> str:
    """Fingerprint of a template and every template it extends, includes or imports.

    `known`: what was found of each template file (by its name, size and mtime), kept between runs.
    """
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
        hit = known.get(current)
        if hit is None or hit[0] != key:
            refs = frozenset(r for r in meta.find_referenced_templates(env.parse(source)) if r)
            hit = known[current] = (key, digest(source), refs)
        parts.append(current + hit[1])
        todo.extend(sorted(hit[2]))
    return digest(*sorted(parts))


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


@dataclass
class Matched:
    """Each route's fingerprint, and the pages that need no rendering; the others are `todo`."""

    slots: list[OutputFile | None]  # each route's file, where it can be taken as it is
    prints: list[str]  # each route's fingerprint
    todo: list[int] = field(default_factory=list)  # the routes to render
    reused: int = 0
    chains: dict[str, str] = field(default_factory=dict)  # template -> its chain's fingerprint, once a build
    sources: dict[str, frozenset[str]] = field(default_factory=dict)  # page path -> the content files it shows


def match(routes: list[Route], site: Site, chain_of: Callable[[str], str], print_of: Callable[[Entry], str],
          common: str, pages: dict[str, tuple[str, OutputFile]], index: dict[str, tuple[str, str]],
          published: dict[str, tuple[str, Path]], problems: Problems,
          progress: Callable[[int, int], None] | None) -> Matched:
    """Fingerprint every route and find the pages to take as they are: kept in memory (`pages`), or
    published with the digest the last run recorded for the same fingerprint (`index`)."""
    found = Matched([None] * len(routes), [""] * len(routes))
    slots, prints, chains = found.slots, found.prints, found.chains
    for number, route in enumerate(routes):
        try:
            chain = chains.get(route.template) or chains.setdefault(route.template, chain_of(route.template))
        except jinja2.TemplateError as exc:
            problems.error(f"templates/{route.template}", f"模板有误：{exc}", fix="检查模板文件名和语法。")
            break
        deps, shape = route_inputs(route)
        if route.url == "":
            deps = site.entries()  # the home page's counts: every entry
        found.sources[route.path] = frozenset(e.source for e in deps)
        print_ = prints[number] = page_print(common, chain, route, [print_of(e) for e in deps], shape)
        old = pages.get(route.path)
        if old is not None and old[0] == print_:
            slots[number] = old[1]
        else:
            last = index.get(route.path)
            there = published.get(route.path)
            if last is not None and there is not None and last[0] == print_ and there[0] == last[1]:
                slots[number] = OutputFile(route.path, source=there[1], digest=there[0])
        if slots[number] is None:
            found.todo.append(number)
        else:
            found.reused += 1
            if progress is not None:
                progress(found.reused, len(routes))
    return found
