"""Site -> the list of pages to render: every URL, template and context, decided once.

A Route is plain data. Pagination and the session voices index are computed
here, so templates only lay out what they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..errors import Problems
from ..model.models import (PLENARY, STATUS_SLUG, VOICE_KIND_LABEL, VOICE_KINDS, Entry, Person, Session, Site,
                            Suggestion, Topic, Voice)
from ..model.urls import RESERVED, SEARCH_URL, list_url, slugify, suggestions_url
from .columns import COLUMNS, present
from .committee_routes import committee_routes, home_context, meeting_context
from .route import Crumb, Pager, Route, paginate
from .searchdocs import search_context
from .suggestions import SuggestionStats, Summary, suggestion_rates, summarize

SECTIONS = COLUMNS  # (section, label in the navigation and breadcrumbs)
SECTION_LABEL = dict(SECTIONS)
ENTRY_SECTION = {"sessions": "sessions", "deputies": "deputies", "voices": "voices",
                 "reports": "reports", "news": "news", "pages": ""}
ENTRY_TEMPLATE = {"sessions": "session.html", "deputies": "person.html", "voices": "voice.html",
                  "reports": "report.html", "news": "news.html", "pages": "page.html"}


@dataclass(frozen=True)
class TopicGroup:
    topic: str  # topic name, or 其他
    topic_url: str | None
    voices: tuple[Voice, ...]
    number: int = 0  # its place in its kind (anchor ids are the same on every page of the index)
    continued: bool = False  # its first voices are on the page before
    again: frozenset[str] = frozenset()  # sources of voices shown as a card under an earlier topic: a short entry here


@dataclass(frozen=True)
class KindGroup:
    kind: str  # 代表 | 委员 | 市民
    label: str
    count: int
    topics: tuple[TopicGroup, ...]
    number: int = 0  # its place in the index: the anchor kind-N
    continued: bool = False


# Voice cards on one page of a session's index. A big session's index is split over pages,
# in order and keeping its groups, so that no page passes the 60 KB budget (HTML, CSS and
# JS): a card with its summary is about 650 bytes (a voice listed again under a second topic
# about as much), the site's CSS and JS about 40 KB.
SESSION_INDEX_PAGE = 16


def voice_index(voices: Sequence[Voice], topics: Sequence[Topic]) -> list[KindGroup]:
    """Group a session's voices by kind, then by topic in site.yaml's order.

    A voice appears under each of its topics (as a card under the first, a short entry under
    the others); one without topics under 其他.
    """
    groups: list[KindGroup] = []
    for kind in VOICE_KINDS:
        of_kind = [v for v in voices if v.kind == kind]
        if not of_kind:
            continue
        by_topic = [TopicGroup(t.name, t.url, tuple(v for v in of_kind if t in v.topics)) for t in topics]
        by_topic = [g for g in by_topic if g.voices]
        carded: set[str] = set()  # a voice's card is under its first topic; later ones list it briefly
        for i, g in enumerate(by_topic):
            by_topic[i] = replace(g, again=frozenset(v.source for v in g.voices if v.source in carded))
            carded.update(v.source for v in g.voices)
        untagged = tuple(v for v in of_kind if not v.topics)
        if untagged:
            by_topic.append(TopicGroup("其他", None, untagged))
        numbered = tuple(replace(g, number=n) for n, g in enumerate(by_topic, 1))
        groups.append(KindGroup(kind, VOICE_KIND_LABEL[kind], len(of_kind), numbered, number=len(groups) + 1))
    return groups


def split_index(groups: Sequence[KindGroup], size: int) -> list[list[KindGroup]]:
    """The index cut into pages of at most `size` cards, in order; a group cut in two goes on
    on the next page, marked `continued`. One page when it all fits (or there is nothing)."""
    pages: list[list[KindGroup]] = [[]]
    room = size
    for group in groups:
        parts: list[TopicGroup] = []
        group_continued = False
        for topic in group.topics:
            voices, topic_continued = list(topic.voices), False
            while voices:
                if room == 0:  # this page is full: what is gathered of the group stays on it
                    if parts:
                        pages[-1].append(replace(group, topics=tuple(parts), continued=group_continued))
                        parts, group_continued = [], True
                    pages.append([])
                    room = size
                take, voices = voices[:room], voices[room:]
                room -= len(take)
                parts.append(replace(topic, voices=tuple(take), continued=topic_continued))
                topic_continued = True
        if parts:
            pages[-1].append(replace(group, topics=tuple(parts), continued=group_continued))
    return pages


def _home() -> Crumb:
    return Crumb("首页", "")


def _session_pages(site: Site, entry: Session, section: str, crumbs: list[Crumb],
                   context: dict[str, Any]) -> list[Route]:
    """A session page's context (its voices index, reports, news, suggestions, meeting items), filled
    into `context`; and the further pages of a big index, returned."""
    more: list[Route] = []
    items = site.session_items(entry)
    index = voice_index([i for i in items if isinstance(i, Voice)], site.topics)
    pages = split_index(index, SESSION_INDEX_PAGE)
    urls = tuple(list_url(entry.url.rstrip("/"), n) for n in range(1, len(pages) + 1))
    starts: dict[int, str] = {}  # kind group -> where it begins: the jump list links there from every page
    for n, page in enumerate(pages):
        for group in page:
            starts.setdefault(group.number, f"{urls[n]}#kind-{group.number}")
    jump = tuple((g.label, g.count, starts[g.number]) for g in index)
    shared = {"entry": entry, "jump": jump, "total": sum(g.count for g in index)}
    context.update(shared, index=pages[0], index_pager=Pager(1, len(pages), (), urls),
                   reports=[i for i in items if i.folder == "reports"],
                   news=[i for i in items if i.folder == "news"],
                   suggestion_summary=session_summary(site, entry, items), **meeting_context(items))
    for n in range(2, len(pages) + 1):  # the rest of a big index, after the session's own page
        title = f"{entry.title}心声索引（第{n}页）"
        more.append(Route(urls[n - 1], "session.html", title, section, entry.source,
                          context={**shared, "index": pages[n - 1], "index_pager": Pager(n, len(pages), (), urls)},
                          crumbs=(*crumbs, Crumb(f"心声索引第{n}页", urls[n - 1])), entry=entry))
    return more


def _topic_routes(site: Site, listed: bool, size: int) -> list[Route]:
    """The list of topics (where the column is shown) and each topic's pages of items."""
    routes: list[Route] = []
    if listed:
        routes.append(Route(list_url("topics"), "topic_list.html", "专题", "topics", "生成的专题列表",
                            context={"topics": [(t, len(site.topic_items(t))) for t in site.topics]},
                            crumbs=(_home(), Crumb("专题", list_url("topics")))))
    for topic in site.topics:
        for pager in paginate(site.topic_items(topic), size, topic.url.rstrip("/")):
            title = topic.name if pager.number == 1 else f"{topic.name}（第{pager.number}页）"
            routes.append(Route(pager.url, "topic.html", title, "topics", "site.yaml（专题）",
                                context={"topic": topic, "pager": pager},
                                crumbs=(_home(), Crumb("专题", list_url("topics")), Crumb(topic.name, topic.url))))
    return routes


