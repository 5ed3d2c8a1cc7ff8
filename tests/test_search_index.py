"""The search index as data: terms, codes, ids, and an index changed page by page that is byte
for byte the index made afresh. Pure: no build, no disk (the index on real sites is checked in
test_discovery.py, test_incremental.py and, in Chromium, tests/browser/test_search*.py)."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest

from generator.outputs import searchcodec as codec
from generator.outputs import searchindex as si
from generator.outputs import searchupdate as su
from generator.outputs.searchcodec import decode_postings, encode_postings, read_varints, varint
from generator.pages.searchdocs import SearchDoc
from generator.outputs.searchtext import covering_pairs, fold, index_terms, query_terms

WORDS = ["停车", "养老", "代表", "七格公园", "医疗卫生", "老旧小区", "电梯", "教育", "营商环境", "ABC", "2021年"]


def doc(n: int, rng: random.Random, date: str | None = None) -> SearchDoc:
    body = "，".join(rng.choice(WORDS) + rng.choice(["问题", "建设", "工作", "服务"]) for _ in range(rng.randint(5, 60)))
    return SearchDoc(source=f"content/voices/v{n:03d}.md", url=f"voices/v{n:03d}/", title=f"关于{rng.choice(WORDS)}的建议{n}",
                     kind=rng.choice(["代表心声", "新闻", "人大代表"]), session=rng.choice(["", "第一次会议", "第二次会议"]),
                     topics=tuple(rng.sample(["医疗卫生", "交通出行", "教育"], rng.randint(0, 2))),
                     date=date if date is not None else rng.choice(["", f"2021-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"]),
                     people=rng.choice(["", "王大祝"]), heading="", labels="", body=body + "。")


def fresh(docs: dict[str, SearchDoc]) -> dict[str, bytes]:
    return {f.path: f.data for f in si.build_from_docs(docs.values())[1]}  # type: ignore[misc]


def test_terms_are_characters_pairs_and_words():
    assert index_terms(fold("王大祝，停车ABC 2021年")) == {
        "王": 1, "大": 1, "祝": 1, "停": 1, "车": 1, "年": 1, "王大": 1, "大祝": 1, "停车": 1, "abc": 1, "2021": 1}
    assert fold("２０２１ ＡＢＣ Straße") == "2021 abc strasse"
    assert covering_pairs("共同富裕") == ["共同", "富裕"] and covering_pairs("王大祝") == ["王大", "大祝"]
    assert query_terms(fold("七格公园2021年")) == ["七格", "公园", "2021", "年"]
    assert query_terms("停") == ["停"]


def test_codes_round_trip():
    rng = random.Random(3)
    for _ in range(200):
        ids = sorted(rng.sample(range(0, 10**9 if rng.random() < 0.5 else 3000), rng.randint(1, 200)))
        levels = [rng.randint(1, 63) for _ in ids]
        assert decode_postings(encode_postings(ids, levels)) == dict(zip(ids, levels))
    assert read_varints("".join(varint(n) for n in (0, 31, 32, 10**9))) == [0, 31, 32, 10**9]
    with pytest.raises(ValueError):
        decode_postings(encode_postings([5], [3])[:-1])


def test_ids_stay_as_pages_come_and_go():
    rng = random.Random(5)
    dates = {f"p{n}": rng.choice(["", "2021-07-20", "2022-01-10"]) for n in range(300)}
    before = si.page_ids(dates)
    assert len(set(before.values())) == len(before)
    assert all(  # newer pages have higher ids
        before[a] < before[b] for a in dates for b in dates if dates[a] and dates[b] and dates[a] < dates[b])
    dates.pop("p7")
    dates["new"] = "2021-07-20"
    after = si.page_ids(dates)
    moved = [s for s in dates if s in before and before[s] != after[s]]
    assert len(moved) <= 2  # only where a slot collided


def test_titles_and_names_weigh_more_than_body_text():
    page = SearchDoc("a.md", "a/", "停车", "代表心声", "", (), "", "", "停车", "", "养老" * 3 + "停车" * 3)
    assert si.impacts(page)["停车"] > si.impacts(page)["养老"]


def test_a_page_titled_by_a_phrase_outranks_bodies_that_repeat_it():
    """Saturation alone would let a body saying 义务教育均衡发展 four times draw level with the
    page of that title (seen on a 2,000-page corpus); the title bonus keeps the title first."""
    phrase = "义务教育均衡发展"
    filler = "代表们围绕停车、养老等问题建言献策。" * 20
    titled = SearchDoc("t.md", "t/", phrase, "新闻", "", (), "", "", phrase, "", filler + phrase)
    repeated = SearchDoc("r.md", "r/", "社区里的新鲜事", "新闻", "", (), "", "", "社区里的新鲜事", "",
                         (filler + phrase) * 4)
    terms = query_terms(fold(phrase))
    score = lambda d: sum(si.impacts(d)[t] for t in terms)  # noqa: E731  (idf is the same for both)
    assert score(titled) > 1.5 * score(repeated)


@pytest.mark.parametrize("dense", [codec.DENSE, 40])
def test_an_index_changed_page_by_page_is_the_index_made_afresh(monkeypatch, dense):
    """Also with terms in 40 pages published without their impacts: terms cross that line as
    pages come and go, and the published shards still equal a fresh build's."""
    monkeypatch.setattr(codec, "DENSE", dense)
    rng = random.Random(11)
    docs = {d.source: d for d in (doc(n, rng) for n in range(120))}
    state, files = si.build_from_docs(docs.values())
    published = {f.path: f.data for f in files}
    counter = 200
    for step in range(40):
        changed: dict[str, tuple] = {}
        for _ in range(rng.randint(1, 4)):
            source, roll = rng.choice(sorted(docs)), rng.random()
            old = changed.get(source, (docs.get(source), None))[0]
            if roll < 0.5:  # an edit of the text
                docs[source] = dataclasses.replace(docs[source], body=docs[source].body + rng.choice(WORDS) + "。")
            elif roll < 0.65:  # a page removed
                del docs[source]
            elif roll < 0.8:  # a new date: the page's id moves
                docs[source] = dataclasses.replace(docs[source], date=f"2023-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}")
            else:  # a page added
                counter += 1
                new = doc(counter, rng, date="2021-07-20")
                docs[new.source] = new
                source, old = new.source, None
            changed[source] = (old, docs.get(source))
        made = su.update_index(state, {s: c for s, c in changed.items() if c != (None, None)},
                               {s: si.row_of(d) for s, d in docs.items()}, docs.__getitem__)
        published = {p: d for p, d in published.items() if p in state.files}
        published.update({f.path: f.data for f in made})
        assert published == fresh(docs), f"step {step}"
    assert len(state.shards) > 1  # the test grew past one shard
    shards = [json.loads(data) for path, data in published.items() if "/t/" in path]
    dense_terms = [term for shard in shards for term, text in shard.items() if text.startswith("!")]
    assert bool(dense_terms) == (dense == 40)


