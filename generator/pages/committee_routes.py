"""The pages of the standing committee's work: 依法履职 (决定决议, 人事任免) and 通知公告. Pure.

Lists run by year, newest first: a list's own URL shows its newest year ("resolutions/"), each
earlier year has its own page ("resolutions/2021/"), every page links to every year, and a long
year is paginated like any list. Notices whose `until` has passed leave the current list for the
archive ("notices/archive/", by year): still published, still searchable.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any, Sequence

from ..model.models import PLENARY, Appointment, Entry, Resolution, Site
from ..model.urls import NOTICES_ARCHIVE, list_url, year_url
from .route import Crumb, Route, paginate

DUTIES = Crumb("依法履职", list_url("duties"))
NOTICES = Crumb("通知公告", list_url("notices"))
ARCHIVE = Crumb("往期通知公告", list_url(NOTICES_ARCHIVE))
SUB_COLUMNS = {"resolutions": "决定决议", "appointments": "人事任免"}
LATEST = 5  # items of each sub-column on the 依法履职 page


@dataclass(frozen=True)
class Year:
    """One year of a list by year, as its navigation shows it."""

    year: int
    count: int
    url: str


def _home() -> Crumb:
    return Crumb("首页", "")


def by_year(items: Sequence[Entry]) -> list[tuple[int, list[Entry]]]:
    """Items (newest first) in groups by the year of their date, newest year first."""
    return [(year, list(group)) for year, group in groupby(items, key=lambda e: e.sort_date.year)]


def year_lists(section: str, label: str, items: Sequence[Entry], size: int, section_key: str,
               crumbs: tuple[Crumb, ...], source: str) -> list[Route]:
    """A list by year: its newest year at `section`'s own URL, each other year below it, paginated."""
    groups = by_year(items)
    years = tuple(Year(year, len(group), year_url(section, None if n == 0 else year))
                  for n, (year, group) in enumerate(groups))
    routes = []
    for (year, group), shown in zip(groups, years):
        for pager in paginate(group, size, shown.url.rstrip("/")):
            title = label if shown is years[0] else f"{year}年{label}"
            title += f"（第{pager.number}页）" if pager.number > 1 else ""
            here = crumbs + ((Crumb(f"{year}年", shown.url),) if shown is not years[0] else ())
            routes.append(Route(pager.url, "year_list.html", title, section_key, source,
                                context={"pager": pager, "years": years, "year": shown, "label": label},
                                crumbs=here))
    return routes


def duties_routes(site: Site, size: int) -> list[Route]:
    """依法履职: its page (the latest of each sub-column, the standing committee's meetings),
    the two lists by year, and a page per resolution and appointment list."""
    if not (site.resolutions or site.appointments):
        return []
    meetings = [s for s in site.sessions if s.type != PLENARY]
    routes = [Route(list_url("duties"), "duties.html", "依法履职", "duties", "生成的依法履职栏目",
                    context={"resolutions": site.resolutions[:LATEST], "appointments": site.appointments[:LATEST],
                             "counts": {"resolutions": len(site.resolutions), "appointments": len(site.appointments)},
                             "meetings": meetings[:LATEST]},
                    crumbs=(_home(), DUTIES))]
    for folder, items in (("resolutions", site.resolutions), ("appointments", site.appointments)):
        label = SUB_COLUMNS[folder]
        top = (_home(), DUTIES, Crumb(label, list_url(folder)))
        if items:
            routes += year_lists(folder, label, items, size, "duties", top, f"生成的{label}列表")
        for e in items:
            template = "resolution.html" if isinstance(e, Resolution) else "appointment.html"
            routes.append(Route(e.url, template, e.title, "duties", e.source, context={"entry": e},
                                crumbs=top + (Crumb(e.title, e.url),), entry=e))
    return routes


def notice_routes(site: Site, size: int) -> list[Route]:
    """通知公告: the current ones (pinned first), the archive by year, a page per notice."""
    if not site.notices:
        return []
    current, archived = site.current_notices, site.archived_notices
    routes = []
    for pager in paginate(current, size, "notices"):
        title = "通知公告" + (f"（第{pager.number}页）" if pager.number > 1 else "")
        routes.append(Route(pager.url, "notice_list.html", title, "notices", "生成的通知公告列表",
                            context={"pager": pager, "archived": len(archived)}, crumbs=(_home(), NOTICES)))
    if archived:
        routes += year_lists(NOTICES_ARCHIVE, "往期通知公告", archived, size, "notices", (_home(), NOTICES, ARCHIVE),
                             "生成的往期通知公告列表")
    for n in site.notices:
        crumbs = (_home(), NOTICES) + ((ARCHIVE,) if n.expired else ()) + (Crumb(n.title, n.url),)
        # `expired` is in the context so that the page is made again the day it expires
        routes.append(Route(n.url, "notice.html", n.title, "notices", n.source,
                            context={"entry": n, "expired": n.expired}, crumbs=crumbs, entry=n))
    return routes


def committee_routes(site: Site) -> list[Route]:
    """Every page of the three kinds; none for a kind without published content."""
    size = site.config.paginate
    return duties_routes(site, size) + notice_routes(site, size)


def meeting_context(items: Sequence[Entry]) -> dict[str, Any]:
    """What a meeting's page shows of its work: its resolutions and appointment lists."""
    return {"resolutions": [i for i in items if isinstance(i, Resolution)],
            "appointments": [i for i in items if isinstance(i, Appointment)]}


def home_context(site: Site) -> dict[str, Any]:
    """The home page's 通知公告 block: the current notices, pinned first."""
    return {"notices": site.current_notices[:LATEST]}

