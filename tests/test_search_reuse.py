"""The search index is made again only when what Pagefind reads changed.

A rebuild whose pages give Pagefind the same input (a template changed outside
<main>) links the published index into the new output instead of running
Pagefind; any change to an indexed page's content, or any doubt about the
published index files, and Pagefind runs. Either way the index is byte for byte
the one a clean build makes. Real Pagefind, real builds (generator.pipeline).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.cache import CACHE_DIR
from tests.conftest import PROJECT, SITE_YAML, TODAY, snapshot, write_site
from tests.test_incremental import FILES

VOICE_MD = "content/voices/zhou-yi-liao.md"


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """A small site with its own copy of base.html, built once."""
    site = write_site(tmp_path / "site", FILES, SITE_YAML)
    (site / "templates").mkdir()
    shutil.copy(PROJECT / "templates" / "base.html", site / "templates" / "base.html")
    out = tmp_path / "public"
    pipeline.build(site, out, today=TODAY)
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    return site, out


def _index(out: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in snapshot(out).items() if rel.startswith("pagefind/")}


def _clean_index(site: Path, where: Path) -> dict[str, bytes]:
    copy = where / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR))
    pipeline.build(copy, where / "public", today=TODAY)
    return _index(where / "public")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_template_change_outside_the_content_reuses_the_published_index(built, pagefind_runs, tmp_path):
    site, out = built
    _edit(site / "templates" / "base.html", "</body>", "<!-- 页脚以下的修改 -->\n</body>")
    result = pipeline.build(site, out, today=TODAY)
    assert result.changed
    assert "<!-- 页脚以下的修改 -->" in (out / "index.html").read_text(encoding="utf-8")
    assert pagefind_runs == []
    assert _index(out) == _clean_index(site, tmp_path / "clean")


def test_a_changed_body_indexes_again(built, pagefind_runs, tmp_path):
    site, out = built
    before = _index(out)
    _edit(site / VOICE_MD, "周道杨代表建议", "周道杨代表再次建议")
    pipeline.build(site, out, today=TODAY)
    assert len(pagefind_runs) == 1
    index = _index(out)
    assert index != before
    assert index == _clean_index(site, tmp_path / "clean")


def test_a_change_inside_main_of_a_template_indexes_again(built, pagefind_runs, tmp_path):
    site, out = built
    _edit(site / "templates" / "base.html", "{% block main %}{% endblock %}",
          "{% block main %}{% endblock %}<p>本站内容均来自区人大常委会。</p>")
    pipeline.build(site, out, today=TODAY)
    assert len(pagefind_runs) == 1
    assert _index(out) == _clean_index(site, tmp_path / "clean")


@pytest.mark.parametrize("doubt", ["index file changed", "index file removed", "memory damaged"])
def test_any_doubt_about_the_published_index_runs_pagefind(built, pagefind_runs, tmp_path, doubt):
    site, out = built
    if doubt == "memory damaged":
        for path in (site / CACHE_DIR).glob("search-*"):
            path.write_bytes(b"not a cache")
    else:
        fragment = sorted((out / "pagefind" / "fragment").iterdir())[0]
        if doubt == "index file changed":
            fragment.write_bytes(fragment.read_bytes()[:-1] + b"\x00")
        else:
            fragment.unlink()
    _edit(site / "templates" / "base.html", "</body>", "<!-- 改 -->\n</body>")
    pipeline.build(site, out, today=TODAY)
    assert len(pagefind_runs) == 1
    assert _index(out) == _clean_index(site, tmp_path / "clean")
