"""Stylesheets and scripts as readers get them: comments and spaces taken out at build time.

The theme's CSS and JavaScript are written to be read and explained (static/site.css,
static/search.js); readers need none of that. With rcssmin (comments and spaces that change
nothing removed, `calc()`/`max()` left intact) every page sends about a fifth less CSS, and
with rjsmin (the same author's JavaScript counterpart: comments and spaces only, no renaming,
regular expressions and strings left as they are) the search page a third less script, which
keeps a page's HTML + CSS + JS within its 60 KB budget. Deterministic: the same file gives the
same bytes. Media and every other file are published as they are.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def published(rel: str, path: Path) -> bytes | None:
    """The bytes to publish for the site-relative file `rel` read from `path`, or None when the
    file is published as it is (it is then not read here)."""
    minify = MINIFIERS.get(Path(rel).suffix) if rel.startswith("static/") else None
    return minify(path.read_bytes()) if minify else None
