"""THE one place that decides slugs, output paths and URLs.

Every URL is site-relative ("voices/zhou-dao-yang/") inside the model; pages
link to each other with paths relative to themselves, so the output works
under any sub-path of base_url and from a plain static server alike.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The URL prefix of each content folder; pages live at the site root.
SECTION = {
    "sessions": "sessions",
    "deputies": "deputies",
    "voices": "voices",
    "reports": "reports",
    "news": "news",
    "suggestions": "suggestions",
    "topics": "topics",
    "pages": "",
}
# Top-level names the generator itself uses; a standalone page may not take them.
RESERVED = frozenset(SECTION.values()) | {"static", "media", "search", "feeds", "404.html",
                                          "index.html", "sitemap.xml", "robots.txt", "pagefind",
                                          "page"}


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """An ASCII, lowercase, hyphenated form of any text; Chinese becomes pinyin.

    周道杨 -> zhou-dao-yang; 2021年工作报告 -> 2021-nian-gong-zuo-bao-gao.
    Never empty: text with nothing spellable gets a short stable hash.
    """
    if SLUG_OK.match(text):
        return text
    parts = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: [chunk])
    ascii_text = unicodedata.normalize("NFKD", " ".join(parts)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return slug[:80].strip("-")


def entry_url(folder: str, slug: str) -> str:
    """URL of a content item's page, e.g. ("voices", "abc") -> "voices/abc/"."""
    prefix = SECTION[folder]
    return f"{prefix}/{slug}/" if prefix else f"{slug}/"


def list_url(section: str, page: int = 1) -> str:
    """URL of page N of a paginated list; page 1 is the list's own folder."""
    base = f"{section}/" if section else ""
    return base if page == 1 else f"{base}page/{page}/"


def output_path(url: str) -> str:
    """The file a URL is served from: pretty URLs end in index.html."""
    if url == "" or url.endswith("/"):
        return url + "index.html"
    return url


def relative(target: str, current: str) -> str:
    """Link from the page at `current` to `target`, both site-relative URLs.

    Fragments and queries on the target are kept; the result never starts
    with "/" so that the site can be moved under any sub-path.
    """
    path, sep, frag = target.partition("#")
    base_dir = current if current.endswith("/") or current == "" else posixpath.dirname(current) + "/"
    if base_dir == "/":
        base_dir = ""
    rel = posixpath.relpath(path or ".", base_dir or ".") if path or base_dir else "."
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    if rel == "./" and frag:
        rel = ""
    return rel + (sep + frag if sep else "")


def absolute(target: str, base_url: str) -> str:
    """Absolute URL of a site-relative URL, for feeds, canonical links and sitemaps."""
    return base_url + target


def rooted(target: str, base_path: str) -> str:
    """Path from the host's root, for pages served at unknown URLs (404.html)."""
    return base_path + target
