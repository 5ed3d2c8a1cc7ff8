"""The static search index: term shards, a manifest, and one small file per page.

Layout under search/index/ (static/search.js reads it; README "Search" says why):

- `manifest.json`: the number of pages, the shards' hashes, and one compact row per page
  (its id, and its kind and session; each topic's pages) for filtering, counting and
  "newest first" without fetching anything else.
- `t/<n>.<hash>.json`: term shard n, a term -> postings map (a term in most pages without
  its impacts: searchcodec.published_postings). A term lives in shard
  `term_hash(term) % shards`; the number of shards is a power of two that keeps each around
  SHARD_BYTES, so a query fetches a few small files at any site size. Named by content: a
  shard that did not change keeps its name, its bytes and the reader's cached copy.
- `d/<id>.json`: a page's result record (title, URL, kind, session, date, people), its labels
  and its text, fetched only for results shown (the excerpt is cut from them, around the best match).

A page's id is its date (days since 1900) times 4096 plus a slot from a hash of its path:
stable whatever else is added or removed, and ordered newest last, so postings sorted by id
are sorted by date too. Each posting carries the page's impact for the term: BM25's
term-frequency part computed from the page alone (titles and names weighted up, a fixed
reference length, the page's length in coarse steps), so an edit changes only the postings
of the terms whose counts it changed. `update_index` (searchupdate.py) applies such edits to the index kept
in .cache (IndexState) and yields only the files whose bytes change; the result is the
same bytes as `build_index` made afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict, deque
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..model.urls import SEARCH_INDEX_DIR as INDEX_DIR
from ..pages.render import OutputFile
from ..pages.searchdocs import KIND_ORDER, Row, SearchDoc, shown_date
from .searchcodec import (TITLE_BONUS, base36, deltas, encode_postings, first_step, published_postings, term_hash,
                          varint)
from .searchtext import Terms, count_terms, fold, index_terms

MANIFEST = f"{INDEX_DIR}/manifest.json"
FORMAT = 2  # bumped when the layout changes: search.js refuses what it does not know (2: dense terms)
SHARD_BYTES = 16 * 1024  # aim per term shard (search.js fetches one per query term)
SLOTS = 4096  # ids per day
UNDATED_DAYS = 64  # pseudo-days 0..63 spread the undated pages (people, standalone pages)
EPOCH = dt.date(1900, 1, 1)
# BM25 with a fixed reference length, so that no page's impact depends on another page
K1, B, REFERENCE_LENGTH = 1.2, 0.75, 2000
WEIGHTS = (5, 2, 1)  # heading (title, names), labels, body
# impacts are 1..63, one character each: BM25's part (1..31), plus 32 for a term in the title
SATURATED = 31
HASH_CHARS = 8  # hex digits of a shard's hash in its name


def row_of(doc: SearchDoc) -> Row:
    """A doc's row (searchdocs.row_of makes the same from an entry, without its text)."""
    return Row(doc.kind, doc.session, doc.topics, doc.date)


def doc_digest(doc: SearchDoc) -> str:
    """What tells whether a page's index entry changed."""
    return hashlib.sha1(repr(doc).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class IndexState:
    """The published index as data, enough to change it page by page (kept in .cache)."""

    ids: dict[str, int] = field(default_factory=dict)  # content file -> page id
    rows: dict[str, Row] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)  # content file -> doc_digest
    shards: list[dict[str, str]] = field(default_factory=lambda: [{}])  # term -> postings, by shard
    total: int = 0  # bytes of all postings: decides the number of shards
    files: dict[str, str] = field(default_factory=dict)  # every index file -> digest of its bytes


