"""`python build.py check`: the strict check an editor runs before publishing.

Everything a build checks, plus what only the finished pages show: every
internal link and #anchor resolves, every media file a page uses exists,
unused media files and titles shared within one kind (warnings).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .builder import Builder
from .errors import Problems
from .render import OutputFile


class _Links(HTMLParser):
    """Collects link targets and element ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script")):
                self.links.append((name, value))


def _target(page: str, url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    base = page if page.endswith("/") else posixpath.dirname(page) + "/"
    if base == "/":
        base = ""
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    joined = posixpath.normpath(posixpath.join(base, path))
    if path.endswith("/") or joined in (".", ""):
        joined = (joined.rstrip("/") + "/" if joined not in (".", "") else "") + "index.html"
    return joined, parts.fragment


def check_links(files: list[OutputFile], problems: Problems, sources: dict[str, str]) -> set[str]:
    """Check internal links and anchors of every page; return the files pages use."""
    pages: dict[str, _Links] = {}
    names = {f.path for f in files}
    for f in files:
        if f.data is not None and f.path.endswith(".html"):
            parser = _Links()
            parser.feed(f.data.decode("utf-8"))
            pages[f.path] = parser
    used: set[str] = set()
    for path, parser in pages.items():
        if path == "404.html":  # links from the host's root: checked on other pages
            continue
        for attr, url in parser.links:
            target = _target(path, url)
            if target is None:
                continue
            file, fragment = target
            used.add(file)
            where = sources.get(path, path)
            if file not in names:
                problems.error(where, f"页面 /{path} 中的链接 {url} 指向不存在的 /{file}。",
                               fix="改正链接，或补上被链接的文件。")
            elif fragment and file in pages and fragment not in pages[file].ids:
                problems.error(where, f"页面 /{path} 中的链接 {url} 指向的锚点 #{fragment} 不存在。",
                               fix="检查 # 后的锚点名（标题的锚点由标题文字生成）。")
    return used


def check(site_dir: Path) -> Problems:
    """All content errors plus the strict checks; the caller decides the exit code."""
    builder = Builder(site_dir)
    result = builder.build()  # raises BuildFailed with every content error
    problems = result.problems
    site = result.site
    sources = {}
    if site is not None:
        for e in [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages]:
            sources[e.url + "index.html"] = e.source
    used = check_links(result.files, problems, sources)
    for f in result.files:
        if f.path.startswith("media/") and f.path not in used:
            problems.warn(f.path, "这个文件没有被任何页面使用。", fix="不需要的话可以删除；需要的话在正文或 photo 中引用它。")
    if site is not None:
        titles: dict[tuple[str, str], list[str]] = defaultdict(list)
        for e in [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages]:
            titles[(e.folder, e.title)].append(e.source)
        for (folder, title), paths in sorted(titles.items()):
            if len(paths) > 1:
                for path in paths:
                    others = "、".join(p for p in paths if p != path)
                    problems.warn(path, f"标题“{title}”与 {others} 相同。", field="title",
                                  fix="同类内容的标题最好各不相同，方便读者区分。")
    return problems
