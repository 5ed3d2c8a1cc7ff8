"""Documents -> Site: fields checked, references resolved, bodies converted, lists and back-links. Pure.

Every rule of the content contract that relates one file to another lives in the three
passes, each building on the one before: entries.py (one entry per document, its fields
checked), references.py (sessions by id, speakers by id or name with the role check and the
ambiguity error, drafts and items dated after the build day), bodies.py (Markdown and the
links in it). listings.py then puts the shown entries in their lists and indexes back-links.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem, Problems
from ..read.content import Document
from .bodies import Bodies
from .entries import BuildInput
from .listings import index_back_links, list_entries
from .markdown import MarkdownRenderer
from .models import Entry, Site


class SiteBuilder(Bodies):
    """The three passes over one build's documents and their lookups: used once, by `build_site`,
    then kept (in memory only) to run pass 3 again for an edited body (update_bodies, update.py)."""


def build_site(data: BuildInput, problems: Problems, renderer: MarkdownRenderer | None = None) -> Site:
    """Turn parsed documents into the whole site model, recording every problem."""
    b = SiteBuilder(data, problems)
    for doc in data.documents:
        b.create(doc)
    for path in b.entries:
        b.schedule(path)
    for path in b.entries:
        b.resolve(path)
    b.check_numbers()
    renderer = renderer or (None if data.markdown else MarkdownRenderer())  # type: ignore[assignment]
    memo = data.memo
    before: dict[str, dict[str, Any]] = {}  # for update_bodies: each entry before pass 3 ...
    found: dict[str, list] = {}  # ... and the problems pass 3 found in its file
    for path in b.entries:
        if memo is not None:
            before[path] = dict(vars(b.entries[path]))
            start = len(problems.items)
        b.body(path, renderer)
        if memo is not None:
            found[path] = problems.items[start:]
    drafts = set() if data.include_drafts else {e.source for e in b.entries.values() if e.draft}
    problems.items[:] = _excuse_drafts(problems.items, drafts)
    for path in found:  # update_bodies takes these out of `problems` again: the same objects
        found[path] = _excuse_drafts(found[path], drafts)
    if memo is not None:  # forget the work of files that are gone; keep the model (in memory only)
        paths = {doc.path for doc in data.documents}
        for key in [k for k in memo if k[1] not in paths]:
            del memo[key]
        memo[MODEL] = (b, renderer, before, found)

    shown = [e for e in b.entries.values() if b.visible(e)]
    site = Site(config=data.config, topics=list(b.topics.values()), drafts_shown=data.include_drafts, links=b.links,
                media_files=data.media_files)
    list_entries(site, shown, b.visible)
    index_back_links(site, shown, b.visible)
    return site


def _excuse_drafts(items: list[Problem], drafts: set[str]) -> list[Problem]:
    """A draft's own errors do not stop the published build, which leaves it out anyway.

    One editor's half-written draft (`python build.py new` makes one with empty required
    fields) must not hold back everybody's publishing. Its problems stay visible as
    warnings here, and as errors in the preview (`serve`, `--drafts`), which shows it.
    """
    if not drafts:
        return items
    return [Problem(p.path, p.line, p.field, f"（草稿，不会发布）{p.message}", p.fix, warning=True)
            if not p.warning and p.path in drafts else p for p in items]


MODEL = ("model", "")  # memo key of the kept model: no document's path, never persisted


def update_bodies(memo: dict[Any, Any], documents: list[Document], problems: Problems) -> list[Entry] | None:
    """Update the model kept in `memo` by the last build_site for files whose body alone changed.

    Pass 3 runs again for those documents only, from their entries as they were before it;
    everything else (references, lists, back-links) cannot have changed. Their problems of
    pass 3 replace the old ones in `problems` (the last build's, extended in place). Returns
    the updated entries, or None when the kept model cannot be used (nothing is changed then).
    """
    kept = memo.get(MODEL)
    if kept is None:
        return None
    b, renderer, before, found = kept
    for doc in documents:
        old = b.docs.get(doc.path)
        if old is None or doc.path not in before \
                or (old.meta, old.lines, old.body_line) != (doc.meta, doc.lines, doc.body_line):
            return None
    updated = []
    for doc in documents:
        entry = b.entries[doc.path]
        for p in found[doc.path]:
            problems.items.remove(p)
        vars(entry).update(before[doc.path])
        b.docs[doc.path] = doc
        b.problems = Problems()
        b.body(doc.path, renderer)
        drafts = {doc.path} if entry.draft and not b.data.include_drafts else set()
        found[doc.path] = _excuse_drafts(b.problems.items, drafts)
        problems.items.extend(found[doc.path])
        updated.append(entry)
    return updated
