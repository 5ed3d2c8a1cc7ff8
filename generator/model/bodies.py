"""Pass 3 of making the Site: each body converted to sanitised HTML, its links resolved and checked.

A link to a content file becomes the relative URL of its page; one to media/ is checked
against the files there; site paths and #anchors are kept (WrittenLink) for linkcheck.py,
which judges them once every page is known.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

from ..read.content import Document
from .markdown import MarkdownRenderer, Rendered, finalize, heading_anchor, split_target, summary_text
from .media_html import enrich
from .models import Entry, Suggestion, WrittenLink
from .references import References
from .urls import media_url, relative

IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
IMG_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")  # another site's address (scheme or //host)
ANSWER_HEADING = re.compile(r"^##[ \t]*答复[ \t]*#*[ \t]*$", re.M)  # a suggestion's answer section
HEADING_ID = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]*)"')


class Bodies(References):
    """Pass 3: the bodies of the entries that passes 1 and 2 made and linked."""

    def body(self, path: str, renderer: MarkdownRenderer) -> None:
        entry, doc = self.entries[path], self.docs[path]
        self.links[path] = (entry, {})
        text, answer = doc.body, ""
        if isinstance(entry, Suggestion):
            text, answer = _split_answer(doc.body)
            if answer.strip() and entry.status != "已答复":
                self.problems.warn(doc.path, f"正文有“## 答复”一节，但状态是“{entry.status}”，答复不会显示。",
                                   line=doc.line_of("status"), field="status", fix="答复后把 status 改为 已答复。")
            elif answer.strip():
                converted = (self.data.markdown or renderer.convert)(answer)
                self._not_converted(doc, converted)
                entry.answer_html = enrich(self._finalize(doc, entry, converted.html, "answer"), entry.url,
                                           self.data.media_files)
        rendered = (self.data.markdown or renderer.convert)(text)
        self._not_converted(doc, rendered)
        entry.html = enrich(self._finalize(doc, entry, rendered.html, "body"), entry.url, self.data.media_files)
        entry.toc = _toc_as_published(rendered.toc, entry.html)
        self._check_alt(doc, rendered.html)
        if not entry.summary:
            entry.summary = summary_text(entry.html)

    def _not_converted(self, doc: Document, rendered: Rendered) -> None:
        """A body Markdown could not convert (nested too deep, a parser error): an error naming the file, not a crash."""
        if rendered.problem:
            at = next((i for i, text in enumerate(doc.body.split("\n")) if text == rendered.problem_at), 0) \
                if rendered.problem_at else 0
            self.problems.error(doc.path, rendered.problem, line=doc.body_line + at,
                                fix="减少列表、引用或 HTML 标签的嵌套层数；从别处粘贴的内容，检查是否有没闭合的标签；"
                                    "单独成行或在行末的 {…} 会被当作属性写法，要原样显示时写成 \\{…}。")

    def _check_alt(self, doc: Document, raw_html: str) -> None:
        """An image without alt text is unreadable to screen readers: warn, naming its line."""
        tags = IMG_TAG.findall(raw_html)
        if not tags:
            return
        lines, start = doc.body.split("\n"), 0
        for tag in tags:
            src = IMG_SRC.search(tag)
            url = html.unescape(next((g for g in src.groups() if g), "")) if src else ""
            found = next((i for i in range(start, len(lines)) if (url or "<img") in lines[i]), None)
            start = found + 1 if found is not None else start
            alt = IMG_ALT.search(tag)
            if alt and "".join(g or "" for g in alt.groups()).strip():
                continue
            self.problems.warn(doc.path, f"图片 {url} 没有替代文字（alt），读屏软件无法向视障读者说明它。",
                               line=doc.body_line + found if found is not None else None,
                               fix=f"在 ![ ] 的方括号里写上图片内容，如 ![区人大代表在会上发言]({url})。")

    def _finalize(self, doc: Document, entry: Entry, raw_html: str, part: str) -> str:
        """Sanitised HTML with links resolved; kept while the HTML and every link's outcome are the same."""
        calls: list[tuple[str, str, str | None]] = []

        def link(attr: str, url: str) -> str | None:
            result = self._link(doc, entry, attr, url)
            calls.append((attr, url, result))
            return result

        memo = self.data.memo
        hit = memo.get((part, doc.path)) if memo is not None else None
        if hit is not None and hit[0] == raw_html and hit[1] == entry.url \
                and all(link(attr, url) == result for attr, url, result in hit[2]):
            return hit[3]
        calls.clear()
        clean = finalize(raw_html, link)
        if memo is not None:
            memo[(part, doc.path)] = (raw_html, entry.url, tuple(calls), clean)
        return clean

    def _link(self, doc: Document, entry: Entry, attr: str, url: str) -> str | None:
        target = split_target(doc.path, url)
        if target is None and attr == "src" and EXTERNAL.match(url):
            # The pages' Content-Security-Policy (img-src 'self') would block it, and loading it
            # would tell another server who reads the page: the image is left out, with a warning.
            self.problems.warn(doc.path, f"图片 {url} 在别的网站上，不会显示。",
                               line=next((doc.body_line + i for i, text in enumerate(doc.body.split("\n"))
                                          if url in text), None),
                               fix="把图片下载下来放进 media/，再从本文件所在的文件夹引用，如 ../../media/photo.jpg。")
            return None
        if target is None:
            return self._own_anchor(doc, url) if url.startswith("#") and len(url) > 1 else url
        path, fragment = target
        if fragment and path.endswith(".md") and not unquote(fragment).isascii():  # another page's heading, by its text
            fragment = heading_anchor(unquote(fragment))
        suffix = f"#{fragment}" if fragment else ""

        def line() -> int | None:  # looked up only for a problem: this runs for every link of every build
            return next((doc.body_line + i for i, text in enumerate(doc.body.split("\n")) if url in text), None)

        if path == ".." or path.startswith("../"):  # above the site folder: nothing of it is published
            self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向网站文件夹之外，网站上没有这个地址。",
                                line=line(), fix="链接别的页面写它的 .md 文件的相对路径（如 ../reports/work-report-2021.md）；"
                                                 "图片和附件放进网站文件夹的 media/，从本文件所在的文件夹算起引用。")
            return None
        if path.endswith(".md"):
            linked = self.entries.get(path)
            if linked is None and path in self.data.content_files:
                return None  # the file is there but did not load (a duplicate id, bad YAML): its own error says why
            if linked is None:
                self.problems.error(doc.path, f"链接 {url} 指向的文件 {path} 不存在。", line=line(),
                                    fix="检查路径（相对于本文件所在的文件夹）和文件名，如 ../reports/work-report-2021.md。")
                return None
            if not self.visible(linked):
                self._check_link(doc, entry, linked, None, line())
                return None
            if fragment:
                self._written(doc, WrittenLink(url, "entry", linked.source, unquote(fragment)))
            return relative(linked.url + suffix, entry.url)
        if path.startswith("media/"):
            if path not in self.data.media:
                self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向的 {path} 不存在。",
                                    line=line(), fix="把文件放进 media/ 文件夹，或改正路径。")
                return None
            return relative(media_url(path) + suffix, entry.url)
        if path.startswith("content/"):  # inside content/ but no content file: nothing is published there
            self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向的 {path} 不是内容文件，"
                                f"网站上没有这个地址。", line=line(),
                                fix="链接别的页面写它的 .md 文件，如 ../reports/work-report-2021.md；图片和附件放进网站文件夹"
                                    "顶层的 media/，从本文件所在的文件夹算起，如 ../../media/photo.jpg。")
            return None
        if url.startswith("/"):  # the site's root, wherever it is published (a sub-path of base_url)
            parts = urlsplit(url)
            site_path = "" if path in (".", "") else path + ("/" if parts.path.endswith("/") else "")
            self._written(doc, WrittenLink(url, "path", site_path, unquote(fragment)))
            return relative(site_path, entry.url) + (f"?{parts.query}" if parts.query else "") + suffix
        self._page_address(doc, entry, url, fragment)
        return url

    def _own_anchor(self, doc: Document, url: str) -> str:
        """A link to this page's own anchor; one written as a heading's text goes to its pinyin id."""
        written = unquote(url[1:])
        anchor = written if written.isascii() else heading_anchor(written)
        self._written(doc, WrittenLink(url, "self", "", anchor))
        return url if written.isascii() else "#" + anchor

    def _page_address(self, doc: Document, entry: Entry, url: str, fragment: str) -> None:
        """A page's address written relative to this page's (../../voices/x/): kept for linkcheck.py."""
        written = unquote(urlsplit(url).path)
        joined = posixpath.normpath(posixpath.join(entry.url, written))
        if joined != ".." and not joined.startswith("../"):  # above the root: `check` names it
            site_path = "" if joined == "." else joined + ("/" if written.endswith("/") else "")
            self._written(doc, WrittenLink(url, "path", site_path, unquote(fragment)))

    def _written(self, doc: Document, link: WrittenLink) -> None:
        """Keep a link for linkcheck.py, with the line that holds it."""
        links = self.links[doc.path][1]
        if link.url not in links:
            line = next((doc.body_line + i for i, text in enumerate(doc.body.split("\n")) if link.url in text), None)
            links[link.url] = WrittenLink(link.url, link.kind, link.target, link.fragment, line)


def _toc_as_published(toc: tuple[tuple[int, str, str], ...], clean: str) -> tuple[tuple[int, str, str], ...]:
    """The table of contents with each heading's level as the page shows it.

    A body with its own `# 一级标题` has every heading pushed down a level (the page's
    title is its one <h1>); the contents must say h2 where the page says h2.
    """
    if not toc:
        return toc
    shown = {ident: int(level) for level, ident in HEADING_ID.findall(clean)}
    return tuple((shown.get(ident, level), ident, text) for level, ident, text in toc)


def _split_answer(body: str) -> tuple[str, str]:
    """A suggestion's body -> (its text, its `## 答复` section up to the next level-2 heading)."""
    match = ANSWER_HEADING.search(body)
    if match is None:
        return body, ""
    rest = body[match.end():]
    after = re.search(r"^##[ \t]+\S", rest, re.M)
    if after is None:
        return body[:match.start()], rest
    return body[:match.start()] + rest[after.start():], rest[:after.start()]
