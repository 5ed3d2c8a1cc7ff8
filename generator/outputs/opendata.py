"""Open data: each session's voices and suggestions, the list of people, every resolution and every
appointment or removal, as CSV (UTF-8 with BOM) and JSON.

The files sit beside the pages that link to them (sessions/<slug>/voices.csv,
deputies/people.csv …); templates/_downloads.html prints the links. The CSV
headers are Chinese for spreadsheet users, the JSON keys English for programs;
COLUMNS maps one to the other and README documents them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

from ..model.models import Appointee, Appointment, Person, Resolution, Site, Suggestion, Voice
from ..model.urls import absolute, committee_data_url, people_data_url, suggestions_data_url, voices_data_url
from ..pages.render import OutputFile

# (JSON key, CSV header) in column order.
VOICE_COLUMNS = (
    ("id", "编号"), ("title", "标题"), ("kind", "类别"), ("speaker", "发言人"),
    ("speaker_title", "发言人身份"), ("speaker_url", "发言人页面"), ("date", "日期"),
    ("topics", "专题"), ("summary", "摘要"), ("reporter", "整理"), ("url", "网址"),
)
PEOPLE_COLUMNS = (
    ("id", "编号"), ("name", "姓名"), ("role", "身份"), ("occupation", "职业"), ("gender", "性别"),
    ("ethnicity", "民族"), ("party", "党派"), ("constituency", "选区"), ("voices", "心声数"),
    ("url", "网址"),
)
SUGGESTION_COLUMNS = (
    ("id", "编号"), ("number", "建议号"), ("title", "标题"), ("deputies", "提出人"), ("status", "办理状态"),
    ("handler", "承办单位"), ("key", "重点督办"), ("answered", "答复日期"), ("result", "办理结果"),
    ("satisfaction", "满意度"), ("topics", "专题"), ("url", "网址"),
)
RESOLUTION_COLUMNS = (
    ("id", "编号"), ("title", "标题"), ("number", "文号"), ("adopted", "通过日期"), ("meeting", "会议"),
    ("meeting_url", "会议页面"), ("topics", "专题"), ("summary", "摘要"), ("url", "网址"),
)
APPOINTMENT_COLUMNS = (
    ("date", "日期"), ("meeting", "会议"), ("name", "姓名"), ("action", "任免"), ("post", "职务"),
    ("organ", "所属机关"), ("person_url", "人员页面"), ("list", "任免名单"), ("url", "网址"),
)
LIST_SEPARATOR = "；"  # between topics in one CSV cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def _csv(columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _ in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def voice_row(site: Site, v: Voice) -> dict[str, Any]:
    """One voice as a record of VOICE_COLUMNS."""
    base = site.config.base_url
    speaker = v.speaker if v.speaker is not None and v.speaker.published else None
    return {
        "id": v.id, "title": v.title, "kind": v.kind, "speaker": v.speaker_name,
        "speaker_title": v.speaker_title or (speaker.role if speaker else ""),
        "speaker_url": absolute(speaker.url, base) if speaker else "",
        "date": v.date.isoformat() if v.date.year > 1 else "",
        "topics": [t.name for t in v.topics], "summary": v.summary, "reporter": v.reporter,
        "url": absolute(v.url, base),
    }


def suggestion_row(site: Site, s: Suggestion) -> dict[str, Any]:
    """One suggestion as a record of SUGGESTION_COLUMNS (deputies by name, 领衔 first)."""
    return {
        "id": s.id, "number": s.number if s.number is not None else "", "title": s.title,
        "deputies": [p.name for p in s.deputies], "status": s.status, "handler": list(s.handler),
        "key": "是" if s.key else "", "answered": s.answered.isoformat() if s.answered else "",
        "result": f"{s.result.code} {s.result.label}" if s.result else "", "satisfaction": s.satisfaction,
        "topics": [t.name for t in s.topics], "url": absolute(s.url, site.config.base_url),
    }


def person_row(site: Site, p: Person) -> dict[str, Any]:
    """One person as a record of PEOPLE_COLUMNS."""
    voices = sum(1 for e in site.person_items(p) if isinstance(e, Voice) and e.published)
    return {"id": p.id, "name": p.name, "role": p.role, "occupation": p.occupation, "gender": p.gender,
            "ethnicity": p.ethnicity, "party": p.party, "constituency": p.constituency,
            "voices": voices, "url": absolute(p.url, site.config.base_url)}


def resolution_row(site: Site, r: Resolution) -> dict[str, Any]:
    """One resolution as a record of RESOLUTION_COLUMNS."""
    base, meeting = site.config.base_url, r.session if r.session is not None and r.session.published else None
    return {"id": r.id, "title": r.title, "number": r.number, "adopted": r.adopted.isoformat(),
            "meeting": r.session.title if r.session else "", "meeting_url": absolute(meeting.url, base) if meeting else "",
            "topics": [t.name for t in r.topics], "summary": r.summary, "url": absolute(r.url, base)}


def appointment_row(site: Site, a: Appointment, e: Appointee) -> dict[str, Any]:
    """One entry of an appointment list as a record of APPOINTMENT_COLUMNS."""
    base, person = site.config.base_url, e.person if e.person is not None and e.person.published else None
    return {"date": a.date.isoformat(), "meeting": a.session.title if a.session else "", "name": e.name,
            "action": e.action, "post": e.post, "organ": e.organ,
            "person_url": absolute(person.url, base) if person else "", "list": a.title, "url": absolute(a.url, base)}


def committee_files(site: Site) -> list[OutputFile]:
    """Every resolution, and every entry of every appointment list, newest first (beside their lists)."""
    files: list[OutputFile] = []
    resolutions = [r for r in site.resolutions if r.published]
    entries = [(a, e) for a in site.appointments if a.published for e in a.entries]
    for folder, columns, rows in (
            ("resolutions", RESOLUTION_COLUMNS, [resolution_row(site, r) for r in resolutions]),
            ("appointments", APPOINTMENT_COLUMNS, [appointment_row(site, a, e) for a, e in entries])):
        if not rows:
            continue  # no list page to put it beside
        files.append(OutputFile(committee_data_url(folder, "csv"), _csv(columns, rows)))
        files.append(OutputFile(committee_data_url(folder, "json"), _json({
            "site": site.config.title, "columns": dict(columns), "count": len(rows), folder: rows})))
    return files


def opendata_files(site: Site, sessions: set[str] | None = None, committee: bool = True) -> list[OutputFile]:
    """voices and suggestions csv/json for every published session, people.csv/json for the site,
    and the committee's resolutions and appointments.

    `sessions`: only these sessions' files (by source), and the committee's only if `committee`,
    where not all are wanted (an update in place).
    """
    files: list[OutputFile] = []
    base = site.config.base_url
    for s in site.sessions:
        if not s.published or (sessions is not None and s.source not in sessions):
            continue
        voices = [v for v in site.session_items(s) if isinstance(v, Voice) and v.published]
        voices.sort(key=lambda v: ("代表委员市民".find(v.kind), -v.date.toordinal(), v.title, v.id))
        rows = [voice_row(site, v) for v in voices]
        meta = {"id": s.id, "title": s.title, "start": s.start.isoformat(), "end": s.end.isoformat(),
                "url": absolute(s.url, base)}
        files.append(OutputFile(voices_data_url(s.url, "csv"), _csv(VOICE_COLUMNS, rows)))
        files.append(OutputFile(voices_data_url(s.url, "json"), _json({
            "session": meta, "columns": dict(VOICE_COLUMNS), "count": len(rows), "voices": rows})))
        raised = [x for x in site.session_items(s) if isinstance(x, Suggestion) and x.published]
        raised.sort(key=lambda x: (x.number is None, x.number or 0, x.title, x.id))
        rows = [suggestion_row(site, x) for x in raised]
        files.append(OutputFile(suggestions_data_url(s.url, "csv"), _csv(SUGGESTION_COLUMNS, rows)))
        files.append(OutputFile(suggestions_data_url(s.url, "json"), _json({
            "session": meta, "columns": dict(SUGGESTION_COLUMNS), "count": len(rows), "suggestions": rows})))
    if sessions is not None:
        return files + (committee_files(site) if committee else [])
    people = [p for p in site.people if p.published]
    rows = [person_row(site, p) for p in people]
    files.append(OutputFile(people_data_url("csv"), _csv(PEOPLE_COLUMNS, rows)))
    files.append(OutputFile(people_data_url("json"), _json({
        "site": site.config.title, "columns": dict(PEOPLE_COLUMNS), "count": len(rows), "people": rows})))
    return files + committee_files(site)
