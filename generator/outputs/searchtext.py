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

# Han ideographs: the unified blocks, compatibility ideographs (NFKC maps most of them to
# unified ones) and the supplementary planes (extension B onwards, astral).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN = re.compile(f"[{HAN}]+")
WORD = re.compile(f"(?:(?![{HAN}])[^\\W_])+")  # letters and digits (Unicode L*, N*) that are not Han
TOKEN = re.compile(f"[{HAN}]+|(?:(?![{HAN}])[^\\W_])+")
WORD_MAX = 32  # a longer "word" (a URL, a code) is cut here, on both sides
PART_MAX = 12  # terms looked up for one query part; more add nothing but requests (search.js too)


# What NFKC makes of the compatibility characters common in Chinese text (full-width forms,
# the ideographic space, ……): mapped by str.translate, which is much faster than NFKC, after
# which most text is already in NFKC and skips it (the result is NFKC's either way).
_COMMON = {c: unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000, 0x2026, 0x00A0]}


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Unicode NFKC with full case folding: ２０２１ = 2021, ＡＢＣ = abc, Straße = strasse."""
    return _nfkc(_nfkc(text.translate(_COMMON)).casefold())


def _words(text: str) -> list[str]:
    return [w[:WORD_MAX] for w in WORD.findall(text)]


def index_terms(text: str) -> Counter:
    """Every term of already folded text with its count: characters, pairs and words.

    The runs of Chinese are joined by NUL, so that characters and pairs are counted in C
    over one string; the pairs that straddle two runs are then dropped.
    """
    runs = "\0".join(HAN_RUN.findall(text))
    terms = Counter(runs)
    terms.pop("\0", None)
    pairs = Counter(map(str.__add__, runs, runs[1:]))
    for straddling in [pair for pair in pairs if "\0" in pair]:
        del pairs[straddling]
    terms.update(pairs)
    terms.update(_words(text))
    return terms


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
