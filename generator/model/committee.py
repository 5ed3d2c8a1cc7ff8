"""The standing committee's work between sessions in the model: resolutions, appointment lists, notices. Pure.

references.py hands each such entry to `resolve` with its checked front matter: the meeting it
names, its date within that meeting, the people an appointment list names, a notice's `until`
against its date and the build day. `assemble` then puts the published ones on the Site, with
each person's 任免记录 (content-format.md, "Standing-committee work").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Protocol

from ..errors import Problems
from ..read.content import Document
from .markdown import cut
from .models import Appointee, Appointment, Entry, Notice, Person, Resolution, Session, Site

COMMITTEE_FOLDERS = ("resolutions", "appointments", "notices")


class Lookups(Protocol):
    """What `resolve` uses of the model's builder (references.py): its problems, the build day, its reference lookups."""

    problems: Problems
    today: dt.date

    def session_ref(self, doc: Document, sid: str | None, entry: Entry, field_name: str = ...) -> Session | None: ...

    def person_ref(self, doc: Document, field_name: str, who: str, role: str | None, entry: Entry, *,
                   voice: bool = ..., line: int | None = ..., hint: str = ...) -> Person | None: ...


def resolve(b: Lookups, doc: Document, entry: Entry, values: dict[str, Any]) -> None:
    """References and date rules of a resolution, an appointment list or a notice."""
    if isinstance(entry, Notice):
        _notice(b, doc, entry)
        return
    assert isinstance(entry, (Resolution, Appointment))
    entry.session = b.session_ref(doc, values["meeting"], entry, "meeting")
    if isinstance(entry, Resolution):
        _within(b, doc, entry.session, values["adopted"], "adopted", "通过日期")
    else:
        _within(b, doc, entry.session, values["date"], "date", "任免日期")
        entry.entries = _appointees(b, doc, entry, values["entries"] or ())
        if not entry.summary:  # what lists, feeds and search engines show of it: the list itself
            entry.summary = cut("；".join(a.sentence for a in entry.entries) + "。")


def _within(b: Lookups, doc: Document, meeting: Session | None, day: dt.date | None, field: str, what: str) -> None:
    """A meeting decides on its own days: from its start to its end, both included."""
    if meeting is None or day is None or meeting.start <= day <= meeting.end:
        return
    span = f"{meeting.start}" if meeting.start == meeting.end else f"{meeting.start} 至 {meeting.end}"
    b.problems.error(doc.path, f"{what} {day} 不在会议“{meeting.title}”的会期（{span}）之内。",
                     line=doc.line_of(field), field=field,
                     fix=f"{field} 写会议期间的日期（{span}）；日期没错的话，检查 meeting 是不是写错了会议。")


def _appointees(b: Lookups, doc: Document, entry: Appointment, items: Iterable[dict[str, Any]]) -> tuple[Appointee, ...]:
    """The list's entries, each `person` resolved as a speaker is (an id, or a name only one person has)."""
    out = []
    for item in items:
        person = None
        if item["person"]:
            line = doc.line_within("entries", item["index"], "person")
            person = b.person_ref(doc, f"entries 第{item['index'] + 1}项 person", item["person"], None, entry,
                                  voice=False, line=line, hint="此人在本站没有个人页面的话，删去 person。")
            if person is not None and person.name != item["name"]:
                b.problems.warn(doc.path, f"name 写的是“{item['name']}”，person 指向的却是 {person.name}（{person.source}）。",
                                line=line, field=f"entries 第{item['index'] + 1}项 person",
                                fix="检查 person 是否指错了人；同一人请让 name 与其页面上的姓名一致。")
        out.append(Appointee(item["name"], item["action"], item["post"], item["organ"] or "", person))
    return tuple(out)


def _notice(b: Lookups, doc: Document, entry: Notice) -> None:
    """`until` is not before `date`; a notice past its `until` (China time) goes to the archive."""
    if entry.until is not None and entry.date != dt.date.min and entry.until < entry.date:
        b.problems.error(doc.path, f"有效期 {entry.until} 早于发布日期 {entry.date}。", line=doc.line_of("until"),
                         field="until", fix="until 写通知有效的最后一天，不早于 date；一直有效的通知删去 until。")
    entry.expired = entry.until is not None and entry.until < b.today


def assemble(site: Site, shown: Iterable[Entry], visible: Callable[[Entry], bool]) -> None:
    """The Site's lists of the three kinds (newest first) and every person's 任免记录."""
    items = list(shown)

    def newest(e: Entry) -> tuple:
        return (-e.sort_date.toordinal(), e.title, e.id)

    site.resolutions = sorted((e for e in items if isinstance(e, Resolution)), key=newest)
    site.appointments = sorted((e for e in items if isinstance(e, Appointment)), key=newest)
    site.notices = sorted((e for e in items if isinstance(e, Notice)), key=newest)
    for appointment in site.appointments:
        for appointee in appointment.entries:
            if appointee.person is not None and visible(appointee.person):
                site.records.setdefault(appointee.person.source, []).append((appointment, appointee))
