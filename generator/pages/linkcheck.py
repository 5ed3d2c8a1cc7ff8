"""The links editors write in bodies that only the finished site can judge, checked by every build.

A link to a content file (`../news/x.md`) or a media file is checked while the model is
made (model/bodies.py). Two kinds need every page of the site first: a link written as a site path
(`/voices/ye-jian-men-zhen/`), and an #anchor (`../reports/x.md#二、主要工作`, `#三、存在的问题`).
bodies.py records them as WrittenLinks; once the routes are planned the Builder checks them
here, so that `build` refuses what `check` would find broken in the content. `check` keeps
its slower walk over every finished page (the theme's own links, unused media).
"""

from __future__ import annotations

import difflib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote
from typing import Any, Callable, Iterable

from ..errors import Problems
from ..model.didyoumean import one_line
from ..model.models import WrittenLink
from ..model.urls import SEARCH_INDEX_DIR, output_path

ID_ATTRIBUTE = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


class _Anchors:
    """The ids each entry's page has: its body's (headings, footnotes), and those the theme gives pages."""

    def __init__(self, template_dirs: Iterable[Path]):
        self.template_dirs = list(template_dirs)
        self._ids: dict[int, set[str]] = {}
        self._theme: re.Pattern[str] | None = None

    def has(self, entry: Any, fragment: str) -> bool:
        ids = self._ids.get(id(entry))
        if ids is None:
            ids = self._ids[id(entry)] = set(ID_ATTRIBUTE.findall(entry.html + getattr(entry, "answer_html", "")))
        return fragment in ids or bool(self.theme().fullmatch(fragment))

    def theme(self) -> re.Pattern[str]:
        """Every id a template writes (`kind-{{ n }}` as kind-.+): anchors the theme gives a page."""
        if self._theme is None:
            patterns = set()
            for folder in self.template_dirs:
                for path in sorted(folder.glob("*.html")):
                    for written in ID_ATTRIBUTE.findall(path.read_text(encoding="utf-8", errors="replace")):
                        parts = TEMPLATE_PART.split(written)
                        if any(parts):  # an id made wholly by the template (`{{ f.id }}`) says nothing
                            patterns.add(".+".join(re.escape(p) for p in parts))
            self._theme = re.compile("|".join(sorted(patterns)) or "(?!)")
        return self._theme


def check_written_links(site: Any, routes: list, paths: set[str], problems: Problems,
                        template_dirs: Iterable[Path], more_paths: Callable[[], Iterable[str]] | None = None) -> None:
    """Every site-path link and #anchor of the site's bodies leads to a page and a place on it.

    `paths`: every file the build publishes that is known now (pages, media, static);
    `more_paths`: the others (feeds, sitemap, open data), asked for only when a link misses.
    A draft's or a not-yet-published item's broken link is a warning: it is not published.
    """
    by_source = {source: entry for source, (entry, _) in site.links.items()}
    by_path = {r.path: r.entry for r in routes if r.entry is not None}
    anchors = _Anchors(template_dirs)
    extra: set[str] | None = None
    for source, (entry, links) in sorted(site.links.items()):
        report = problems.error if entry.published or site.drafts_shown else _warning(problems, entry)
        for link in links.values():
            target = entry if link.kind == "self" else by_source.get(link.target) if link.kind == "entry" else None
            if link.kind == "path":
                file = output_path(link.target)
                if file.startswith(SEARCH_INDEX_DIR + "/"):
                    continue
                if file not in paths:
                    if extra is None:
                        extra = set(more_paths()) if more_paths is not None else set()
                    if file not in extra:
                        where = "" if link.url.split("#")[0] == "/" + link.target else f"指向的 /{link.target} "
                        report(source, f"链接 {link.url} {where}在网站上没有这个页面。",
                               line=link.line, fix=_path_fix(link, source, routes))
                        continue
                target = by_path.get(file)
            if target is not None and link.fragment and not anchors.has(target, link.fragment):
                written = unquote(link.url.partition("#")[2])  # as the editor wrote it (a heading's text)
                report(source, f"链接 {link.url} 指向的锚点 #{written} 在“{one_line(target.title)}”页面上不存在。",
                       line=link.line, fix=_anchor_fix(link, target))


def _warning(problems: Problems, entry: Any) -> Callable[..., None]:
    state = "草稿，不会发布" if entry.draft else "尚未到发布日期"

    def warn(path: str, message: str, **kwargs: Any) -> None:
        problems.warn(path, f"（{state}）{message}", **kwargs)
    return warn


def _path_fix(link: WrittenLink, source: str, routes: list) -> str:
    """The nearest page there is, written as the link editors should write: its .md file's path."""
    section = link.target.split("/")[0]  # the nearest page of the same section (voices/, deputies/ …)
    urls = {r.url: r for r in routes if r.url.split("/")[0] == section}
    near = difflib.get_close_matches(link.target, list(urls), n=1, cutoff=0.8)
    how = "链接到本站的另一篇内容，请写它的 .md 文件的相对路径（文件改名、改 slug 后也不会断）"
    if not near:
        return how + "，如 ../reports/work-report-2021.md；或改正网址。"
    route = urls[near[0]]
    suffix = f"#{link.fragment}" if link.fragment else ""
    if route.entry is not None:
        written = posixpath.relpath(route.entry.source, posixpath.dirname(source)) + suffix
        return f"是不是“{one_line(route.title)}”（/{route.url}）？{how}：把 {link.url} 改为 {written}"
    return f"是不是“{one_line(route.title)}”？把 {link.url} 改为 /{route.url}{suffix}"


def _anchor_fix(link: WrittenLink, target: Any) -> str:
    """The headings the page has, written as editors write anchors (heading text), the nearest first."""
    headings = [one_line(text) for _, _, text in target.toc]
    if not headings:
        return "那个页面没有小标题：去掉链接中 # 和后面的部分。"
    written = unquote(link.url.partition("#")[2])
    near = difflib.get_close_matches(written, headings, n=1, cutoff=0.0) or headings[:1]
    fixed = link.url.split("#")[0] + "#" + near[0]
    shown = "、".join(headings[:8]) + ("……" if len(headings) > 8 else "")
    return f"# 后面写小标题的原文（那个页面的小标题有：{shown}）：把 {link.url} 改为 {fixed}"
