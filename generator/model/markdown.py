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

import nh3

from .typography import keep_numbers
from .urls import slugify

# Chinese characters and the punctuation Chinese text uses, “curly quotes”, ……, —— and · included
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
CJK_BREAK = re.compile(f"(?<=[{CJK}])\\n(?=[{CJK}])")  # lookarounds: 甲\n乙\n丙 joins both breaks
HEADING = re.compile(r"<(/?)h([1-6])\b")
FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
# Python-Markdown keeps raw HTML aside behind "\x02klzzwxh:N\x03" until the end; emphasis that
# overlaps one ("#*0**0*<??>") eats its \x02 and the placeholder is left in the output, where
# \x03 makes feeds and sitemaps invalid XML. What is left is put back (or dropped) by `_unstash`.
LEFT_PLACEHOLDER = re.compile("\x02?klzzwxh:(\\d+)\x03|\x02klzzwxh:(\\d+)\x03?|[\x02\x03]")
# A link `resolve` dropped (unsafe, or to an unpublished page) keeps only its text: an <a> without
# href would still look like a link (site.css styles every <a>) while leading nowhere.
DEAD_LINK = re.compile(r"<a\b(?![^>]*\b(?:href|id)=)[^>]*>(.*?)</a>", re.S)

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "tt", "strike", "acronym", "map", "area"} | {"section"}
# No style attribute anywhere: pages carry a Content-Security-Policy without 'unsafe-inline'
# (templates/base.html). A Markdown table's column alignment becomes a class (ALIGNED_CELL).
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang"},
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "sup": {"id"}, "li": {"id"}, "ol": {"start"}, "abbr": {"title"},
}


# Python-Markdown writes a table column's alignment as an inline style; static/site.css has the classes.
# Only its exact output is matched: an editor's own style attributes are dropped by nh3.
ALIGNED_CELL = re.compile(r'<(t[dh]) style="text-align: (left|center|right);">')
# Block tags that, left open, make the HTML parser walk its whole stack for each new one: nh3
# (html5ever) takes a minute over 100,000 unclosed <div>s. A body nesting deeper is refused.
MAX_NESTING = 200
NESTING_TAG = re.compile(r"<(/?)(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|"
                         r"fieldset|figcaption|figure|footer|header|hgroup|main|menu|nav|ol|pre|"
                         r"section|summary|ul|listing|xmp)\b", re.I)
TOO_DEEP = f"正文中列表、引用或 HTML 标签嵌套太深（超过 {MAX_NESTING} 层），无法安全转换。"


INDENT = re.compile(r"^[ \t>]*", re.M)
QUOTE_MARK = re.compile(r"> ?")  # a level of quote, with the space that may follow it


def _indented_too_deep(text: str) -> str | None:
    """The first line indented (or quoted with >) past MAX_NESTING levels, or None.

    Each level of a nested list is four columns (a tab is four), each > one level of quote;
    Python-Markdown takes minutes and gigabytes over a few thousand levels before the
    HTML check below could refuse them (2,000 tab-indented items: 90 s, 3.4 GB).
    """
    if len(text) <= 4 * MAX_NESTING:
        return None
    for match in INDENT.finditer(text):
        lead = match.group()
        if len(lead) > MAX_NESTING and lead.count(">") + len(QUOTE_MARK.sub("", lead).expandtabs(4)) // 4 > MAX_NESTING:
            end = text.find("\n", match.start())
            return text[match.start():end if end >= 0 else len(text)]
    return None


def _too_deep(out: str) -> bool:
    """Whether HTML nests its block tags deeper than MAX_NESTING (a cheap scan, no parsing)."""
    if out.count("<") <= MAX_NESTING:
        return False
    depth = 0
    for match in NESTING_TAG.finditer(out):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        if depth > MAX_NESTING:
            return True
    return False


def heading_anchor(text: str) -> str:
    """The id of a heading with this text: its pinyin (二、主要工作 -> er-zhu-yao-gong-zuo).

    Links may name a heading by its text (report.md#二、主要工作); bodies.py turns that into this id.
    """
    return slugify(text.strip())


def _heading_id(value: str, separator: str) -> str:
    return heading_anchor(html.unescape(value))