def _path_hash(source: str) -> int:
    return int.from_bytes(hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def page_ids(dates: Mapping[str, str]) -> dict[str, int]:
    """Each page's id (by content file) from its ISO date ("" for none): its day, then a free slot
    from a hash of its path. Pages of one day take slots in path order, so the same pages get
    the same ids however the build ran; adding or removing one moves another only on a collision."""
    by_day: dict[int, list[tuple[str, int]]] = {}
    for source, date in dates.items():
        digest = _path_hash(source)
        day = UNDATED_DAYS + max(0, (dt.date.fromisoformat(date) - EPOCH).days) if date else digest % UNDATED_DAYS
        by_day.setdefault(day, []).append((source, digest))
    ids: dict[str, int] = {}
    for day, pages in by_day.items():
        taken: set[int] = set()
        for source, digest in sorted(pages):
            slot = digest // UNDATED_DAYS % SLOTS
            while slot in taken:
                slot = (slot + 1) % SLOTS
            taken.add(slot)
            ids[source] = day * SLOTS + slot
    return ids


def impacts(doc: SearchDoc) -> dict[str, int]:
    """Each term of a page with its impact (1..63): BM25's saturation of the weighted count
    (1..31), plus TITLE_BONUS where the term is in the title.

    Saturation alone lets a body that repeats a phrase draw level with the page titled by it;
    the bonus puts the page a query names first, as readers expect of a title search.
    """
    fields = [(Terms(fold(text)), weight) for text, weight in zip((doc.heading, doc.labels, doc.body), WEIGHTS)]
    weighted = count_terms(fields)
    table = impact_table(sum(terms.size for terms, _ in fields), max(weighted.values(), default=0))
    found = dict(zip(weighted, map(table.__getitem__, weighted.values())))
    for term in index_terms(fold(doc.title)):
        if term in found:
            found[term] += TITLE_BONUS
    return found


def impact_table(length: int, most: int) -> list[int]:
    """The impact of each weighted count 0..most for a page of `length` terms.

    The length counts in steps of a quarter power of two, so that a small edit seldom
    changes the impact of the terms it did not touch.
    """
    length = 2 ** (math.floor(4 * math.log2(max(length, 16))) / 4)
    norm = K1 * (1 - B + B * length / REFERENCE_LENGTH)
    scale = SATURATED / (K1 + 1)
    return [min(SATURATED, max(1, round(tf * (K1 + 1) / (tf + norm) * scale))) for tf in range(most + 1)]


def shard_count(total: int) -> int:
    """Shards for postings of `total` bytes: a power of two, each about SHARD_BYTES."""
    count = 1
    while total / count > SHARD_BYTES:
        count *= 2
    return count


def posting_size(term: str, postings: str) -> int:
    return len(term.encode("utf-8")) + len(postings) + 6


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def shard_path(number: int, digest: str) -> str:
    """A shard's file: its number and the start of its content's hash (the manifest lists the hashes)."""
    return f"{INDEX_DIR}/t/{number}.{digest}.json"


def doc_path(page: int) -> str:
    return f"{INDEX_DIR}/d/{base36(page)}.json"


def doc_file(page: int, doc: SearchDoc) -> OutputFile:
    """A page's record and text, for a result shown: what search.js renders and marks."""
    record = {"t": doc.title, "u": doc.url, "k": doc.kind, "s": doc.session, "d": shown_date(doc), "p": doc.people,
              "x": doc.body}
    if doc.labels:  # a match may be in them alone (a document number, an author): the result says so
        record["l"] = doc.labels
    return OutputFile(doc_path(page), _json(record))


def _facets(ids: Mapping[str, int], rows: Mapping[str, Row]) -> dict:
    """Filter values, and each page's row in id order: its id (delta-coded) and its group (kind and
    session); each topic's pages as row numbers (delta-coded)."""
    kinds = sorted({r.kind for r in rows.values()},
                   key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER), k))
    sessions = sorted({r.session for r in rows.values() if r.session})
    topics = sorted({t for r in rows.values() for t in r.topics})
    kind_at, session_at = {k: n for n, k in enumerate(kinds)}, {s: n for n, s in enumerate(sessions)}
    group = {s: (kind_at[r.kind], session_at.get(r.session, -1)) for s, r in rows.items()}
    groups = sorted(set(group.values()))
    group_at = {g: n for n, g in enumerate(groups)}
    order = sorted(ids, key=ids.__getitem__)
    of_topic: dict[str, list[int]] = {t: [] for t in topics}
    for number, source in enumerate(order):
        for topic in rows[source].topics:
            of_topic[topic].append(number)
    return {"kinds": kinds, "sessions": sessions, "groups": [list(g) for g in groups],
            "rows": "".join(varint(step) + varint(group_at[group[s]]) for step, s in
                            zip(map(int.__sub__, [ids[s] for s in order], [0, *(ids[s] for s in order[:-1])]), order)),
            "topics": topics, "topic_rows": [deltas(of_topic[t]) for t in topics]}


def finish_files(state: IndexState, dirty: Iterable[int], made: list[OutputFile]) -> list[OutputFile]:
    """Write the shards in `dirty` and the manifest into `made`; bring state.files up to date."""
    old = {path.split("/")[-1].split(".")[0]: path for path in state.files if path.startswith(f"{INDEX_DIR}/t/")}
    hashes = {int(n): path.split(".")[-2] for n, path in old.items()}
    for n in sorted(set(dirty)):
        data = _json({term: published_postings(text) for term, text in state.shards[n].items()})
        digest = hashlib.sha1(data).hexdigest()
        hashes[n] = digest[:HASH_CHARS]
        if str(n) in old:
            del state.files[old.pop(str(n))]
        path = shard_path(n, hashes[n])
        made.append(OutputFile(path, data, digest=digest))
        state.files[path] = digest
    for n, path in old.items():  # shards beyond the count (it shrank)
        if int(n) >= len(state.shards):
            del state.files[path]
    manifest = _json({"format": FORMAT, "pages": len(state.ids),
                      "shards": "".join(hashes[n] for n in range(len(state.shards))), **_facets(state.ids, state.rows)})
    made.append(OutputFile(MANIFEST, manifest, digest=hashlib.sha1(manifest).hexdigest()))
    state.files[MANIFEST] = made[-1].digest
    return made


