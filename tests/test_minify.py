"""Stylesheets and scripts are published minified (generator/engine/minify.py); everything else as it is."""

from __future__ import annotations

import hashlib
import re

import rcssmin
import rjsmin

from tests.conftest import PROJECT


def published_minified(real_site, suffix: str, minify, asset: str, page: str) -> bytes:
    """Every static file of `suffix` as published: minified from its source (no comment left), and
    `asset` linked from `page` by a version taken from the bytes published. Returns `asset`'s bytes."""
    for source in sorted((PROJECT / "static").glob(f"*{suffix}")):
        published = (real_site / "static" / source.name).read_bytes()
        assert published == minify(source.read_bytes()) and b"/*" not in published, source.name
    data = (real_site / "static" / asset).read_bytes()
    html = (real_site / page).read_text(encoding="utf-8")
    version = re.search(rf'static/{re.escape(asset)}\?v=([0-9a-f]+)"', html).group(1)
    assert version == hashlib.sha256(data).hexdigest()[:10]  # a new minifier gives a new URL
    return data


def test_stylesheets_are_published_minified_and_versioned_by_the_bytes_published(real_site):
    site_css = published_minified(real_site, ".css", rcssmin.cssmin, "site.css", "index.html")
    assert len(site_css) < 0.85 * (PROJECT / "static" / "site.css").stat().st_size
    # Spaces that are syntax stay: calc()/max() operators, descendant combinators before :is().
    for kept in (b"calc(-1 * var(--gutter))", b"(100% - var(--wrap)) / 2 + 1rem", b".mode-large :is("):
        assert kept in site_css, kept


def test_scripts_are_published_minified_and_versioned_by_the_bytes_published(real_site):
    search_js = published_minified(real_site, ".js", rjsmin.jsmin, "search.js", "search/index.html")
    assert len(search_js) < 0.8 * (PROJECT / "static" / "search.js").stat().st_size


def test_other_static_files_are_published_as_they_are(real_site):
    others = [p for p in (PROJECT / "static").iterdir() if p.is_file() and p.suffix not in (".css", ".js")]
    assert others
    for path in others:
        assert (real_site / "static" / path.name).read_bytes() == path.read_bytes(), path.name
