"""A big site's search index comes in bundles: the plan, and what builds publish.

Pagefind holds a whole index in memory while making it (about 0.5 MB a page), so a site
of more than CONGRESS_SEARCH_BUNDLE_PAGES indexed pages is indexed as several bundles that
static/search.js merges (tests/browser/test_search.py searches one in Chromium). Here:
the plan (pure: every page once, bundles in date order, sizes bounded, an edit or an
added page touching few bundles), and real builds with a small bundle size (real
Pagefind): the published bundles match the plan, a one-page edit indexes only what it
must, and incremental output equals a clean build byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench.corpus import generate
from generator import pipeline, search
from generator.builder import Builder
from generator.cache import CACHE_DIR
from generator.inputs import BUNDLE_ENV
from generator.pagefind_order import _read
from generator.urls import PAGEFIND_DIR
from tests.conftest import TODAY, snapshot

LIMIT = 12


# -- the plan ------------------------------------------------------------------------------

def _entry(n: int, day: dt.date) -> SimpleNamespace:
    return SimpleNamespace(url=f"voices/v{n:05d}/", sort_date=day, published=True)


def _site(entries: list) -> SimpleNamespace:
    return SimpleNamespace(sessions=[], people=[], voices=list(entries), reports=[], news=[], pages=[],
                           suggestions=[], resolutions=[], appointments=[], notices=[])


def _entries(count: int, seed: int = 5) -> list[SimpleNamespace]:
    rng = random.Random(seed)
    start = dt.date(2015, 1, 1)
    return [_entry(n, start + dt.timedelta(days=rng.randrange(3000))) for n in range(count)]


def _members(plan: list[search.Bundle]) -> list[frozenset[str]]:
    return [frozenset(e.url for e in shard.entries) for shard in plan]


def test_a_site_within_the_limit_has_one_bundle_at_the_usual_place():
    plan = search.plan_bundles(_site(_entries(40)), limit=40)
    assert [s.folder for s in plan] == [PAGEFIND_DIR] and len(plan[0].entries) == 40
    assert search.plan_bundles(_site([]), limit=40) == []


def test_every_page_is_in_one_bundle_of_bounded_size_in_date_order():
    entries = _entries(1000)
    plan = search.plan_bundles(_site(entries), limit=LIMIT * 4)
    assert plan[0].folder == PAGEFIND_DIR
    assert len({s.folder for s in plan}) == len(plan)
    assert all(s.folder.startswith(PAGEFIND_DIR + "/") for s in plan[1:])
    urls = [e.url for s in plan for e in s.entries]
    assert sorted(urls) == sorted(e.url for e in entries)
    assert all(len(s.entries) <= LIMIT * 4 for s in plan)
    assert all(len(s.entries) >= LIMIT for s in plan[1:])  # only the newest may be smaller than limit/4
    # newest first: every page of a bundle is at least as new as every page of the next one
    for newer, older in zip(plan, plan[1:]):
        assert min(e.sort_date for e in newer.entries) >= max(e.sort_date for e in older.entries)


def test_the_plan_depends_on_the_pages_only():
    entries = _entries(300)
    shuffled = entries[:]
    random.Random(1).shuffle(shuffled)
    assert search.plan_bundles(_site(entries), limit=LIMIT) == search.plan_bundles(_site(shuffled), limit=LIMIT)


@pytest.mark.parametrize("change", ["add", "remove"])
def test_adding_or_removing_one_page_changes_few_bundles(change):
    """Content-defined cuts: a change moves the bundles around it only (fixed-size cuts
    would shift every bundle after it)."""
    entries = _entries(600)
    before = _members(search.plan_bundles(_site(entries), limit=LIMIT))
    rng = random.Random(9)
    changed_counts = []
    for trial in range(60):
        if change == "add":
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
            after_entries = entries + [_entry(90000 + trial, day)]
        else:
            gone = rng.randrange(len(entries))
            after_entries = entries[:gone] + entries[gone + 1:]
        after = _members(search.plan_bundles(_site(after_entries), limit=LIMIT))
        changed_counts.append(len(set(after) - set(before)))
    assert max(changed_counts) <= 4, changed_counts
    assert sum(changed_counts) / len(changed_counts) <= 2.5, changed_counts
    assert len(before) >= 600 // LIMIT  # many bundles: the bound above means something


# -- real builds -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("bundles") / "site"
    generate(site, 60, seed=11)
    return site


def _build(site: Path, out: Path, monkeypatch) -> pipeline.BuildResult:
    monkeypatch.setenv(BUNDLE_ENV, str(LIMIT))
    return pipeline.build(site, out, today=TODAY)


def _index(out: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in snapshot(out).items() if rel.startswith(PAGEFIND_DIR + "/")}


def _clean(site: Path, where: Path, monkeypatch) -> dict[str, bytes]:
    copy = where / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "public"))
    _build(copy, where / "public", monkeypatch)
    return _index(where / "public")


def test_published_bundles_are_the_plan(corpus, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(corpus, site)
    out = tmp_path / "public"
    _build(site, out, monkeypatch)
    model = Builder(site, today=TODAY).build().site
    plan = search.plan_bundles(model, limit=LIMIT)
    assert len(plan) >= 4
    ids = json.loads((out / PAGEFIND_DIR / search.BUNDLES).read_text(encoding="utf-8"))
    assert ids == [s.id for s in plan] and len(set(ids)) == len(ids)
    assert [s.folder for s in plan] == [PAGEFIND_DIR] + [f"{PAGEFIND_DIR}/{i}" for i in ids[1:]]
    for shard in plan:
        entry = json.loads((out / shard.folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh-cn"]["page_count"] == len(shard.entries)
        assert not (out / shard.folder / "pagefind-ui.js").exists()
        # each page names its bundle in a filter: search.js lists a search by filters bundle by bundle
        meta = _read(out / shard.folder / f"pagefind.{entry['languages']['zh-cn']['hash']}.pf_meta")
        (filter_hash,) = [h for name, h in meta[3] if name == search.BUNDLE_FILTER]
        name, values = _read(out / shard.folder / "filter" / f"{filter_hash}.pf_filter")
        assert [(v, len(pages)) for v, pages in values] == [(shard.id, len(shard.entries))]
    assert sum(len(s.entries) for s in plan) == len(search.indexed_entries(model))
    # one copy of Pagefind's code: merged bundles use the first one's (static/search.js)
    assert (out / PAGEFIND_DIR / "pagefind.js").is_file()


def test_one_edited_page_indexes_its_bundles_only_and_equals_a_clean_build(corpus, tmp_path, monkeypatch,
                                                                           pagefind_runs):
    site = tmp_path / "site"
    shutil.copytree(corpus, site)
    out = tmp_path / "public"
    _build(site, out, monkeypatch)
    bundles = len(pagefind_runs)
    assert bundles >= 4
    voice = sorted((site / "content" / "voices").rglob("*.md"))[3]
    text = voice.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    voice.write_text(f"{head}\n---\n新增加的一段话：菱湖渡口的夜班公交。\n\n{body}", encoding="utf-8")
    del pagefind_runs[:]
    _build(site, out, monkeypatch)
    # the voice's bundle, and at most those of the pages that list it (its session, its speaker)
    assert 1 <= len(pagefind_runs) <= 3 < bundles, pagefind_runs
    assert _index(out) == _clean(site, tmp_path / "clean", monkeypatch)


def test_a_page_moving_to_another_bundle_equals_a_clean_build(corpus, tmp_path, monkeypatch, pagefind_runs):
    """A news item re-dated to years earlier leaves the newest bundles for the oldest."""
    site = tmp_path / "site"
    shutil.copytree(corpus, site)
    out = tmp_path / "public"
    _build(site, out, monkeypatch)
    news = sorted((site / "content" / "news").rglob("*.md"))[-1]
    text = news.read_text(encoding="utf-8")
    assert "\ndate: " in text
    head, _, rest = text.partition("\ndate: ")
    news.write_text(f"{head}\ndate: 2001-01-01{rest[10:]}", encoding="utf-8")
    del pagefind_runs[:]
    _build(site, out, monkeypatch)
    assert pagefind_runs
    assert _index(out) == _clean(site, tmp_path / "clean", monkeypatch)