def plan(site: Site) -> list[Route]:
    """Every page of the site, in a stable order."""

    size = site.config.paginate
    current = site.current_session
    columns = present(site)  # a column without content has no page (and no place in the navigation)
    routes: list[Route] = [Route("", "home.html", site.config.title, "", "生成的首页",
                                 context={"latest_news": site.news[:6], "latest_voices": site.voices[:6],
                                          "session": current, "reports": site.reports[:4],
                                          "session_reports": [r for r in site.reports if current and r.session is current],
                                          **home_context(site)})]

    def lists(section: str, items: Sequence[Any], template: str, **extra: Any) -> None:
        if section not in columns:
            return
        label = SECTION_LABEL[section]
        for pager in paginate(items, size, section):
            title = label if pager.number == 1 else f"{label}（第{pager.number}页）"
            routes.append(Route(pager.url, template, title, section, f"生成的{label}列表",
                                context={"pager": pager, **extra},
                                crumbs=(_home(), Crumb(label, list_url(section)))))

    lists("sessions", site.sessions, "session_list.html")
    lists("deputies", site.people, "person_list.html")
    lists("voices", site.voices, "voice_list.html")
    lists("reports", site.reports, "report_list.html")
    lists("news", site.news, "news_list.html")
    routes.extend(_topic_routes(site, "topics" in columns, size))

    led_or_signed: dict[int, list[Suggestion]] = {}  # person -> suggestions: one pass, not one per person
    for s in site.suggestions:
        for person in dict.fromkeys(s.deputies):
            led_or_signed.setdefault(id(person), []).append(s)
    for entry in [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages]:
        section = ENTRY_SECTION[entry.folder]
        crumbs = [_home()]
        if section:
            crumbs.append(Crumb(SECTION_LABEL[section], list_url(section)))
        crumbs.append(Crumb(entry.title, entry.url))
        context: dict[str, Any] = {"entry": entry}
        more: list[Route] = []
        if isinstance(entry, Session):
            more = _session_pages(site, entry, section, crumbs, context)
        elif isinstance(entry, Person):
            items = site.person_items(entry)
            mine = led_or_signed.get(id(entry), [])  # newest session first, by number
            context.update(items=[i for i in items if not isinstance(i, Suggestion)],
                           suggestions_led=[s for s in mine if s.deputies[0] is entry],
                           suggestions_cosigned=[s for s in mine if s.deputies[0] is not entry],
                           records=site.person_records(entry))
        routes.append(Route(entry.url, ENTRY_TEMPLATE[entry.folder], entry.title, section, entry.source, context=context,
                            crumbs=tuple(crumbs), entry=entry))
        routes.extend(more)
    if "suggestions" in columns:
        routes.extend(suggestion_routes(site))
    routes.extend(committee_routes(site))
    routes.append(Route(SEARCH_URL, "search.html", "搜索", "", "生成的搜索页", context=search_context(site),
                        crumbs=(_home(), Crumb("搜索", SEARCH_URL))))
    routes.append(Route("404.html", "404.html", "页面不存在", "", "生成的 404 页面"))
    return routes


