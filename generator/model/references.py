"""Pass 2 of making the Site: every reference between files resolved, with the contract's rules.

Sessions by id, speakers and people by id or name (the role check, the ambiguity error, the
nearest name for a typo), a published page pointing at an unpublished one, items dated after
the build day, suggestion numbers unique in their session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..read.content import Document
from . import committee
from . import fields as schema
from .didyoumean import nearest_people, one_line, people_hint
from .entries import Entries
from .models import (ROLE_FOR_KIND, Appointment, Entry, News, Notice, Person, Report, Resolution, Session, Suggestion,
                     Voice)
from .urls import slugify


class References(Entries):
    """Pass 2 over the entries of pass 1: `schedule` every entry, then `resolve` each one's references."""

    def session_ref(self, doc: Document, sid: str | None, entry: Entry, field_name: str = "session") -> Session | None:
        if not sid:
            return None
        session = self.sessions.get(sid)
        if session is None and self.unloaded("sessions", sid):
            return None  # its file is there but did not load: that error says it, once
        if session is None:
            known = "、".join(sorted(self.sessions)) or "（还没有会议文件）"
            self.problems.error(doc.path, f"找不到 id 为“{sid}”的会议。", line=doc.line_of(field_name),
                                field=field_name, fix=f"写 sessions/ 中某个文件的文件名（不含 .md）：{known}。")
            return None
        self._check_link(doc, entry, session, field_name)
        return session

    def person_ref(self, doc: Document, field_name: str, who: str, role: str | None,
                   entry: Entry, *, voice: bool = True, index: int | None = None, line: int | None = None,
                   hint: str = "") -> Person | None:
        """Resolve a person by id or name; `role` restricts to 人大代表 / 政协委员.

        `voice` is False for a suggestion's deputies, whose fixes cannot mention a voice's kind;
        `index`: the item of a list field (people, deputies) `who` is; `line` is where the name is
        written, when not on the field's own line; `hint` ends the fix of a name that matches nobody.
        """
        by_id = self.people_by_id.get(who)
        # Both ways at once: an id that is also someone else's name (周道杨.md and another file
        # with name: 周道杨) names two people, and the contract makes that an error, not a guess.
        candidates = list({id(p): p for p in ([by_id] if by_id else []) + self.people_by_name.get(who, [])}.values())
        if line is None:
            line = doc.lines.get(f"{field_name}[{index}]", doc.line_of(field_name)) if index is not None \
                else doc.line_of(field_name)
        matching = [p for p in candidates if role is None or p.role == role]
        if not matching:
            if candidates and not any(p.role for p in candidates):
                return None  # their role is wrong in their own file: that error says it, once
            if candidates:
                other = next(p for p in candidates if p.role)
                kind = "代表" if other.role == "人大代表" else "委员"
                self.problems.error(doc.path, f"“{who}”是{other.role}（{other.source}），不是{role}。",
                                    line=line, field=field_name,
                                    fix=f"把 kind 改为 {kind}，或改写一位{role}的 id 或姓名。" if voice else
                                    f"代表建议由{role}提出：改写一位{role}的 id 或姓名。")
            elif self.unloaded("deputies", who):
                return None  # the person's file is there but did not load: that error says it, once
            else:
                where = f"{role}" if role else "人"
                fix = (f"先在 content/deputies/ 中为此人建立文件，或改写已有{where}的 id 或姓名"
                       + ("；若发言人是市民，把 kind 改为 市民" if role and voice else ""))
                self.problems.error(doc.path, f"deputies/ 中找不到名为或 id 为“{who}”的{where}。",
                                    line=line, field=field_name,
                                    fix=self._nearest_fix(doc, field_name, who, role, index, line, fix) if not hint
                                    else self._nearest_hint(who, role) + fix + "。" + hint)
            return None
        if len(matching) > 1:
            ids = "、".join(p.id for p in matching)
            if by_id in matching:  # the id itself is the shared name: no id tells them apart yet
                self.problems.error(doc.path, f"“{who}”既是 {by_id.source} 的 id，又是另外 {len(matching) - 1} 位"
                                    f"{role or ''}的姓名：{ids}。", line=line, field=field_name,
                                    fix=f"把 {by_id.source} 改用拼音文件名（如 {slugify(who)}.md），"
                                        f"再在这里写要指的那一位的 id（{ids} 之一，改名后用新 id）。")
                return None
            self.problems.error(doc.path, f"有 {len(matching)} 位同名的{role or ''}“{who}”：{ids}。",
                                line=line, field=field_name, fix=f"改写其中一位的 id（{ids} 之一）。")
            return None
        person = matching[0]
        self._check_link(doc, entry, person, field_name, line)
        return person

    def _nearest_fix(self, doc: Document, field_name: str, who: str, role: str | None, index: int | None,
                     line: int, fix: str) -> str:
        """The fix for a name that matches nobody: the nearest people of the role, and the line corrected."""
        people = [p for p in self.people_by_id.values() if role is None or p.role == role]
        found = nearest_people(who, ((p.name, p.id) for p in people))
        if not found:
            return fix + "。"
        name, ident = found[0]
        meant = name if len(self.people_by_name.get(name, [])) == 1 else ident  # a shared name: the id
        items = list(self.values[doc.path].get(field_name) or ()) if index is not None else []
        if index is not None and doc.lines.get(f"{field_name}[{index}]", line) != doc.line_of(field_name):
            corrected = f"- {meant}"  # a list written one item per line
        elif index is not None and index < len(items):
            items[index] = meant
            corrected = schema.yaml_line(field_name, items)
        else:
            corrected = schema.yaml_line(field_name, meant)
        return f"{people_hint(found)}是的话，把第 {line} 行改为：{one_line(corrected)} （若都不是：{fix}。）"

    def _nearest_hint(self, who: str, role: str | None) -> str:
        """Whom a name that matches nobody may mean, as the start of a fix ("" when nobody is near)."""
        found = nearest_people(who, ((p.name, p.id) for p in self.people_by_id.values() if role is None or p.role == role))
        return f"{people_hint(found)}是的话，改写为其 id 或姓名；" if found else ""

    def name_ref(self, doc: Document, name: str | None, entry: Entry) -> Person | None:
        """A citizen's or reporter's name links to a person only when exactly one has it."""
        found = self.people_by_name.get(name or "", [])
        if len(found) == 1:
            self._check_link(doc, entry, found[0], "speaker")
            return found[0]
        return None

    def _check_link(self, doc: Document, source: Entry, target: Entry, field_name: str | None,
                    line: int | None = None) -> None:
        """Warn about a published page pointing at an unpublished one (field None: a body link)."""
        if self.visible(source) and not self.visible(target):
            state = "草稿" if target.draft else "尚未到发布日期的内容"
            where = "" if field_name else "正文中的链接"
            self.problems.warn(doc.path, f"{where}指向的 {target.source} 是{state}，链接将显示为普通文字。",
                               line=line or (doc.line_of(field_name) if field_name else None), field=field_name,
                               fix="发布那个文件，或在此处改写。")

    def schedule(self, path: str) -> None:
        """Mark an entry dated after the build day (a voice without date: its session's start).

        Done for every entry before any reference is resolved, so that whether a link
        target is published never depends on the order the files were read in.
        """
        entry, values = self.entries[path], self.values[path]
        date = values.get("date") or values.get("start") or values.get("adopted")
        if date is None and isinstance(entry, (Voice, Suggestion)):
            session = self.sessions.get(values.get("session") or "")
            date = session.start if session is not None else None
        entry.scheduled = isinstance(date, dt.date) and date != dt.date.min and date > self.data.today

    def resolve(self, path: str) -> None:
        entry, doc, values = self.entries[path], self.docs[path], self.values[path]
        if isinstance(entry, Voice):
            entry.session = self.session_ref(doc, values["session"], entry)
            entry.date = values["date"] or (entry.session.start if entry.session else dt.date.min)
            role = ROLE_FOR_KIND.get(entry.kind)
            entry.speaker_name = values["speaker"] or ""
            if values["speaker"]:
                if role:
                    entry.speaker = self.person_ref(doc, "speaker", values["speaker"], role, entry)
                    if entry.speaker:
                        entry.speaker_name = entry.speaker.name
                else:
                    entry.speaker = self.name_ref(doc, values["speaker"], entry)
        elif isinstance(entry, Report):
            entry.session = self.session_ref(doc, values["session"], entry)
            entry.speaker_name = values["speaker"] or ""
            entry.speaker = self.name_ref(doc, values["speaker"], entry)
        elif isinstance(entry, News):
            entry.session = self.session_ref(doc, values["session"], entry)
            people = [self.person_ref(doc, "people", who, None, entry, index=i)
                      for i, who in enumerate(values["people"] or ())]
            entry.people = tuple(dict.fromkeys(p for p in people if p))
        elif isinstance(entry, Suggestion):
            self._resolve_suggestion(doc, entry, values)
        elif isinstance(entry, (Resolution, Appointment, Notice)):
            committee.resolve(self, doc, entry, values)

    def _resolve_suggestion(self, doc: Document, entry: Suggestion, values: dict[str, Any]) -> None:
        entry.session = self.session_ref(doc, values["session"], entry)
        entry.date = entry.session.start if entry.session else dt.date.min
        people = [self.person_ref(doc, "deputies", who, "人大代表", entry, voice=False, index=i)
                  for i, who in enumerate(values["deputies"] or ())]
        found = [p for p in people if p]
        entry.deputies = tuple(dict.fromkeys(found))
        if len(entry.deputies) < len(found):
            self.problems.warn(doc.path, "deputies 中有人写了不止一次，已只算一次。", line=doc.line_of("deputies"),
                               field="deputies", fix="每人只写一次，领衔人写在最前。")
        if entry.session and entry.answered and entry.answered < entry.session.start:
            self.problems.error(doc.path, f"答复日期 {entry.answered} 早于会议开幕日 {entry.session.start}。",
                                line=doc.line_of("answered"), field="answered",
                                fix=f"答复不会早于提出建议的会议（{entry.session.title}）：检查 answered 或 session。")

    def check_numbers(self) -> None:
        """A suggestion's number is unique within its session."""
        seen: dict[tuple[int, int], Suggestion] = {}
        for entry in sorted(self.entries.values(), key=lambda e: e.source):
            if not isinstance(entry, Suggestion) or entry.session is None or entry.number is None:
                continue
            other = seen.setdefault((id(entry.session), entry.number), entry)
            if other is not entry:
                doc = self.docs[entry.source]
                self.problems.error(doc.path, f"编号 {entry.number} 在会议“{entry.session.id}”中已被 {other.source} 使用。",
                                    line=doc.line_of("number"), field="number",
                                    fix="同一次会议中每个编号只用一次：改正其中一个文件的 number。")