def add_doc(state: IndexState, source: str, doc: SearchDoc, made: list[OutputFile]) -> None:
    f = doc_file(state.ids[source], doc)
    f = OutputFile(f.path, f.data, digest=hashlib.sha1(f.data).hexdigest())  # type: ignore[arg-type]
    made.append(f)
    state.files[f.path] = f.digest
    state.rows[source], state.digests[source] = row_of(doc), doc_digest(doc)


@dataclass
class Piece:
    """What one run of pages (consecutive ids) adds to a new index: made in a worker process."""

    postings: dict[str, tuple[int, int, str]]  # term -> (first id, last id, postings counted from 0)
    docs: list[tuple[str, OutputFile, str]]  # (content file, its record, doc_digest)


def index_piece(pages: Sequence[tuple[int, SearchDoc]]) -> Piece:
    """The postings and records of pages given in id order.

    A posting is held as one number, id << 6 | impact, and each page's are appended to their
    terms' lists by map() rather than a Python loop: this is the index's innermost step, run
    once for every term of every page.
    """
    lists: defaultdict[str, list[int]] = defaultdict(list)
    docs = []
    for page, doc in pages:
        f = doc_file(page, doc)
        docs.append((doc.source, OutputFile(f.path, f.data, digest=hashlib.sha1(f.data).hexdigest()),  # type: ignore[arg-type]
                     doc_digest(doc)))
        found = impacts(doc)
        deque(map(list.append, map(lists.__getitem__, found), map((page << 6).__or__, found.values())), maxlen=0)
    postings = {}
    for term, packed in lists.items():
        ids = [n >> 6 for n in packed]
        postings[term] = (ids[0], ids[-1], encode_postings(ids, [n & 63 for n in packed]))
    return Piece(postings, docs)


def _joined(pieces: Iterable[Piece]) -> tuple[dict[str, str], list[tuple[str, OutputFile, str]]]:
    """The pieces' postings joined term by term (each piece's first step re-counted), and their records."""
    postings: dict[str, str] = {}
    last: dict[str, int] = {}
    docs: list[tuple[str, OutputFile, str]] = []
    for piece in pieces:
        docs += piece.docs
        for term, (first, end, text) in piece.postings.items():
            before = last.get(term)
            if before is None:
                postings[term] = text
            else:
                _, width = first_step(text)
                postings[term] += varint(first - before) + text[width:]
            last[term] = end
    return postings, docs


Mapper = Callable[[Callable[[Any], Piece], Sequence[Any]], Iterable[Piece]]


def build_index(entries: Sequence[Any], rows: Mapping[str, Row], to_doc: Callable[[Any], SearchDoc],
                mapper: Mapper | None = None, chunks: int = 1) -> tuple[IndexState, list[OutputFile]]:
    """The whole index of these pages made afresh: its state and every file.

    `entries` (with a .source) become docs through `to_doc` inside `mapper`'s tasks (a process
    pool, or this process), `chunks` runs of consecutive ids, joined here in order.
    """
    state = IndexState(ids=page_ids({s: r.date for s, r in rows.items()}))
    order = sorted(entries, key=lambda e: state.ids[e.source])
    size = max(1, -(-len(order) // max(1, chunks)))
    runs = [order[i:i + size] for i in range(0, len(order), size)]

    def task(run: Sequence[Any]) -> Piece:
        return index_piece([(state.ids[e.source], to_doc(e)) for e in run])

    postings, docs = _joined((mapper or _serial)(task, runs))
    made = []
    for source, f, digest in docs:
        made.append(f)
        state.files[f.path] = f.digest
        state.rows[source], state.digests[source] = rows[source], digest
    state.total = sum(posting_size(t, p) for t, p in postings.items())
    state.shards = [{} for _ in range(shard_count(state.total))]
    for term, text in postings.items():
        state.shards[term_hash(term) % len(state.shards)][term] = text
    return state, finish_files(state, range(len(state.shards)), made)


def _serial(task: Callable[[Any], Piece], runs: Sequence[Any]) -> Iterator[Piece]:
    return map(task, runs)


def build_from_docs(docs: Iterable[SearchDoc]) -> tuple[IndexState, list[OutputFile]]:
    """build_index of docs already made (tests, the preview)."""
    docs = list(docs)
    return build_index(docs, {d.source: row_of(d) for d in docs}, lambda d: d)
