"""What a page tells search engines, sharing previews and feed readers about itself.

`page_meta(site, route)` gives templates/_head_extra.html everything it prints:
the canonical URL, the description, Open Graph tags, JSON-LD (schema.org Person,
Event, NewsArticle, Report, Article, BreadcrumbList …) and the feeds to announce.
Every URL in it is absolute, made by urls.absolute().
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..model.markdown import cut
from ..model.models import (Appointment, Entry, News, Notice, Page, Person, Report, Resolution, Session, Site,
                            Suggestion, Topic, Voice)
from ..model.urls import (NOTICES_FEED_URL, SEARCH_URL, absolute, committee_data_url, feed_url, list_url,
                          people_data_url, suggestions_data_url, voices_data_url)
from .route import Route

SCHEMA = "https://schema.org"


@dataclass(frozen=True)
class PageMeta:
    """The head of one page, as data."""

    canonical: str  # absolute URL, "" for the 404 page
    description: str
    noindex: bool
    og: tuple[tuple[str, str], ...]  # (property, content)
    jsonld: Markup  # safe to print inside <script type="application/ld+json">
    feeds: tuple[tuple[str, str], ...]  # (title, site-relative URL)
    downloads: tuple[tuple[str, str, str], ...] = ()  # (label, site-relative URL, MIME type)


def iso_day(value: Any) -> str:
    """A date as schema.org and Open Graph want it: 2021-07-21T00:00:00+08:00 (China time)."""
    return f"{value.isoformat()}T00:00:00+08:00"


def _dated(e: Entry) -> bool:
    return e.sort_date.year > 1


def description(site: Site, route: Route) -> str:
    """One or two sentences for <meta name=description> and og:description."""
    cfg = site.config
    e = route.entry
    if e is not None:
        if e.summary:
            return e.summary
        if isinstance(e, Person):
            return f"{e.name}，{e.role}{'，' + e.occupation if e.occupation else ''}。"
        return f"{e.title}（{cfg.title}）"
    topic = route.context.get("topic")
    if isinstance(topic, Topic):
        return f"“{topic.name}”专题下的心声、报告和新闻：{cfg.title}。"
    if route.url == "":
        return cfg.description or cfg.title
    return f"{route.title}：{cfg.title}。{cfg.description}".strip()


def page_meta(site: Site, route: Route) -> PageMeta:
    """Everything _head_extra.html prints for `route`."""
    cfg = site.config
    e = route.entry
    is_404 = route.url == "404.html"
    canonical = "" if is_404 else absolute(route.url, cfg.base_url)
    desc = cut(description(site, route), 150)
    og: list[tuple[str, str]] = [("og:site_name", cfg.title), ("og:locale", cfg.language.replace("-", "_")),
                                 ("og:title", route.title), ("og:description", desc)]
    if canonical:
        og.append(("og:url", canonical))
    if isinstance(e, Person):
        og.append(("og:type", "profile"))
        if e.photo:
            og += [("og:image", absolute(e.photo, cfg.base_url)), ("og:image:alt", f"{e.name}的照片")]
    elif isinstance(e, (Voice, News, Report, Page, Suggestion, Resolution, Appointment, Notice)):
        og.append(("og:type", "article"))
        if _dated(e):
            og.append(("article:published_time", iso_day(e.sort_date)))
        og.append(("article:section", e.kind_label))
        og += [("article:tag", t.name) for t in e.topics]
    else:
        og.append(("og:type", "website"))
    graph = [] if is_404 else _graph(site, route, canonical, desc)
    return PageMeta(canonical=canonical, description=desc, noindex=is_404 or route.url == SEARCH_URL or site.drafts_shown,
                    og=tuple(og), jsonld=json_script({"@context": SCHEMA, "@graph": graph}) if graph else Markup(""),
                    feeds=_feeds(site, route), downloads=_downloads(route))


def _downloads(route: Route) -> tuple[tuple[str, str, str], ...]:
    """Open-data files a page offers: a session's voices, the list of people (opendata.py)."""
    e = route.entry
    if isinstance(e, Session) and e.published:
        return (("心声 CSV", voices_data_url(e.url, "csv"), "text/csv"),
                ("心声 JSON", voices_data_url(e.url, "json"), "application/json"),
                ("代表建议 CSV", suggestions_data_url(e.url, "csv"), "text/csv"),
                ("代表建议 JSON", suggestions_data_url(e.url, "json"), "application/json"))
    if e is None and route.section == "deputies" and route.url.startswith(list_url("deputies")):
        return (("CSV", people_data_url("csv"), "text/csv"), ("JSON", people_data_url("json"), "application/json"))
    folder = route.url.split("/", 1)[0]
    if e is None and route.section == "duties" and folder in ("resolutions", "appointments"):  # the lists by year
        return (("CSV", committee_data_url(folder, "csv"), "text/csv"),
                ("JSON", committee_data_url(folder, "json"), "application/json"))
    return ()


def _feeds(site: Site, route: Route) -> tuple[tuple[str, str], ...]:
    feeds = [(f"{site.config.title}：最新内容", feed_url())]
    e = route.entry
    session = e if isinstance(e, Session) else None
    if isinstance(session, Session) and session.published:
        feeds.append((f"{session.title}：心声、报告与新闻", feed_url("sessions", session.slug)))
    topic = route.context.get("topic")
    if isinstance(topic, Topic):
        feeds.append((f"专题“{topic.name}”", feed_url("topics", topic.slug)))
    if site.notices and (route.section == "notices" or route.url == ""):
        feeds.append(("通知公告", NOTICES_FEED_URL))
    return tuple(feeds)


