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
from urllib.parse import quote

SLUG_OK = re.compile(r"^[a-z0-9-]+$")  # the contract's slug rule: kept as it is

# The URL prefix of each content folder; pages live at the site root.
SECTION = {
    "sessions": "sessions",
    "deputies": "deputies",
    "voices": "voices",
    "reports": "reports",
    "news": "news",
    "suggestions": "suggestions",
    "topics": "topics",
    "resolutions": "resolutions",
    "appointments": "appointments",
    "notices": "notices",
    "duties": "duties",  # 依法履职: the column of resolutions and appointments
    "pages": "",
}
# Top-level names the generator itself uses; a standalone page may not take them.
RESERVED = frozenset(SECTION.values()) | {"static", "media", "search", "feeds", "404.html",
                                          "index.html", "sitemap.xml", "robots.txt",
                                          "page"}


# Pinyin is slow to load (pypinyin's dictionaries: ~0.2 s) and slow to compute, so both
# results below are memoised; the Builder keeps the memo in the site's .cache between runs,
# and pypinyin is imported only on a miss. Keys are the texts, so a memo is never stale.
PINYIN_MEMO: dict[str, dict[str, str]] = {"slug": {}, "sort": {}}


def slugify(text: str) -> str:
    """An ASCII, lowercase, hyphenated form of any text; Chinese becomes pinyin.

    周道杨 -> zhou-dao-yang; 2021年工作报告 -> 2021-nian-gong-zuo-bao-gao.
    Never empty: text with nothing spellable gets a short stable hash.
    """
    memo = PINYIN_MEMO["slug"]
    hit = memo.get(text)
    if hit is None:
        hit = memo[text] = _slugify(text)
    return hit


def pinyin_key(text: str) -> str:
    """Sort key for Chinese names and titles: their pinyin (王佳杭 -> "wang jia hang")."""
    memo = PINYIN_MEMO["sort"]
    hit = memo.get(text)
    if hit is None:
        from pypinyin import lazy_pinyin
        hit = memo[text] = " ".join(lazy_pinyin(text))
    return hit


def _slugify(text: str) -> str:
    if SLUG_OK.match(text):
        return text
    from pypinyin import Style, lazy_pinyin
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
    rel = _relpath(path or ".", base_dir or ".") if path or base_dir else "."
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    if rel == "./" and frag:
        rel = ""
    return rel + (sep + frag if sep else "")


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for site-relative paths, without its getcwd() and abspath() calls.

    Every page links to dozens of others, so this runs ~40 times per page.
    """
    if ".." in path or ".." in start or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    a = [c for c in start.split("/") if c and c != "."]
    b = [c for c in path.split("/") if c and c != "."]
    i = 0
    for x, y in zip(a, b):
        if x != y:
            break
        i += 1
    return "/".join([".."] * (len(a) - i) + b[i:]) or "."


def media_path(rel: str) -> str:
    """Where a file under media/ is published: its path, each non-ASCII part spelt in pinyin.

    Editors name media files as they like (media/照片/会场.jpg); every URL of the site is
    ASCII, so it is published as media/zhao-pian/hui-chang.jpg, bytes unchanged. ASCII
    names are kept exactly as written.
    """
    parts = rel.split("/")
    for i, part in enumerate(parts):
        if part.isascii():
            continue
        stem, dot, ext = part.rpartition(".") if "." in part.strip(".") else (part, "", "")
        parts[i] = slugify(stem) + (dot + (ext if ext.isascii() else slugify(ext)) if dot else "")
    return "/".join(parts)


def media_url(rel: str) -> str:
    """The site-relative URL of a media file (media_path), escaped for an attribute."""
    return quote(media_path(rel), safe="/-._~")


def absolute(target: str, base_url: str) -> str:
    """Absolute URL of a site-relative URL, for feeds, canonical links and sitemaps."""
    return base_url + target


def rooted(target: str, base_path: str) -> str:
    """Path from the host's root, for pages served at unknown URLs (404.html)."""
    return base_path + target


# -- discovery: search page, feeds, sitemap, open data (all site-relative) ----
SEARCH_URL = "search/"
SEARCH_INDEX_DIR = "search/index"  # the search index (searchindex.py), written with the pages
SITEMAP_URL = "sitemap.xml"
ROBOTS_URL = "robots.txt"


def feed_url(scope: str = "", slug: str = "") -> str:
    """URL of an Atom feed: the whole site's ("feeds/all.xml"), or a session's or topic's."""
    return f"feeds/{scope}/{slug}.xml" if scope else "feeds/all.xml"


def sitemap_part_url(number: int) -> str:
    """URL of part N of a sitemap split into an index (a name no page slug can take)."""
    return f"sitemap-{number}.xml"


def voices_data_url(session_url: str, ext: str) -> str:
    """Open data: a session's voices as csv or json, beside the session's page."""
    return f"{session_url}voices.{ext}"


def suggestions_data_url(session_url: str, ext: str) -> str:
    """Open data: a session's suggestions as csv or json, beside the session's page."""
    return f"{session_url}suggestions.{ext}"


def committee_data_url(folder: str, ext: str) -> str:
    """Open data: all resolutions or all appointment entries as csv or json, beside their list."""
    return f"{list_url(folder)}{folder}.{ext}"


def year_url(section: str, year: int | None, page: int = 1) -> str:
    """A list by year: the newest year at the list's own URL ("resolutions/"), others below it
    ("resolutions/2021/"); page N of a year as any list's ("resolutions/2021/page/2/")."""
    return list_url(f"{section}/{year}" if year is not None else section, page)


NOTICES_FEED_URL = "feeds/notices.xml"  # the notices' own feed
NOTICES_ARCHIVE = "notices/archive"  # notices past their `until`, by year


def people_data_url(ext: str) -> str:
    """Open data: the list of people as csv or json, beside the people list."""
    return f"{list_url('deputies')}people.{ext}"


# -- suggestions (代表建议): a session's list and its filters, beside the session's page ----
def suggestions_url(session_url: str, dimension: str = "", value: str = "") -> str:
    """A session's suggestions ("sessions/1-1/suggestions/"), or one filter of them (".../status/answered/")."""
    return f"{session_url}suggestions/" + (f"{dimension}/{value}/" if dimension else "")
