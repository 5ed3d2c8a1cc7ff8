"""The Site's lists in their reading order, and its back-links: a session's, a person's, a topic's items.

Made from the entries shown (published, or every one in a preview) once all three passes
are done; committee.py orders its own three kinds and each person's 任免记录.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Callable

from . import committee
from .models import Entry, News, Page, Person, Report, Session, Site, Suggestion, Voice
from .urls import pinyin_key


@lru_cache(maxsize=65536)
def _pinyin_key(text: str) -> str:
    return pinyin_key(text)  # memoised (and persisted by the Builder) in urls.py


def _newest(e: Entry) -> tuple:
    return (-e.sort_date.toordinal(), e.title, e.id)


def list_entries(site: Site, shown: list[Entry], visible: Callable[[Entry], bool]) -> None:
    """Each kind's list: the newest first, people by role and pinyin, pages by their order."""
    site.sessions = sorted((e for e in shown if isinstance(e, Session)), key=_newest)
    site.voices = sorted((e for e in shown if isinstance(e, Voice)), key=_newest)
    site.reports = sorted((e for e in shown if isinstance(e, Report)), key=_newest)
    site.news = sorted((e for e in shown if isinstance(e, News)), key=_newest)
    site.people = sorted((e for e in shown if isinstance(e, Person)),
                         key=lambda p: (p.role != "人大代表", _pinyin_key(p.name), p.id))
    names = Counter(p.name for p in site.people)
    for person in site.people:
        person.namesake = names[person.name] > 1
    site.pages = sorted((e for e in shown if isinstance(e, Page)),
                        key=lambda p: (p.order is None, p.order or 0, _pinyin_key(p.title), p.id))
    site.suggestions = sorted((e for e in shown if isinstance(e, Suggestion)),
                              key=lambda s: (-s.date.toordinal(), s.session.id if s.session else "",
                                             s.number is None, s.number or 0, _pinyin_key(s.title), s.id))
    committee.assemble(site, shown, visible)


def index_back_links(site: Site, shown: list[Entry], visible: Callable[[Entry], bool]) -> None:
    """What points at a session, a person or a topic, newest first: their pages list it."""
    for entry in sorted(shown, key=_newest):
        session = getattr(entry, "session", None)
        if session is not None and visible(session):
            site.by_session.setdefault(session.source, []).append(entry)
        for person in _people_named(entry):
            if visible(person):
                site.by_person.setdefault(person.source, []).append(entry)
        for topic in entry.topics:
            site.by_topic.setdefault(topic.name, []).append(entry)


def _people_named(entry: Entry) -> list[Person]:
    if isinstance(entry, (Voice, Report)):
        return [entry.speaker] if entry.speaker else []
    if isinstance(entry, News):
        return list(entry.people)
    if isinstance(entry, Suggestion):
        return list(entry.deputies)
    return []