def json_script(data: Any) -> Markup:
    """JSON for a <script> element: '<' escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _org(site: Site) -> dict[str, Any]:
    cfg = site.config
    return {"@type": "GovernmentOrganization", "name": cfg.title, "url": cfg.base_url}


def _person_ref(site: Site, name: str, person: Person | None, title: str = "") -> dict[str, Any]:
    ref: dict[str, Any] = {"@type": "Person", "name": name}
    if person is not None and person.published:
        ref["url"] = absolute(person.url, site.config.base_url)
    if title:
        ref["jobTitle"] = title
    return ref


def _session_ref(site: Site, session: Session | None) -> dict[str, Any] | None:
    if session is None or not session.published:
        return None
    return {"@type": "Event", "name": session.title, "url": absolute(session.url, site.config.base_url)}


def _committee(site: Site, e: Resolution | Appointment | Notice, main: dict[str, Any]) -> None:
    """A resolution as schema.org Legislation (文号, date, who passed it); an appointment list names
    its people; a notice says when it expires."""
    main["author"] = _org(site)
    main["genre"] = e.kind_label
    if isinstance(e, Resolution):
        main["legislationDate"] = e.adopted.isoformat()
        main["legislationPassedBy"] = _org(site)
        if e.number:
            main["legislationIdentifier"] = e.number
    elif isinstance(e, Appointment):
        main["about"] = [_person_ref(site, a.name, a.person, a.office if a.phrase.startswith("为") else "")
                         for a in e.entries]
    elif e.until is not None:
        main["expires"] = e.until.isoformat()


def _article(site: Site, e: Entry, canonical: str, desc: str) -> dict[str, Any]:
    """A dated item as an Article (NewsArticle, Report, Legislation): who wrote it, what it is about."""
    cfg = site.config
    kind = {News: "NewsArticle", Report: "Report", Voice: "Article", Suggestion: "Article",
            Resolution: "Legislation", Appointment: "Article", Notice: "Article"}[type(e)]
    main = {"@type": kind, "headline": e.title[:110], "name": e.title, "url": canonical,
            "mainEntityOfPage": canonical, "description": desc, "inLanguage": cfg.language,
            "datePublished": e.sort_date.isoformat(), "dateModified": e.sort_date.isoformat(),
            "publisher": _org(site)}
    if isinstance(e, News):
        main["author"] = {"@type": "Person", "name": e.author} if e.author else _org(site)
        if e.people:
            main["about"] = [_person_ref(site, p.name, p) for p in e.people]
    elif isinstance(e, Report):
        main["author"] = _person_ref(site, e.speaker_name, e.speaker) if e.speaker_name else _org(site)
        if e.subtitle:
            main["alternativeHeadline"] = e.subtitle
    elif isinstance(e, Suggestion):
        main["author"] = [_person_ref(site, p.name, p, p.role) for p in e.deputies] or _org(site)
        main["genre"] = e.kind_label
    elif isinstance(e, (Resolution, Appointment, Notice)):
        _committee(site, e, main)
    else:
        assert isinstance(e, Voice)
        main["author"] = _person_ref(site, e.speaker_name, e.speaker,
                                     e.speaker_title or (e.speaker.role if e.speaker else ""))
        main["genre"] = e.kind_label
    event = _session_ref(site, getattr(e, "session", None))
    if event:
        main["about"] = [*main.get("about", []), event]
    if e.topics:
        main["keywords"] = "，".join(t.name for t in e.topics)
    return main


def _graph(site: Site, route: Route, canonical: str, desc: str) -> list[dict[str, Any]]:
    cfg = site.config
    base = cfg.base_url
    graph: list[dict[str, Any]] = []
    e = route.entry
    main: dict[str, Any]
    if route.url == "":
        main = {"@type": "WebSite", "@id": base + "#website", "name": cfg.title, "url": base,
                "inLanguage": cfg.language, "description": desc, "publisher": _org(site),
                "potentialAction": {"@type": "SearchAction",
                                    "target": {"@type": "EntryPoint",
                                               "urlTemplate": absolute(SEARCH_URL, base) + "?q={search_term_string}"},
                                    "query-input": "required name=search_term_string"}}
    elif isinstance(e, Person):
        main = {"@type": "Person", "name": e.name, "url": canonical, "jobTitle": e.role, "description": desc}
        if e.occupation:
            main["hasOccupation"] = {"@type": "Occupation", "name": e.occupation}
        if e.gender in ("男", "女"):
            main["gender"] = {"男": "https://schema.org/Male", "女": "https://schema.org/Female"}[e.gender]
        if e.photo:
            main["image"] = absolute(e.photo, base)
    elif isinstance(e, Session):
        # the session's own page, also from the further pages of a big index of voices
        main = {"@type": "Event", "name": e.title, "url": absolute(e.url, base), "description": desc,
                "startDate": e.start.isoformat(), "endDate": e.end.isoformat(),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": {"@type": "Place", "name": e.place or cfg.title}, "organizer": _org(site)}
    elif isinstance(e, (News, Report, Voice, Suggestion, Resolution, Appointment, Notice)):
        main = _article(site, e, canonical, desc)
    elif isinstance(e, Page):
        main = {"@type": "WebPage", "name": e.title, "url": canonical, "description": desc,
                "inLanguage": cfg.language}
    else:
        main = {"@type": "SearchResultsPage" if route.url == SEARCH_URL else "CollectionPage",
                "name": route.title, "url": canonical, "description": desc, "inLanguage": cfg.language}
    graph.append(main)
    if route.crumbs:
        graph.append({"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": i, "name": c.title, "item": absolute(c.url, base)}
            for i, c in enumerate(route.crumbs, start=1)]})
    return graph
