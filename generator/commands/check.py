"""`python build.py check`: the strict check an editor runs before publishing.

Like `mkdocs build --strict`: everything a build checks (every content error),
plus what only the finished pages show —

- every internal link and #anchor resolves (links written in Markdown, in raw
  HTML, and the theme's own; a link to this site's base_url counts as internal);
- every media/ file a page uses exists;
- every media/ file is used (warning);
- no two pages of one kind share a title (warning);
- Chinese text has no half-width punctuation or stray spaces (warning, copycheck.py; `--fix` corrects it).

Errors name the content file and, where it can be found, the line. Nothing is
written: the pages are built in memory, with the feeds, sitemap and open-data
files the published site will have (the search index is left to the build).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..engine.builder import Builder
from ..errors import Problems
from ..model.models import Entry
from ..model.urls import SEARCH_INDEX_DIR
from ..pages.render import OutputFile

MAX_ANCHORS = 8  # anchors suggested when one does not exist


class _Links(HTMLParser):
    """Collects link targets and element ids of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, url)
        self.ids: list[str] = []
        self.headings: list[str] = []  # ids of headings: the anchors worth suggesting

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.append(value)
                if tag in ("h2", "h3", "h4", "h5", "h6"):
                    self.headings.append(value)
            elif (name == "href" and tag in ("a", "link", "area")) or \
                    (name == "src" and tag in ("img", "script", "source", "iframe", "audio", "video")):
                self.links.append((name, value))
            elif name == "srcset" and tag in ("img", "source"):  # the sizes of a picture (images.py)
                self.links.extend(("src", item.split()[0]) for item in value.split(",") if item.strip())


class Resolver:
    """Where a URL of a page leads inside the built site."""

    def __init__(self, base_url: str, base_path: str):
        self.base_url = base_url
        self.base_path = base_path

    def target(self, page: str, url: str) -> tuple[str, str] | None:
        """(file, fragment) a link on `page` leads to, or None for links leaving the site."""
        url = url.strip()
        if self.base_url and url.startswith(self.base_url):  # an absolute link to this very site
            url = self.base_path + url[len(self.base_url):]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("//"):
            return None
        path = unquote(parts.path)
        if not path:
            return page, parts.fragment
        if path.startswith("/"):  # from the host's root: the site lives under base_path
            if not path.startswith(self.base_path):
                return "/" + path.lstrip("/"), parts.fragment  # outside the site: never a file of it
            joined = posixpath.normpath(path[len(self.base_path):] or ".")
        else:
            base = page if page.endswith("/") else posixpath.dirname(page) + "/"
            joined = posixpath.normpath(posixpath.join(base.lstrip("/"), path))
        if joined in (".", ""):
            return "index.html", parts.fragment
        if joined.startswith("../") or joined == "..":
            return "/" + joined, parts.fragment  # above the site's root
        if path.endswith("/"):
            joined += "/index.html"
        return joined, parts.fragment


WRITTEN_ANCHOR = re.compile(r"#([^\s)\]\"'#]+)")  # a #fragment as written in Markdown or HTML


def _line_of(site_dir: Path, source: str, *needles: str) -> int | None:
    """The first line of a content file that holds one of `needles` (the link as written)."""
    if not source.startswith("content/"):
        return None
    try:
        lines = (site_dir / source).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    for needle in needles:
        if needle:
            for number, text in enumerate(lines, 1):
                if needle in text:
                    return number
    anchor = next((n[1:] for n in needles if n.startswith("#")), "")
    if anchor:  # an anchor the editor wrote as heading text (#二、主要工作), published as its id
        from ..model.markdown import heading_anchor
        for number, text in enumerate(lines, 1):
            if any(heading_anchor(unquote(written)) == anchor for written in WRITTEN_ANCHOR.findall(text)):
                return number
    return None


