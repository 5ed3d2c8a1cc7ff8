"""The search index's compact text encodings, shared with static/search.js.

Numbers are varints in a 64-character alphabet that JSON and URLs carry as they are:
5 bits a character, lowest first; a character of 32..63 means more follow. A postings
list is each page id as the difference from the one before, followed by one character
for the page's impact. Terms go to shards by FNV-1a over their code points.

A term in DENSE pages or more is published without its impacts (`published_postings`): "!",
its ids, "!", the ids of the pages holding it in their title.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Sequence

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
TITLE_BONUS = 32  # added to a page's impact for a term in its title (impacts are 1..31 without)
DENSE = 4096  # pages a term must be in to be published without its impacts
DENSE_IMPACT = 15  # what search.js counts for each page of such a term (plus TITLE_BONUS in the title)
DENSE_MARK = "!"  # not in ALPHABET
VALUE = {ch: n for n, ch in enumerate(ALPHABET)}


def term_hash(term: str) -> int:
    """FNV-1a (32 bits) over a term's code points: search.js computes the same."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h


def varint(value: int) -> str:
    """A non-negative integer in 5-bit groups, lowest first."""
    out = []
    while value >= 32:
        out.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    out.append(ALPHABET[value])
    return "".join(out)


class _Codes(dict):
    """varint() of each number met so far (looked up in C: most steps repeat)."""

    def __missing__(self, value: int) -> str:
        code = self[value] = varint(value)
        return code


class _Steps(dict):
    """The other way round: the number of each varint text met so far."""

    def __missing__(self, code: str) -> int:
        value = self[code] = read_varints(code)[0]
        return value


_CODES, _STEPS = _Codes(), _Steps()


def deltas(numbers: Sequence[int]) -> str:
    """Ascending numbers as the varints of their differences."""
    return "".join(map(varint, map(int.__sub__, numbers, [0, *numbers[:-1]])))


def encode_postings(pages: Sequence[int], levels: Sequence[int], start: int = 0) -> str:
    """Ids (ascending) and their impacts -> the text search.js's `decode` reads.

    `start`: the id the first step counts from (a piece that continues another's list).
    """
    steps = list(map(int.__sub__, pages, [start, *pages[:-1]]))
    codes = [varint(steps[0]), *map(_CODES.__getitem__, steps[1:])] if steps else []
    return "".join(map(str.__add__, codes, map(ALPHABET.__getitem__, levels)))


POSTING = re.compile(r"([w-zA-Z_-]*[0-9a-v])(.)", re.S)  # a step (varint) and an impact


def first_step(text: str) -> tuple[int, int]:
    """(value, length in characters) of the varint a text starts with."""
    value = shift = 0
    for at, ch in enumerate(text):
        digit = VALUE[ch]
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            return value, at + 1
    raise ValueError("truncated varint")


def read_varints(text: str) -> list[int]:
    """The numbers of a run of varints."""
    out, value, shift = [], 0, 0
    for ch in text:
        digit = VALUE[ch]
        value |= (digit & 31) << shift
        shift += 5
        if digit < 32:
            out.append(value)
            value, shift = 0, 0
    if shift:
        raise ValueError("truncated varint")
    return out


def decode_postings(text: str) -> dict[int, int]:
    """encode_postings' inverse: page id -> impact, in id order (split by one regular expression)."""
    pairs = POSTING.findall(text)
    if sum(len(a) + 1 for a, _ in pairs) != len(text):
        raise ValueError("damaged postings")
    steps = map(_STEPS.__getitem__, [code for code, _ in pairs])
    return dict(zip(accumulate(steps), map(VALUE.__getitem__, (level for _, level in pairs))))


def published_postings(text: str) -> str:
    """A term's postings as its shard publishes them: as kept, or, for a term in DENSE pages or
    more, its ids alone, then the ids of the pages holding it in their title.

    Such a term is in a fifth of a big site's pages or more (代表, 人大, 停车 on a site about
    parking): its idf is small, so its term-frequency impacts move a ranking little, yet they
    are a third of its bytes, and a first search fetches whole such lists. The title bonus,
    which readers notice, stays. A function of the term's own postings, so an edit still
    changes only the shards whose postings changed (the index keeps the full postings).
    """
    if len(text) < 2 * DENSE:  # a posting is two characters at least: too short to be dense
        return text
    postings = decode_postings(text)
    if len(postings) < DENSE:
        return text
    titled = [page for page, level in postings.items() if level >= TITLE_BONUS]
    return DENSE_MARK + deltas(list(postings)) + DENSE_MARK + deltas(titled)


def read_published(text: str) -> dict[int, int]:
    """What search.js reads from a published term: page id -> impact."""
    if not text.startswith(DENSE_MARK):
        return decode_postings(text)
    ids, _, titled = text[1:].partition(DENSE_MARK)
    out = dict.fromkeys(accumulate(read_varints(ids)), DENSE_IMPACT)
    out.update(dict.fromkeys(accumulate(read_varints(titled)), DENSE_IMPACT + TITLE_BONUS))
    return out


def base36(n: int) -> str:
    """A page id as its record's file name."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out