# -- suggestions (代表建议) ---------------------------------------------------------------------

@dataclass(frozen=True)
class FilterOption:
    label: str
    count: int
    url: str | None  # None where nothing matches: no page, no link


@dataclass(frozen=True)
class SessionSuggestions:
    """A session's line in the suggestions overview."""

    session: Session
    stats: SuggestionStats
    url: str


def session_summary(site: Site, session: Session, items: Sequence[Entry]) -> dict[str, Any] | None:
    """The handling summary on a session's page; None for a standing-committee meeting without any."""
    mine = [i for i in items if isinstance(i, Suggestion)]
    if not mine and session.type != PLENARY:
        return None
    voices = [i for i in items if isinstance(i, Voice)]
    return {"summary": summarize("session", mine, voices, site.config.suggestion_results, site.topics),
            "url": suggestions_url(session.url) if mine else None}


def suggestion_filters(session: Session, items: Sequence[Suggestion],
                       site: Site) -> list[tuple[str, str, list[tuple[FilterOption, list[Suggestion]]]]]:
    """(dimension, label, options with their suggestions): status, result and topic, one page per value."""
    def option(dimension: str, value: str, label: str, chosen: list[Suggestion]) -> tuple[FilterOption, list]:
        return FilterOption(label, len(chosen), suggestions_url(session.url, dimension, value) if chosen else None), chosen

    status = [option("status", STATUS_SLUG[st], st, [s for s in items if s.status == st]) for st in STATUS_SLUG]
    result = [option("result", slugify(c.code.lower()), f"{c.code} {c.label}",
                     [s for s in items if s.result is not None and s.result.code == c.code])
              for c in site.config.suggestion_results]
    topic = [option("topic", t.slug, t.name, [s for s in items if t in s.topics]) for t in site.topics]
    return [("status", "办理状态", status), ("result", "办理结果", result),
            ("topic", "专题", [o for o in topic if o[0].count])]


