"""sitemap.xml (sitemaps.org 0.9) and robots.txt. Pure: Site + routes -> OutputFiles.

Every published page is listed with the newest content date it shows as
<lastmod>; past 50,000 URLs the sitemap becomes an index of numbered parts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Sequence
from xml.sax.saxutils import escape

from ..model.models import Entry, Site
from ..model.urls import ROBOTS_URL, SEARCH_INDEX_DIR, SEARCH_URL, SITEMAP_URL, absolute, sitemap_part_url
from ..pages.render import OutputFile
from ..pages.route import Route

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # the protocol's limit per file
UNLISTED = {"404.html", SEARCH_URL}


def shown_entries(route: Route) -> list[Entry]:
    """The entries a page shows (itself, its list items, grouped voices), found by walking its context."""
    found: dict[int, Entry] = {}

    def walk(value: Any, depth: int) -> None:
        if isinstance(value, Entry):
            found.setdefault(id(value), value)
        elif depth > 6 or isinstance(value, (str, bytes, dt.date)):
            return
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, depth + 1)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type) and not isinstance(value, Entry):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), depth + 1)

    if route.entry is not None:
        walk(route.entry, 0)
    walk(route.context, 0)
    return list(found.values())


def lastmod(route: Route) -> dt.date | None:
    """The newest content date on a page; None where the page shows nothing dated."""
    dates = [e.sort_date for e in shown_entries(route) if e.published and e.sort_date.year > 1]
    end = getattr(route.entry, "end", None)  # a session changes until its last day
    if isinstance(end, dt.date) and end.year > 1:
        dates.append(end)
    return max(dates) if dates else None


def listed(route: Route) -> bool:
    """Pages a search engine should know: every published page but the 404 and search pages."""
    return route.url not in UNLISTED and (route.entry is None or route.entry.published)


def _urlset(rows: Sequence[tuple[str, dt.date | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
    for loc, mod in rows:
        lines.append(f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{mod.isoformat()}</lastmod>" if mod else "")
                     + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_files(site: Site, routes: Sequence[Route], max_urls: int = MAX_URLS) -> list[OutputFile]:
    """sitemap.xml (an index of sitemap-N.xml past `max_urls` pages) and robots.txt."""
    base = site.config.base_url
    rows = [(absolute(r.url, base), lastmod(r)) for r in routes if listed(r)]
    files: list[OutputFile] = []
    if len(rows) <= max_urls:
        files.append(OutputFile(SITEMAP_URL, _urlset(rows)))
    else:
        index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NS}">']
        for n, start in enumerate(range(0, len(rows), max_urls), start=1):
            part = rows[start:start + max_urls]
            files.append(OutputFile(sitemap_part_url(n), _urlset(part)))
            mods = [m for _, m in part if m]
            index.append(f"<sitemap><loc>{escape(absolute(sitemap_part_url(n), base))}</loc>"
                         + (f"<lastmod>{max(mods).isoformat()}</lastmod>" if mods else "") + "</sitemap>")
        index.append("</sitemapindex>")
        files.append(OutputFile(SITEMAP_URL, ("\n".join(index) + "\n").encode("utf-8")))
    robots = (f"# {site.config.title}\n"
              "User-agent: *\n"
              f"Disallow: {site.config.base_path}{SEARCH_INDEX_DIR}/\n\n"
              f"Sitemap: {absolute(SITEMAP_URL, base)}\n")
    files.append(OutputFile(ROBOTS_URL, robots.encode("utf-8")))
    return sorted(files, key=lambda f: f.path)
