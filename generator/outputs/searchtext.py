"""Search terms: text normalised and cut the way the index and the reader's query both cut it.

Chinese has no spaces, and dictionaries miss the names and places readers search for
(王大祝, 七格公园). So, as Lucene's CJKBigramFilter and Elasticsearch's `cjk` analyzer do,
a run of Chinese characters is indexed as each character and each overlapping pair of
characters; letters and digits as whole words. A query part becomes pairs that cover it
(a part of one character, that character), and a page matches where it holds all of them.

static/search.js does exactly the same in the reader's browser (`fold`, `tokens`);
tests/browser/test_search_engine.py proves the two agree on a list of tricky strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable, Iterator

# Han ideographs: the unified blocks, compatibility ideographs (NFKC maps most of them to
# unified ones) and the supplementary planes (extension B onwards, astral).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN = re.compile(f"[{HAN}]+")
WORD = re.compile(f"[^\\W_{HAN}]+")  # letters and digits (Unicode L*, N*) that are not Han
TOKEN = re.compile(f"[{HAN}]+|(?:(?![{HAN}])[^\\W_])+")
WORD_MAX = 32  # a longer "word" (a URL, a code) is cut here, on both sides
PART_MAX = 12  # terms looked up for one query part; more add nothing but requests (search.js too)


# What NFKC makes of the compatibility characters common in Chinese text (full-width forms,
# the ideographic space, ……): replaced first, which is much faster than NFKC (and than
# str.translate, which looks up every character), after which most text is already in NFKC
# and skips it (the result is NFKC's either way).
_COMMON = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000, 0x2026, 0x00A0]}
COMMON = re.compile("[\uff01-\uff5e\u3000\u2026\u00a0]")


def _common(match: re.Match) -> str:
    return _COMMON[match[0]]


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Unicode NFKC with full case folding: ２０２１ = 2021, ＡＢＣ = abc, Straße = strasse."""
    return _nfkc(_nfkc(COMMON.sub(_common, text)).casefold())


def _words(text: str) -> list[str]:
    return [w[:WORD_MAX] for w in WORD.findall(text)]


class Terms:
    """The terms of already folded text, as sequences for counting in C (Counter over
    iterables): its Chinese runs joined by NUL (their characters, with the NULs), the pairs of
    that string (with the pairs that straddle two runs), and its words; `extra` says which
    counted items are not terms, `size` how many terms the text holds."""

    def __init__(self, text: str) -> None:
        runs = HAN_RUN.findall(text)
        self.joined = "\0".join(runs)
        self.words = _words(text)
        self.extra = {"\0"} | {run[-1] + "\0" for run in runs[:-1]} | {"\0" + run[0] for run in runs[1:]}
        chars = len(self.joined) - max(0, len(runs) - 1)
        self.size = chars + (chars - len(runs)) + len(self.words)

    def pairs(self) -> Iterator[str]:
        return map(str.__add__, self.joined, self.joined[1:])


def count_terms(fields: Iterable[tuple[Terms, int]]) -> Counter:
    """Each term's count over several texts, each text's counts multiplied by its weight."""
    counts: Counter = Counter()
    extra: set[str] = set()
    for terms, weight in fields:
        for _ in range(weight):
            counts.update(terms.joined)  # an iterable, not a mapping: counted in C
            counts.update(terms.pairs())
            counts.update(terms.words)
        extra |= terms.extra
    for item in extra:
        counts.pop(item, None)
    return counts


def index_terms(text: str) -> Counter:
    """Every term of already folded text with its count: characters, pairs and words."""
    return count_terms([(Terms(text), 1)])


def covering_pairs(run: str) -> list[str]:
    """The pairs of a Chinese run that cover every character: every other pair, and the last.

    A page holding the run holds them all; they are about half its pairs, so a query fetches
    about half as many shards. Which pages hold the run as written is checked afterwards on
    their text (search.js), so a page holding the pairs apart is not called a match.
    """
    starts = list(range(0, len(run) - 1, 2))
    if starts[-1] != len(run) - 2:
        starts.append(len(run) - 2)
    return [run[i:i + 2] for i in starts]


def query_terms(part: str) -> list[str]:
    """The terms a page must hold to match one (folded) query part, in the order they occur.

    A run of Chinese gives its covering pairs, a run of one character that character;
    letters and digits give words. Duplicates are dropped; at most PART_MAX terms.
    """
    out: list[str] = []
    for token in TOKEN.findall(part):
        if HAN_RUN.fullmatch(token):
            out += [token] if len(token) == 1 else covering_pairs(token)
        else:
            out.append(token[:WORD_MAX])
    return list(dict.fromkeys(out))[:PART_MAX]
