"""Stylesheets and scripts are published minified (generator/engine/minify.py); everything else as it is."""

from __future__ import annotations

import hashlib
import re

import rcssmin
import rjsmin

from tests.conftest import PROJECT


def test_stylesheets_are_published_minified_and_versioned_by_the_bytes_published(real_site):
    for css in sorted((PROJECT / "static").glob("*.css")):
        published = (real_site / "static" / css.name).read_bytes()
        assert published == rcssmin.cssmin(css.read_bytes()) and b"/*" not in published, css.name
    site_css = (real_site / "static" / "site.css").read_bytes()
    assert len(site_css) < 0.85 * (PROJECT / "static" / "site.css").stat().st_size
    # Spaces that are syntax stay: calc()/max() operators, descendant combinators before :is().
    for kept in (b"calc(-1 * var(--gutter))", b"(100% - var(--wrap)) / 2 + 1rem", b".mode-large :is("):
        assert kept in site_css, kept
    home = (real_site / "index.html").read_text(encoding="utf-8")
    version = re.search(r'static/site\.css\?v=([0-9a-f]+)"', home).group(1)
    assert version == hashlib.sha256(site_css).hexdigest()[:10]  # a new minifier gives a new URL


def test_scripts_are_published_minified_and_versioned_by_the_bytes_published(real_site):
    for js in sorted((PROJECT / "static").glob("*.js")):
        published = (real_site / "static" / js.name).read_bytes()
        assert published == rjsmin.jsmin(js.read_bytes()) and b"/*" not in published, js.name
    search_js = (real_site / "static" / "search.js").read_bytes()
    assert len(search_js) < 0.8 * (PROJECT / "static" / "search.js").stat().st_size
    page = (real_site / "search" / "index.html").read_text(encoding="utf-8")
    version = re.search(r'static/search\.js\?v=([0-9a-f]+)"', page).group(1)
    assert version == hashlib.sha256(search_js).hexdigest()[:10]


def test_other_static_files_are_published_as_they_are(real_site):
    others = [p for p in (PROJECT / "static").iterdir() if p.is_file() and p.suffix not in (".css", ".js")]
    assert others
    for path in others:
        assert (real_site / "static" / path.name).read_bytes() == path.read_bytes(), path.name
