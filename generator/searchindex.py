"""The static search index: term shards, a manifest, and one small file per page.

Layout under search/index/ (static/search.js reads it; README "Search" says why):

- `manifest.json`: the number of pages, the shards' names, and one compact row per page
  (its id and its kind, session and topics) for filtering, counting and "newest first".
- `t/<n>.<hash>.json`: term shard n, a term -> postings map. A term lives in shard
  `term_hash(term) % shards`; the number of shards is a power of two that keeps each around
  SHARD_BYTES, so a query fetches a few small files at any site size. Named by content: a
  shard that did not change keeps its name, its bytes and the reader's cached copy.
- `d/<id>.json`: a page's result record (title, URL, kind, session, date, people) and its
  text, fetched only for results shown (the excerpt is cut from it, around the best match).

A page's id is its date (days since 1900) times 4096 plus a slot from a hash of its path:
stable whatever else is added or removed, and ordered newest last, so postings sorted by id
are sorted by date too. Postings are delta-coded in a base-32 varint alphabet, each followed
by the page's impact for the term: BM25's term-frequency part, computed here from the page
alone (titles and names weighted up, a fixed reference length), so one page's edit changes
its own postings only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from .render import OutputFile
from .searchdocs import KIND_ORDER, SearchDoc, shown_date
from .searchtext import fold, index_terms
from .urls import SEARCH_INDEX_DIR as INDEX_DIR

if TYPE_CHECKING:
    from .models import Site

MANIFEST = f"{INDEX_DIR}/manifest.json"
FORMAT = 1  # bumped when the layout changes: search.js refuses what it does not know
SHARD_BYTES = 16 * 1024  # aim per term shard (search.js fetches one per query term)
SLOTS = 4096  # ids per day
UNDATED_DAYS = 64  # pseudo-days 0..63 spread the undated pages (people, standalone pages)
EPOCH = dt.date(1900, 1, 1)
# BM25 with a fixed reference length, so that no page's impact depends on another page
K1, B, REFERENCE_LENGTH = 1.2, 0.75, 2000
WEIGHTS = (5, 2, 1)  # heading (title, names), labels, body
LEVELS = 63  # impacts are 1..63, one character each
HASH_CHARS = 8  # hex digits of a shard's hash in its name
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_VARINT: list[str] = []  # varint() of 0..32767, made once


def term_hash(term: str) -> int:
    """FNV-1a (32 bits) over a term's code points: search.js computes the same."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def _path_hash(source: str) -> int:
    return int.from_bytes(hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def varint(value: int) -> str:
    """A non-negative integer in 5-bit groups, lowest first; a character of 32..63 means more follow."""
    if value < len(_VARINT):
        return _VARINT[value]
    out = []
    while value >= 32:
        out.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    out.append(ALPHABET[value])
    return "".join(out)


_VARINT.extend(varint(n) for n in range(32768))


def page_ids(docs: Iterable[SearchDoc]) -> dict[str, int]:
    """Each page's id (by content file): its day, then a free slot found from a hash of its path.

    Pages of one day take their slots in path order, so the same pages get the same ids
    however the build ran; a page added or removed moves another's id only where their
    slots collide.
    """
    by_day: dict[int, list[str]] = {}
    for doc in docs:
        digest = _path_hash(doc.source)
        if doc.date:
            day = UNDATED_DAYS + max(0, (dt.date.fromisoformat(doc.date) - EPOCH).days)
        else:
            day = digest % UNDATED_DAYS
        by_day.setdefault(day, []).append(doc.source)
    ids: dict[str, int] = {}
    for day, sources in by_day.items():
        taken: set[int] = set()
        for source in sorted(sources):
            slot = _path_hash(source) // UNDATED_DAYS % SLOTS
            while slot in taken:
                slot = (slot + 1) % SLOTS
            taken.add(slot)
            ids[source] = day * SLOTS + slot
    return ids


def impacts(doc: SearchDoc) -> dict[str, int]:
    """Each term of a page with its impact (1..63): BM25's saturation of the weighted count."""
    heading, labels, body = (index_terms(fold(text)) for text in (doc.heading, doc.labels, doc.body))
    length = sum(heading.values()) + sum(labels.values()) + sum(body.values())
    weighted = dict(body)
    for weight, terms in zip(WEIGHTS[:2], (heading, labels)):
        for term, count in terms.items():
            weighted[term] = weighted.get(term, 0) + weight * count
    return dict(zip(weighted, map(impact_table(length, max(weighted.values(), default=0)).__getitem__,
                                  weighted.values())))


def impact_table(length: int, most: int) -> list[int]:
    """The impact of each weighted count 0..most for a page of `length` terms."""
    norm = K1 * (1 - B + B * length / REFERENCE_LENGTH)
    scale = LEVELS / (K1 + 1)
    return [min(LEVELS, max(1, round(tf * (K1 + 1) / (tf + norm) * scale))) for tf in range(most + 1)]


def encode_postings(pages: Sequence[int], levels: Sequence[int]) -> str:
    """Ids (ascending) and their impacts -> the compact text of search.js's `decode`."""
    deltas = map(int.__sub__, pages, [0, *pages[:-1]])
    return "".join(map(str.__add__, map(varint, deltas), map(ALPHABET.__getitem__, levels)))


def shard_count(sizes: int) -> int:
    """Shards for postings of `sizes` bytes in all: a power of two, each about SHARD_BYTES."""
    count = 1
    while sizes / count > SHARD_BYTES:
        count *= 2
    return count


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class IndexPlan:
    """What the index holds: its pages by id, and each term's encoded postings."""

    docs: dict[int, SearchDoc]
    postings: dict[str, str]


def plan_index(docs: Sequence[SearchDoc], terms: dict[str, dict[str, int]]) -> IndexPlan:
    """The pages (by id) and every term's postings; `terms`: impacts() of each page by source."""
    ids = page_ids(docs)
    by_id = {ids[d.source]: d for d in docs}
    lists: dict[str, tuple[list[int], list[int]]] = {}
    for page in sorted(by_id):
        for term, level in terms[by_id[page].source].items():
            found = lists.get(term)
            if found is None:
                lists[term] = ([page], [level])
            else:
                found[0].append(page)
                found[1].append(level)
    return IndexPlan(by_id, {term: encode_postings(*p) for term, p in lists.items()})


def _facets(docs: dict[int, SearchDoc]) -> dict:
    """Filter values, and each page's row in id order: its id (delta-coded) and its group (kind
    and session); each topic's pages as row numbers (delta-coded). search.js filters and counts
    with these, and lists "newest first" without fetching anything else."""
    kinds = sorted({d.kind for d in docs.values()}, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER
                                                                   else len(KIND_ORDER), k))
    sessions = sorted({d.session for d in docs.values() if d.session})
    topics = sorted({t for d in docs.values() for t in d.topics})
    kind_at = {name: n for n, name in enumerate(kinds)}
    session_at = {name: n for n, name in enumerate(sessions)}
    groups = sorted({(kind_at[d.kind], session_at.get(d.session, -1)) for d in docs.values()})
    group_at = {g: n for n, g in enumerate(groups)}
    rows, last = [], 0
    of_topic: dict[str, list[int]] = {t: [] for t in topics}
    for row, page in enumerate(sorted(docs)):
        doc = docs[page]
        rows.append(varint(page - last) + varint(group_at[(kind_at[doc.kind], session_at.get(doc.session, -1))]))
        last = page
        for topic in doc.topics:
            of_topic[topic].append(row)
    return {"kinds": kinds, "sessions": sessions, "groups": [list(g) for g in groups], "rows": "".join(rows),
            "topics": topics, "topic_rows": [_deltas(of_topic[t]) for t in topics]}


