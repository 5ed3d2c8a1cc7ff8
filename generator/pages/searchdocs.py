"""What the search index knows of each page, taken from the model (never re-read from HTML).

A page gives its title and the names in it (weighted up), its labels (topics, a subtitle,
a citizen's title, a person's occupation …) and its body text. Lists of other pages are
not its text: a session's voices are found on the voices' own pages.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from ..model.models import (Appointment, Entry, News, Notice, Person, Report, Resolution, Session, Site, Suggestion,
                            Voice, cn_date)

KIND_ORDER = ("代表心声", "委员心声", "市民热议", "新闻", "工作报告", "代表建议", "决定决议", "人事任免", "通知公告",
              "会议", "人大代表", "政协委员", "页面")


# Tags inside a line of text (a link, bold …): their text reads on, with no space added (详见会议新闻。)
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|"
                        r"strong|sub|sup|time|u|var)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")


def body_text(clean_html: str) -> str:
    """The visible text of sanitised HTML: blocks apart by a space, inline markup read through."""
    return " ".join(html.unescape(TAG.sub(" ", INLINE_TAG.sub("", clean_html))).split())


@dataclass(frozen=True)
class SearchDoc:
    """One searchable page: what its result shows, and the three fields its terms come from."""

    source: str  # the content file (the page's identity across builds)
    url: str  # site-relative
    title: str
    kind: str  # 代表心声, 新闻, 人大代表 … (a filter)
    session: str  # the session's title, or "" (a filter)
    topics: tuple[str, ...]  # (a filter)
    date: str  # ISO date, or "" when the page has none (people, standalone pages)
    people: str  # names shown in the result, 、-separated
    heading: str  # title and names: weighted up
    labels: str  # topics, subtitle, titles and facts: weighted a little
    body: str  # the page's own text: what excerpts are cut from


def kind_of(entry: Entry) -> str:
    """The kind shown in results and offered as a filter: 代表心声, 新闻, 工作报告, 人大代表 …"""
    return entry.role if isinstance(entry, Person) and entry.role else entry.kind_label


def indexed(entry: Entry | None) -> bool:
    """Pages the index holds: published entries only, never drafts or items not yet out."""
    return entry is not None and entry.published


def people_named(entry: Entry) -> list[str]:
    """Names a reader may search for this page by: its speaker, the people it is about."""
    names: list[str] = []
    if isinstance(entry, Person):
        names.append(entry.name)
    elif isinstance(entry, (Voice, Report)) and entry.speaker_name:
        names.append(entry.speaker_name)
    elif isinstance(entry, News):
        names += [p.name for p in entry.people]
    elif isinstance(entry, Suggestion):
        names += [p.name for p in entry.deputies]
    elif isinstance(entry, Appointment):
        names += [a.name for a in entry.entries]
    return list(dict.fromkeys(n for n in names if n))


def indexed_entries(site: Site) -> list[Entry]:
    """The pages the index holds: every published entry."""
    return [e for e in site.entries() if indexed(e)]


def _labels(entry: Entry) -> list[str]:
    """The short texts a page shows about itself besides its title and names."""
    out = [t.name for t in entry.topics]
    if isinstance(entry, Session):
        out += [entry.place, entry.type, *(f"{label}{value}{unit}" for label, value, unit in entry.figures)]
    elif isinstance(entry, Person):
        out += [entry.role, entry.occupation, entry.party, entry.constituency, entry.ethnicity]
    elif isinstance(entry, Voice):
        out += [entry.speaker_title, entry.reporter]
    elif isinstance(entry, Report):
        out.append(entry.subtitle)
    elif isinstance(entry, News):
        out += [entry.column, entry.author]
    elif isinstance(entry, Suggestion):
        out += [entry.number_label, entry.status, *entry.handler, entry.satisfaction,
                entry.result.label if entry.result else ""]
    elif isinstance(entry, (Resolution, Notice)):
        out.append(entry.number)
    return [text for text in out if text]


@dataclass(frozen=True)
class Row:
    """What the index's manifest holds of a page: its filter values, and the date its id comes from."""

    kind: str
    session: str
    topics: tuple[str, ...]
    date: str  # ISO, or ""


def _session_title(entry: Entry) -> str:
    session = entry if isinstance(entry, Session) else getattr(entry, "session", None)
    return session.title if isinstance(session, Session) and session.published else ""


def _iso(entry: Entry) -> str:
    date = entry.sort_date
    return date.isoformat() if date.year > 1 else ""


def row_of(entry: Entry) -> Row:
    """A page's row, without reading its text (cheap: made for every page on every update)."""
    return Row(kind_of(entry), _session_title(entry), tuple(t.name for t in entry.topics), _iso(entry))


def search_doc(entry: Entry) -> SearchDoc:
    """The searchable record of one published entry."""
    names = people_named(entry)
    body = body_text(entry.html)
    if isinstance(entry, Appointment):  # the list itself is in the front matter: 任命张三为……；免去……
        body = " ".join(["；".join(a.sentence for a in entry.entries) + "。" if entry.entries else "", body]).strip()
    if isinstance(entry, Suggestion) and entry.answer_html:
        body = f"{body} {body_text(entry.answer_html)}".strip()
    labels = " ".join(_labels(entry))
    by = [] if isinstance(entry, News) else names  # whom the page is by or about: weighted as its title
    if not by:
        labels = " ".join([*names, labels]).strip()  # people a news item names: weighted as labels
    return SearchDoc(
        source=entry.source, url=entry.url, title=entry.title, kind=kind_of(entry),
        session=_session_title(entry), topics=tuple(t.name for t in entry.topics),
        date=_iso(entry), people="、".join(names),
        heading=" ".join([entry.title, *by]), labels=labels, body=body)


def shown_date(doc: SearchDoc) -> str:
    """The date as a result shows it: 2021年7月21日."""
    return cn_date(dt.date.fromisoformat(doc.date)) if doc.date else ""


def search_context(site: Site) -> dict:
    """The search page's filter choices (kind, session, topic), from the published site."""
    entries = indexed_entries(site)
    present = {kind_of(e) for e in entries}
    kinds = [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))
    sessions = [s.title for s in site.sessions if indexed(s)]
    used = {t.name for e in entries for t in e.topics}
    topics = [t.name for t in site.topics if t.name in used]
    options = [("kind", "类别", tuple(kinds)), ("session", "会议", tuple(sessions)), ("topic", "专题", tuple(topics))]
    return {"filter_options": tuple(o for o in options if o[2])}