def check_links(files: list[OutputFile], problems: Problems, sources: dict[str, str],
                site: Resolver, site_dir: Path) -> set[str]:
    """Check internal links and anchors of every page; return the files pages use."""
    pages: dict[str, _Links] = {}
    names = {f.path for f in files}
    for f in files:
        if f.data is not None and f.path.endswith(".html"):
            parser = _Links()
            parser.feed(f.data.decode("utf-8"))
            pages[f.path] = parser
    ids = {path: set(parser.ids) for path, parser in pages.items()}
    used: set[str] = set()
    for path, parser in pages.items():
        if path == "404.html":  # served at any address, links from the host's root: the same as elsewhere
            continue
        for _, url in parser.links:
            found = site.target(path, url)
            if found is None:
                continue
            file, fragment = found
            if file.startswith(SEARCH_INDEX_DIR + "/"):  # the search index is made by the build itself
                continue
            used.add(file)
            where = sources.get(path, path)
            if file not in names:
                shown = file if file.startswith("/") else "/" + file
                problems.error(where, f"页面 /{path} 中的链接 {url} 指向不存在的 {shown}。",
                               line=_line_of(site_dir, where, url, posixpath.basename(url.split("#")[0].rstrip("/"))),
                               fix="改正链接：链接到另一篇内容时写它的 .md 文件的相对路径，如 ../reports/work-report-2021.md；"
                                   "图片和附件放进 media/，写 /media/文件名。")
            elif fragment and file in ids and unquote(fragment) not in ids[file] and fragment not in ids[file]:
                problems.error(where, f"页面 /{path} 中的链接 {url} 指向的锚点 #{fragment} 在 /{file} 中不存在。",
                               line=_line_of(site_dir, where, f"#{fragment}", url),
                               fix=_anchor_fix(fragment, parser if file == path else pages[file]))
    return used


def _anchor_fix(fragment: str, target: _Links) -> str:
    """Say which anchors the target page has: headings get pinyin ids (二、主要工作 -> er-zhu-yao-gong-zuo)."""
    from ..model.urls import slugify
    guess = slugify(unquote(fragment))
    if guess in target.ids:
        return f"标题的锚点是拼音：把 #{fragment} 改为 #{guess}。"
    shown = target.headings[:MAX_ANCHORS]
    return ("检查 # 后的锚点名；小标题的锚点是标题文字的拼音" +
            (f"，这个页面的小标题有：{'、'.join('#' + i for i in shown)}。" if shown
             else "；这个页面没有小标题，可以去掉 # 和后面的部分。"))


def check(site_dir: Path) -> Problems:
    """All content errors plus the strict checks; the caller decides the exit code.

    Raises BuildFailed when the content itself has errors (the links are not checked then).
    """
    from ..outputs.discovery import discovery_files
    result = Builder(site_dir).build()  # raises BuildFailed with every content error
    problems = result.problems
    model = result.site
    files = list(result.files)
    sources: dict[str, str] = {}
    entries = []
    if model is not None:
        files += discovery_files(model, result.routes)
        entries = [*model.sessions, *model.people, *model.voices, *model.reports, *model.news, *model.pages,
                   *model.suggestions, *model.resolutions, *model.appointments, *model.notices]
        for e in entries:
            sources[e.url + "index.html"] = e.source
        site = Resolver(model.config.base_url, model.config.base_path)
    else:
        site = Resolver("", "/")
    used = check_links(files, problems, sources, site, site_dir)
    media = getattr(model, "media_files", {}) if model is not None else {}
    sizes = {v.path: m.path for m in media.values() for v in getattr(m, "variants", ())}  # a size used uses its image
    used |= {sizes[u] for u in used if u in sizes}
    for f in result.files:
        if f.path.startswith("media/") and f.path not in used and f.path not in sizes:
            try:  # the editor's own file name (published under its ASCII path, urls.media_path)
                name = media[f.path].source if f.path in media else \
                    Path(f.source).resolve().relative_to(site_dir.resolve()).as_posix()  # type: ignore[arg-type]
            except (TypeError, ValueError):
                name = f.path
            problems.warn(name, "这个文件没有被任何页面使用。",
                          fix="不需要的话可以删除；需要的话在正文中引用它（如 ![说明](/media/文件名)），或写进 photo 字段。")
    titles: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        titles[(e.folder, e.title)].append(e)
    for (folder, title), same in sorted(titles.items()):
        if len(same) < 2:
            continue
        if folder == "deputies":  # people may share a name; readers tell them apart by occupation
            jobs = [getattr(e, "occupation", "") for e in same]
            if all(jobs) and len(set(jobs)) == len(jobs):
                continue
        for e in same:
            others = "、".join(o.source for o in same if o is not e)
            if folder == "deputies":
                problems.warn(e.source, f"与 {others} 同名（{title}），读者在心声和列表中分不清两人。", field="occupation",
                              fix="给同名的人都写上各不相同的 occupation（职业或单位），网站会在姓名后注明。")
            else:
                problems.warn(e.source, f"标题“{title}”与 {others} 相同。", field="title",
                              fix="同类内容的标题最好各不相同，方便读者区分。")
    from .copycheck import lint_site
    lint_site(site_dir, problems)
    return problems