def _deltas(numbers: list[int]) -> str:
    return "".join(map(varint, map(int.__sub__, numbers, [0, *numbers[:-1]])))


def shard_path(number: int, digest: str) -> str:
    """A shard's file: its number and the start of its content's hash (the manifest lists the hashes)."""
    return f"{INDEX_DIR}/t/{number}.{digest}.json"


def doc_path(page: int) -> str:
    return f"{INDEX_DIR}/d/{_base36(page)}.json"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def doc_file(page: int, doc: SearchDoc) -> OutputFile:
    """A page's record and text, for a result shown: what search.js renders and marks."""
    data = _json({"t": doc.title, "u": doc.url, "k": doc.kind, "s": doc.session, "d": shown_date(doc),
                  "p": doc.people, "x": doc.body})
    return OutputFile(doc_path(page), data)


def index_files(plan: IndexPlan) -> list[OutputFile]:
    """Every file of the index: the shards, each page's record, and the manifest last."""
    sizes = sum(len(term.encode("utf-8")) + len(text) + 6 for term, text in plan.postings.items())
    count = shard_count(sizes)
    shards: list[dict[str, str]] = [{} for _ in range(count)]
    for term, text in plan.postings.items():
        shards[term_hash(term) % count][term] = text
    files, hashes = [], []
    for n, shard in enumerate(shards):
        data = _json(shard)
        hashes.append(hashlib.sha1(data).hexdigest()[:HASH_CHARS])
        files.append(OutputFile(shard_path(n, hashes[-1]), data))
    files += [doc_file(page, doc) for page, doc in sorted(plan.docs.items())]
    manifest = {"format": FORMAT, "pages": len(plan.docs), "shards": "".join(hashes), **_facets(plan.docs)}
    files.append(OutputFile(MANIFEST, _json(manifest)))
    return files


def idf(pages: int, df: int) -> float:
    """BM25's inverse document frequency (search.js computes it from the postings it fetched)."""
    return math.log(1 + (pages - df + 0.5) / (df + 0.5))


def search_files(site: "Site") -> list[OutputFile]:
    """The whole index of a site's published entries, made afresh."""
    from .searchdocs import indexed_entries, search_doc
    docs = [search_doc(e) for e in indexed_entries(site)]
    return index_files(plan_index(docs, {d.source: impacts(d) for d in docs}))


def read_varints(text: str) -> list[int]:
    """The numbers of a varint text (the inverse of varint() over a run of them)."""
    out, value, shift = [], 0, 0
    for ch in text:
        digit = ALPHABET.index(ch)
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            out.append(value)
            value, shift = 0, 0
    if shift:
        raise ValueError("truncated varint")
    return out


def decode_postings(text: str) -> list[tuple[int, int]]:
    """encode_postings' inverse: (id, impact) pairs in id order."""
    out, page, at = [], 0, 0
    while at < len(text):
        shift, delta = 0, 0
        while True:
            digit = ALPHABET.index(text[at])
            at += 1
            delta |= (digit & 31) << shift
            shift += 5
            if digit < 32:
                break
        page += delta
        out.append((page, ALPHABET.index(text[at])))
        at += 1
    return out