def suggestion_routes(site: Site) -> list[Route]:
    """The overview, each session's list with one page per filter value, and a page per suggestion."""
    size, results = site.config.paginate, site.config.suggestion_results
    top = Crumb(SECTION_LABEL["suggestions"], list_url("suggestions"))
    routes: list[Route] = []
    rows: list[SessionSuggestions] = []
    lists: dict[int, str] = {}
    by_session: dict[int, list[Suggestion]] = {}  # one pass, not one per session
    for s in site.suggestions:
        by_session.setdefault(id(s.session), []).append(s)
    for session in site.sessions:
        items = by_session.get(id(session), [])
        if not items:
            continue
        base = lists[id(session)] = suggestions_url(session.url)
        rows.append(SessionSuggestions(session, suggestion_rates(items, results), base))
        filters = suggestion_filters(session, items, site)
        pages = [(base, "", items)] + [(o.url, o.label, chosen) for _, _, opts in filters
                                       for o, chosen in opts if o.url]
        shown = [(dim, label, tuple(o for o, _ in opts)) for dim, label, opts in filters]
        for url, label, chosen in pages:
            title = f"{session.title}代表建议" + (f"：{label}" if label else "")
            crumbs = (_home(), top, Crumb(session.title, base)) + ((Crumb(label, url),) if label else ())
            for pager in paginate(chosen, size, url.rstrip("/")):
                routes.append(Route(pager.url, "suggestion_list.html",
                                    title if pager.number == 1 else f"{title}（第{pager.number}页）",
                                    "suggestions", f"生成的代表建议列表（{session.source}）",
                                    context={"session": session, "pager": pager, "filters": shown, "current": url,
                                             "base": base, "total": len(items), "count": len(chosen),
                                             "all_items": tuple(items)},
                                    crumbs=crumbs))
    summary: Summary = summarize("all", site.suggestions, site.voices, results, site.topics)
    routes.insert(0, Route(list_url("suggestions"), "suggestion_overview.html", "代表建议", "suggestions",
                           "生成的代表建议总览", context={"summary": summary, "sessions": rows},
                           crumbs=(_home(), top)))
    for s in site.suggestions:
        base = lists.get(id(s.session)) if s.session is not None else None
        crumbs = (_home(), top) + ((Crumb(s.session.title, base),) if base and s.session else ()) + \
            (Crumb(s.title, s.url),)
        routes.append(Route(s.url, "suggestion.html", s.title, "suggestions", s.source,
                            context={"entry": s, "list_url": base}, crumbs=crumbs, entry=s))
    return routes


def check_collisions(routes: list[Route], problems: Problems) -> None:
    """Two pages on one URL, or a page on a name the generator reserves, is an error."""
    seen: dict[str, Route] = {}
    for route in routes:
        top = route.url.split("/", 1)[0]
        if route.entry is not None and route.entry.folder == "pages" and top in RESERVED:
            problems.error(route.source, f"网址 /{route.url} 与网站自带的栏目重名。", field="slug",
                           line=route.entry.slug_line, fix="给这个页面另写一个 slug。")
            continue
        other = seen.get(route.path)
        if other is not None and route.template == other.template == "topic.html":
            # two topics of site.yaml (医疗卫生, yi-liao-wei-sheng) on one URL: said once, of site.yaml
            if route.context["pager"].number == 1:
                problems.error("site.yaml", f"专题“{other.context['topic'].name}”和“{route.context['topic'].name}”"
                               f"得到同一个网址 /{route.url}。", field="topics",
                               fix="改动其中一个专题名：专题的网址由专题名生成（中文取拼音）。")
            continue
        if other is not None:
            # blame the file whose own slug made the clash, where one of them wrote a slug
            blamed, named = (other, route) if _own_slug(other) and not _own_slug(route) else (route, other)
            problems.error(blamed.source, f"与 {named.source} 得到同一个网址 /{route.url}。", field="slug",
                           line=blamed.entry.slug_line if blamed.entry is not None else None,
                           fix="给其中一个文件写一个不同的 slug，或改文件名。")
            continue
        seen[route.path] = route


def _own_slug(route: Route) -> bool:
    """Whether the page's address comes from a slug its file wrote (not from the file name)."""
    e = route.entry
    return e is not None and e.slug != slugify(e.id)
