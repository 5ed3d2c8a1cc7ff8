"""Markdown to safe HTML: Python-Markdown set up once, then nh3, then our links.

Conversion (`MarkdownRenderer.convert`) is pure text -> text and cacheable.
`finalize` sanitises with nh3 and, in the same pass, rewrites links to other
content files (`../news/x.md`) and to media/ into URLs decided by urls.py.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote, urlsplit

import markdown
import nh3

from .urls import slugify

CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
CJK_BREAK = re.compile(f"([{CJK}])\\n([{CJK}])")
HEADING = re.compile(r"<(/?)h([1-6])\b")
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "tt", "strike", "acronym", "map", "area"} | {"section"}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang"},
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "sup": {"id"}, "li": {"id"}, "ol": {"start"}, "abbr": {"title"},
}


def _heading_id(value: str, separator: str) -> str:
    return slugify(html.unescape(value))


@dataclass(frozen=True)
class Rendered:
    """What Markdown made of a body: unsanitised HTML and its table of contents."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, id, text)


class MarkdownRenderer:
    """One configured Python-Markdown instance, reset between documents."""

    SETTINGS = ("extra", "toc", "sane_lists")  # part of the cache key of rendered bodies

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=list(self.SETTINGS),
            extension_configs={"toc": {"slugify": _heading_id, "permalink": False}},
            output_format="html",
        )

    def convert(self, text: str) -> Rendered:
        """Render Markdown; join CJK lines without the space a line break would leave."""
        self._md.reset()
        out = self._md.convert(text)
        out = CJK_BREAK.sub(r"\1\2", out)
        toc = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        return Rendered(out, toc)


def _flatten(tokens: list[dict]) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for tok in tokens:
        out.append((tok["level"], tok["id"], html.unescape(TAG.sub("", tok["name"]))))
        out.extend(_flatten(tok.get("children", [])))
    return out


LinkResolver = Callable[[str, str], str | None]
"""(attribute, raw URL) -> new URL, or None to drop the link (it then reads as plain text)."""


def finalize(raw_html: str, resolve: LinkResolver) -> str:
    """Sanitise HTML with nh3 and pass every href/src through `resolve`.

    nh3 has already removed `javascript:` and other unsafe schemes, event
    handlers and scripts by the time `resolve` sees a URL.
    """
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if (tag == "a" and attr == "href") or (tag == "img" and attr == "src"):
            return resolve(attr, value)
        return value

    clean = nh3.clean(raw_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      attribute_filter=attribute_filter, link_rel=None,
                      url_schemes={"http", "https", "mailto", "tel"},
                      filter_style_properties={"text-align"}, strip_comments=True)
    if "<h1" in clean:  # the page's title is its only <h1>: push body headings down
        clean = HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", clean)
    return clean


def split_target(base_file: str, url: str) -> tuple[str, str] | None:
    """Resolve a relative link in a content file to (site-relative path, fragment).

    Returns None for links that are not to local files (absolute URLs,
    mailto:, pure fragments). A leading "/" means the site's root.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), path))
    return joined, parts.fragment


def summary_text(clean_html: str, limit: int = 120) -> str:
    """The first paragraph as plain text, cut to about `limit` characters."""
    match = FIRST_PARAGRAPH.search(clean_html)
    if not match:
        return ""
    text = " ".join(html.unescape(TAG.sub("", match.group(1))).split())
    return cut(text, limit)


def cut(text: str, limit: int = 120) -> str:
    """Shorten text to about `limit` characters, at a sentence end where one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    stop = max(head.rfind(p) for p in "。！？；")
    if stop >= limit * 2 // 3:
        return head[:stop + 1] + "…"
    return head.rstrip("，、,;；：: ") + "…"


def plain_text(clean_html: str) -> str:
    """Visible text of HTML, for search descriptions and read-aloud."""
    return " ".join(html.unescape(TAG.sub(" ", clean_html)).split())
