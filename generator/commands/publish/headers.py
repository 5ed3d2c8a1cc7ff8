"""The HTTP headers an object store serves each published file with.

A static host like nginx decides these itself; an S3-compatible store serves exactly what
the upload said. Two small tables, first match wins, so that a new kind of file or a new
cache rule is one line:

- CONTENT_TYPES: by extension. Text types carry charset=utf-8 (a store's default,
  ISO-8859-1 or none, shows Chinese as mojibake); CSV goes as published, BOM included.
- CACHE_RULES: by path. Files whose URL changes when their bytes do are cached for a year
  and marked immutable: the search index's parts, whose names carry their content's hash,
  and the theme's CSS and JS, which every page asks for as `static/x.css?v=<hash>`. HTML,
  feeds, the sitemap and open data are cached briefly, so a correction shows within
  minutes. A search manifest names the other parts of the index, which a publish deletes
  once they are no longer used: browsers ask for it again every time (`no-cache`).
"""

from __future__ import annotations

import fnmatch
import mimetypes
import posixpath

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
REVALIDATE = "no-cache"
MEDIUM = "public, max-age=3600"  # editors' media and anything else: replaced in place now and then

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xslt+xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
}
# Atom feeds: their own type, so that feed readers and browsers know them
PATH_TYPES = (("feeds/*.xml", "application/atom+xml; charset=utf-8"),)

CACHE_RULES = (
    ("search/index/manifest.json", REVALIDATE),  # names the term shards by their hashes
    ("search/index/t/*", LONG),  # term shards: named by their content's hash
    ("search/index/d/*", SHORT),  # a page's record: named by the page, changes with it
    ("static/*.css", LONG),  # the theme asks for them with ?v=<hash>
    ("static/*.js", LONG),
    ("*.html", SHORT),
    ("*.xml", SHORT),  # feeds and the sitemap
    ("robots.txt", SHORT),
    ("*.csv", SHORT),  # open data
    ("*.json", SHORT),
    ("*", MEDIUM),
)


def content_type(path: str) -> str:
    """The Content-Type of a published file."""
    for pattern, kind in PATH_TYPES:
        if fnmatch.fnmatchcase(path, pattern):
            return kind
    ext = posixpath.splitext(path)[1].lower()
    if ext in CONTENT_TYPES:
        return CONTENT_TYPES[ext]
    guess, _ = mimetypes.guess_type(path, strict=False)
    return guess or "application/octet-stream"


def cache_control(path: str) -> str:
    """The Cache-Control of a published file: the first rule whose pattern matches its path."""
    for pattern, rule in CACHE_RULES:
        if fnmatch.fnmatchcase(path, pattern):
            return rule
    return MEDIUM


def headers(path: str) -> dict[str, str]:
    """The upload's arguments that become the file's headers (boto3's names)."""
    return {"ContentType": content_type(path), "CacheControl": cache_control(path)}