def test_a_term_in_most_pages_is_published_without_its_impacts(monkeypatch):
    monkeypatch.setattr(codec, "DENSE", 6)
    ids, levels = [3, 9, 40, 41, 77, 100, 4000], [5, 38, 31, 1, 33, 12, 7]
    kept = encode_postings(ids, levels)
    published = codec.published_postings(kept)
    assert published.startswith("!") and len(published) < len(kept)
    assert codec.read_published(published) == {3: 15, 9: 47, 40: 15, 41: 15, 77: 47, 100: 15, 4000: 15}
    few = encode_postings(ids[:5], levels[:5])  # in fewer pages: published as kept
    assert codec.published_postings(few) == few and codec.read_published(few) == dict(zip(ids[:5], levels[:5]))


def test_an_edit_rewrites_only_the_shards_of_its_changed_terms():
    rng = random.Random(2)
    docs = {d.source: d for d in (doc(n, rng) for n in range(300))}
    state, files = si.build_from_docs(docs.values())
    source = sorted(docs)[10]
    old, new = docs[source], dataclasses.replace(docs[source], body=docs[source].body + "电梯")
    made = su.update_index(state, {source: (old, new)}, {s: si.row_of(d) for s, d in docs.items()}, docs.__getitem__)
    shards = [f for f in made if "/t/" in f.path]
    assert 1 <= len(shards) < len(state.shards) / 2
    assert {f.path for f in made} - {f.path for f in shards} == {si.MANIFEST, si.doc_path(state.ids[source])}
