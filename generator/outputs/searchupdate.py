"""The search index patched page by page: an edit changes the postings of the terms whose counts it
changed, and yields only the files whose bytes change (the same bytes as searchindex.build_index).

Used by an update in place (engine/update.py) and by the preview's live index.
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..pages.render import OutputFile
from ..pages.searchdocs import Row, SearchDoc
from .searchcodec import decode_postings, encode_postings, term_hash
from .searchindex import (IndexState, add_doc, build_index, doc_path, finish_files, impacts, page_ids, posting_size,
                          shard_count)


def update_index(state: IndexState, changed: Mapping[str, tuple[SearchDoc | None, SearchDoc | None]],
                 rows: Mapping[str, Row], doc_of: Callable[[str], SearchDoc]) -> list[OutputFile]:
    """Apply page edits to `state` in place; return the files whose bytes changed.

    `changed`: content file -> (its doc as the index holds it or None, its doc now or None), for
    every page added, removed or edited; `rows`: every indexed page's row now; `doc_of`: the doc
    of any page now (for pages whose id moved, which are rare).
    """
    ids = page_ids({s: r.date for s, r in rows.items()})
    work = dict(changed)
    for source, page in ids.items():  # an id taken or freed by another page: its postings move
        if source not in work and state.ids.get(source, page) != page:
            doc = doc_of(source)
            work[source] = (doc, doc)
    edits: dict[str, dict[int, int | None]] = {}  # term -> page -> impact (None: remove)
    made: list[OutputFile] = []
    for source, (old, new) in sorted(work.items()):
        before, after = state.ids.get(source), ids.get(source)
        old_terms = impacts(old) if old is not None and before is not None else {}
        new_terms = impacts(new) if new is not None and after is not None else {}
        for term in old_terms:
            if before != after or term not in new_terms:
                edits.setdefault(term, {})[before] = None  # type: ignore[index]
        for term, level in new_terms.items():
            if before != after or old_terms.get(term) != level:
                edits.setdefault(term, {})[after] = level  # type: ignore[index]
        if before is not None and (before != after or new is None):
            state.files.pop(doc_path(before), None)
            if new is None:
                del state.rows[source], state.digests[source]
    state.ids = ids
    state.rows = dict(rows)
    for source, (_, new) in work.items():
        if new is not None:
            add_doc(state, source, new, made)
    dirty = _apply(state, edits)
    if shard_count(state.total) != len(state.shards):  # the index outgrew its shards (or shrank): deal again
        terms = {t: p for shard in state.shards for t, p in shard.items()}
        state.shards = [{} for _ in range(shard_count(state.total))]
        for term, text in terms.items():
            state.shards[term_hash(term) % len(state.shards)][term] = text
        dirty = set(range(len(state.shards)))
    return finish_files(state, dirty, made)


def _apply(state: IndexState, edits: Mapping[str, Mapping[int, int | None]]) -> set[int]:
    """Change each term's postings; return the shards changed. Keeps state.total exact."""
    dirty: set[int] = set()
    count = len(state.shards)
    for term, pages in edits.items():
        n = term_hash(term) % count
        shard = state.shards[n]
        text = shard.get(term, "")
        postings = decode_postings(text)
        for page, level in pages.items():
            if level is None:
                postings.pop(page, None)
            else:
                postings[page] = level
        order = sorted(postings)
        new = encode_postings(order, [postings[p] for p in order])
        if new == text:
            continue
        dirty.add(n)
        state.total += (posting_size(term, new) if new else 0) - (posting_size(term, text) if text else 0)
        if new:
            shard[term] = new
        else:
            del shard[term]
    return dirty


def index_outputs(state: IndexState, fresh: list[OutputFile], published: Mapping[str, tuple[str, object]]
                  ) -> list[OutputFile] | None:
    """Every index file: the ones just made, and the others as published (None if one is not there
    as it was written: the caller then makes the index afresh)."""
    made = {f.path: f for f in fresh}
    out: list[OutputFile] = []
    for path, digest in sorted(state.files.items()):
        if path in made:
            out.append(made[path])
            continue
        there = published.get(path)
        if there is None or there[0] != digest:
            return None
        out.append(OutputFile(path, source=there[1], digest=digest))  # type: ignore[arg-type]
    return out


class LiveIndex:
    """The preview's index: made once, then patched with each save's changed pages (update_index),
    as a build's in-place update does, so a save costs the pages it changed, not the site."""

    def __init__(self) -> None:
        self.state: IndexState | None = None
        self.docs: dict[str, SearchDoc] = {}
        self.files: dict[str, OutputFile] = {}

    def refresh(self, site) -> list[OutputFile]:
        """Every index file of the site as it is now."""
        from ..pages.searchdocs import indexed_entries, row_of as entry_row, search_doc
        entries = indexed_entries(site)
        docs = {e.source: search_doc(e) for e in entries}
        rows = {e.source: entry_row(e) for e in entries}
        if self.state is None:
            self.state, made = build_index(list(docs.values()), rows, lambda d: d)
        else:
            changed = {s: (self.docs.get(s), docs.get(s)) for s in self.docs.keys() | docs.keys()
                       if self.docs.get(s) != docs.get(s)}
            made = update_index(self.state, changed, rows, docs.__getitem__) if changed else []
        self.docs = docs
        self.files.update((f.path, f) for f in made)
        self.files = {p: f for p, f in self.files.items() if p in self.state.files}
        return [self.files[p] for p in sorted(self.files)]
