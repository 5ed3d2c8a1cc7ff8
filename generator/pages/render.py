"""Site + routes -> output files (path, bytes), through one Jinja environment. No I/O.

A site's own `templates/` overrides the generator's by file name, the way
Hugo and MkDocs themes are overridden.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2

from ..errors import Problems
from ..model.models import Entry, Site, cn_date
from ..model.typography import clauses, phrases
from ..model.urls import relative, rooted
from .columns import navigation, present
from .route import Route
from .structured import page_meta


@dataclass(frozen=True)
class OutputFile:
    """One file of the published site: bytes to write, or a file to copy as it is."""

    path: str  # relative to the output folder, POSIX
    data: bytes | None = None
    source: Path | None = None
    digest: str = ""  # manifest.file_digest of the bytes, where the maker knows it ("" = unknown)


TocItem = tuple[int, str, str]  # (level, id, text) of a heading, as markdown.Rendered.toc has them


def outline(toc: Iterable[TocItem]) -> list[tuple[TocItem | None, list[TocItem]]]:
    """A contents list as its top-level headings, each with the headings below it.

    Headings before the first top-level one hang under None (a body that opens with an h3).
    """
    items = list(toc)
    top = min((level for level, _, _ in items), default=0)
    out: list[tuple[TocItem | None, list[TocItem]]] = []
    for item in items:
        if item[0] == top:
            out.append((item, []))
        else:
            if not out:
                out.append((None, []))
            out[-1][1].append(item)
    return out


def make_environment(template_dirs: Iterable[Path],
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The one Jinja environment of a build: autoescaped, strict about undefined names.

    A `bytecode_cache` (the Builder's, in .cache/) keeps compiled templates between runs.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs]),
        bytecode_cache=bytecode_cache, autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cn_date"] = cn_date
    env.filters["iso"] = lambda d: d.isoformat() if d and d != dt.date.min else ""
    env.filters["outline"] = outline
    env.filters["phrases"] = phrases  # a name that breaks between its parts (typography.py)
    env.filters["clauses"] = clauses  # a headline that breaks between its clauses (typography.py)
    return env


@jinja2.pass_context
def _url(ctx: jinja2.runtime.Context, target: Any) -> str:
    """Link from the page being rendered to `target` (an entry, a topic or a URL)."""
    url = target if isinstance(target, str) else target.url
    route: Route = ctx["route"]
    if route.url == "404.html":  # served at any address: link from the host's root
        return rooted(url, ctx["site"].config.base_path)
    return relative(url, route.url)


def render_context(site: Site, assets: dict[str, str]) -> dict[str, Any]:
    """What every template sees besides its route: the site, navigation, helpers."""
    return {
        "site": site, "config": site.config, "nav": navigation(site), "columns": present(site), "assets": assets,
        "url": _url, "linkable": lambda e: isinstance(e, Entry) and (e.published or site.drafts_shown),
        "page_meta": _last_page_meta(site),  # canonical, Open Graph, JSON-LD, feeds
    }


def _last_page_meta(site: Site) -> Callable[[Route], Any]:
    """page_meta for templates: a page asks for it up to three times, so the last one is kept."""
    last: list[Any] = [None, None]

    def get(route: Route) -> Any:
        if last[0] is not route:
            last[0], last[1] = route, page_meta(site, route)
        return last[1]

    return get


def render_route(env: jinja2.Environment, route: Route, base: dict[str, Any],
                 problems: Problems) -> bytes | None:
    """One page's bytes; a template error becomes a problem naming the template."""
    try:
        template = env.get_template(route.template)
        return template.render(**base, route=route, **route.context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        problems.error(f"templates/{exc.name or route.template}", f"模板语法错误：{exc.message}",
                       line=exc.lineno, fix="检查 {% %} 和 {{ }} 是否成对。")
    except jinja2.TemplateError as exc:
        problems.error(f"templates/{route.template}", f"渲染 /{route.url} 时出错：{exc}",
                       fix="检查模板中用到的变量名。")
    return None


def fingerprint(data: bytes) -> str:
    """A short content hash for cache-busting asset URLs, stable across builds."""
    return hashlib.sha256(data).hexdigest()[:10]