@dataclass(frozen=True)
class Rendered:
    """What Markdown made of a body: unsanitised HTML and its table of contents."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, id, text)
    problem: str = ""  # why the body could not be converted (TOO_DEEP, a parser error); bodies.py names the file
    problem_at: str = ""  # the line of the body the problem is on, where one is to blame


class MarkdownRenderer:
    """One configured Python-Markdown instance, reset between documents."""

    SETTINGS = ("extra", "toc", "sane_lists")  # part of the cache key of rendered bodies

    def __init__(self) -> None:
        import importlib

        import markdown  # only when a body is converted: a cached build never needs it
        from markdown.extensions import extra, sane_lists, toc

        # Extensions as objects, not names: a name is looked up in every installed package's
        # metadata (importlib.metadata), which costs more than converting a body. "extra" is
        # its own list of extensions, made here in its order.
        parts = [importlib.import_module(f"markdown.extensions.{name}").makeExtension() for name in extra.extensions]
        self._md = markdown.Markdown(
            extensions=[*parts, toc.TocExtension(slugify=_heading_id, permalink=False), sane_lists.SaneListExtension()],
            output_format="html",
        )

    def convert(self, text: str) -> Rendered:
        """Render Markdown; join CJK lines without the space a line break would leave."""
        self._md.reset()
        deep = _indented_too_deep(text)
        if deep is not None:  # refused before Python-Markdown spends minutes and gigabytes on it
            return Rendered("", (), TOO_DEEP, deep)
        try:
            out = self._md.convert(text)
        except RecursionError:  # Python-Markdown recurses once per level of nested lists (~300 levels)
            return Rendered("", (), TOO_DEEP)
        except Exception as exc:  # a parser bug on odd input (attr_list on "段落\n{0}"): the file's error
            said = " ".join(str(exc).split())[:80]
            return Rendered("", (), f"正文无法转换为网页（Markdown 出错：{type(exc).__name__}: {said}）。")
        if _too_deep(out):
            return Rendered("", (), TOO_DEEP)
        if "\x02" in out or "\x03" in out:
            out = _unstash(out, self._md.htmlStash.rawHtmlBlocks)
        out = CJK_BREAK.sub("", out)
        toc = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        return Rendered(out, toc)


def _unstash(out: str, stash: list) -> str:
    """The raw HTML behind placeholders Python-Markdown failed to replace; stray control marks dropped."""
    def back(match: re.Match) -> str:
        number = match.group(1) or match.group(2)
        return str(stash[int(number)]) if number is not None and int(number) < len(stash) else ""
    return LEFT_PLACEHOLDER.sub(back, out)


def _flatten(tokens: list[dict]) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for tok in tokens:
        out.append((tok["level"], tok["id"], html.unescape(TAG.sub("", tok["name"]))))
        out.extend(_flatten(tok.get("children", [])))
    return out


LinkResolver = Callable[[str, str], str | None]
"""(attribute, raw URL) -> new URL, or None to drop the link (it then reads as plain text)."""


TABLE_OPEN = re.compile(r"<table\b[^>]*>")
TABLE_REGION = '<div class="table-scroll" role="region" aria-label="表格（可左右滚动）" tabindex="0">'


def finalize(raw_html: str, resolve: LinkResolver) -> str:
    """Sanitise HTML with nh3 and pass every href/src through `resolve`.

    nh3 has already removed `javascript:` and other unsafe schemes, event
    handlers and scripts by the time `resolve` sees a URL.
    """
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if (tag == "a" and attr == "href") or (tag == "img" and attr == "src"):
            return resolve(attr, value)
        return value

    raw_html = ALIGNED_CELL.sub(r'<\1 class="align-\2">', raw_html)
    clean = nh3.clean(raw_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      attribute_filter=attribute_filter, link_rel=None,
                      url_schemes={"http", "https", "mailto", "tel"}, strip_comments=True)
    clean = DEAD_LINK.sub(r"\1", clean)
    if "<table" in clean:  # a table wider than a phone scrolls in its own region, which a keyboard can reach
        clean = TABLE_OPEN.sub(TABLE_REGION + r"\g<0>", clean).replace("</table>", "</table></div>")
    if "<h1" in clean:  # the page's title is its only <h1>: push body headings down
        clean = HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", clean)
    return keep_numbers(clean)  # 2021年7月19日, 43.3万 never split over two lines


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
    """The first paragraph as plain text, cut to about `limit` characters.

    A paragraph with no text (an image) or only a salutation that leads into the next one
    (各位代表：) is passed over: the first paragraph that says something is the summary.
    """
    first = ""
    for match in FIRST_PARAGRAPH.finditer(clean_html):
        text = " ".join(html.unescape(TAG.sub("", match.group(1))).split())
        if text and not (len(text) <= SALUTATION and text.endswith(("：", ":"))):
            return cut(text, limit)
        first = first or text
    return cut(first, limit)


SALUTATION = 16  # characters: 各位代表： 尊敬的各位代表、各位委员： lead into what follows
CLOSERS = "”’」』）》】)"  # punctuation that closes what a sentence end inside it stops


def cut(text: str, limit: int = 120) -> str:
    """Shorten text to about `limit` characters, at a sentence end where one is near.

    A quotation the cut leaves open is closed after the ellipsis (…”), and a sentence end
    inside a quotation keeps the closing mark (满足需要。”).
    """
    if len(text) <= limit:
        return text
    head = text[:limit]
    stop = max(head.rfind(p) for p in "。！？；")
    if stop >= limit * 2 // 3:
        end = stop + 1
        while end < len(text) and text[end] in CLOSERS:
            end += 1
        shown, ellipsis = text[:end], "…"
    else:
        shown, ellipsis = head.rstrip("，、,;；：: “‘「『（《【("), "…"  # nor a quotation just opened
    if shown.count("“") > shown.count("”"):
        ellipsis += "”"
    return shown + ellipsis


def plain_text(clean_html: str) -> str:
    """Visible text of HTML, for search descriptions and read-aloud."""
    return " ".join(html.unescape(TAG.sub(" ", clean_html)).split())
