"""Documents -> Site: fields checked, references resolved, back-links indexed. Pure.

Every rule of the content contract that relates one file to another lives
here: sessions by id, speakers by id or name (with the role check and the
ambiguity error), topics declared in site.yaml, links between content files,
drafts and items dated after the build day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
import html
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from ..errors import Problem, Problems
from ..read.config import SiteConfig
from ..read.content import Document
from . import committee
from . import fields as schema
from .didyoumean import nearest_people, one_line, people_hint
from .markdown import MarkdownRenderer, Rendered, finalize, heading_anchor, split_target, summary_text
from .media_html import enrich
from .models import WrittenLink
from .models import (ROLE_FOR_KIND, Appointment, Entry, News, Notice, Page, Person, Report, Resolution, Session, Site,
                     Suggestion, Topic, Voice)
from .urls import entry_url, list_url, media_url, pinyin_key, relative, slugify

IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
IMG_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")  # another site's address (scheme or //host)
REFERENCES = frozenset({"session", "speaker", "people", "photo", "deputies", "result", "entries"})  # set apart
COMMON_FIELDS = frozenset({"title", "slug", "draft", "topics", "summary"})  # set for every entry
CLASSES = {"sessions": Session, "deputies": Person, "voices": Voice, "reports": Report,
           "news": News, "pages": Page, "suggestions": Suggestion,
           "resolutions": Resolution, "appointments": Appointment, "notices": Notice}
ANSWER_HEADING = re.compile(r"^##[ \t]*答复[ \t]*#*[ \t]*$", re.M)  # a suggestion's answer section


@dataclass
class BuildInput:
    """Everything the model is made from: no file system access beyond this point."""

    config: SiteConfig
    documents: list[Document]
    today: dt.date  # the build day in China time: later items are not yet published
    media: frozenset[str] = frozenset()  # site-relative paths of files under media/
    include_drafts: bool = False
    markdown: Callable[[str], Rendered] | None = None  # a caching converter, if the caller keeps one
    memo: dict[Any, Any] | None = None  # per-document work a long-lived Builder keeps between builds
    content_files: frozenset[str] = frozenset()  # every content file found, also those that did not load
    media_files: dict[str, Any] = field(default_factory=dict)  # published path -> media_html.Picture/Attachment


@lru_cache(maxsize=65536)
def _pinyin_key(text: str) -> str:
    return pinyin_key(text)  # memoised (and persisted by the Builder) in urls.py


class _Builder:
    """Holds the lookups of one model build; used once, by `build_site`."""

    def __init__(self, data: BuildInput, problems: Problems, topics: list[Topic] | None = None):
        self.data = data
        self.today = data.today
        self._unloaded: set[tuple[str, str]] | None = None  # (folder, id) of files that did not load
        self.cfg = data.config
        self.problems = problems
        self.topics = {t.name: t for t in topics} if topics is not None else \
            {name: Topic(name, slugify(name), list_url(f"topics/{slugify(name)}"), i)
             for i, name in enumerate(self.cfg.topics)}
        self.entries: dict[str, Entry] = {}  # by source path
        self.values: dict[str, dict[str, Any]] = {}
        self.docs: dict[str, Document] = {}
        self.sessions: dict[str, Session] = {}
        self.people_by_id: dict[str, Person] = {}
        self.people_by_name: dict[str, list[Person]] = {}
        # content file -> its entry, and the links of its body only the routes can judge (linkcheck.py)
        self.links: dict[str, tuple[Entry, dict[str, WrittenLink]]] = {}

    # -- helpers ------------------------------------------------------------
    def visible(self, entry: Entry) -> bool:
        return entry.published or self.data.include_drafts

    def _topics(self, doc: Document, names: tuple[str, ...] | None) -> tuple[Topic, ...]:
        out: list[Topic] = []
        for name in names or ():
            topic = self.topics.get(name)
            parts = [p.strip() for p in re.split(r"[,，、;；]", name) if p.strip()]
            if topic is None and len(parts) > 1 and all(p in self.topics for p in parts):
                # topics: 交通出行, 教育 (no brackets) is one text to YAML, not a list
                self.problems.error(doc.path, f"专题“{name}”写成了一段文字，而不是列表。",
                                    line=doc.line_of("topics"), field="topics",
                                    fix=f"写成列表：topics: [{', '.join(parts)}]（加上方括号，用英文逗号分隔）。")
            elif topic is None:
                declared = "、".join(self.cfg.topics) or "（site.yaml 中还没有声明任何专题）"
                self.problems.error(doc.path, f"专题“{name}”没有在 site.yaml 中声明。",
                                    line=doc.line_of("topics"), field="topics",
                                    fix=f"改用已声明的专题：{declared}；或在 site.yaml 的 topics 中加上它。")
            elif topic not in out:
                out.append(topic)
        return tuple(sorted(out, key=lambda t: t.order))

    # -- pass 1: every entry, without references -----------------------------
    def _validate(self, doc: Document) -> dict[str, Any]:
        """The checked front matter; kept (with its problems) while the file's bytes are the same."""
        memo = self.data.memo
        hit = memo.get(("fields", doc.path)) if memo is not None and doc.digest else None
        if hit is not None and hit[0] == doc.digest:
            self.problems.items.extend(hit[2])
            return hit[1]
        local = Problems()
        values = schema.validate(doc, local)
        self.problems.extend(local)
        if memo is not None and doc.digest:
            memo[("fields", doc.path)] = (doc.digest, values, local.items)
        return values

    def create(self, doc: Document) -> None:
        values = self._validate(doc)
        cls = CLASSES.get(doc.folder)
        if cls is None:  # folders handled by later features
            return
        slug = values["slug"] or slugify(doc.id)
        common: dict[str, Any] = dict(
            folder=doc.folder, id=doc.id, source=doc.path,
            title=values.get("title") or values.get("name") or doc.id,
            slug=slug, url=entry_url(doc.folder, slug), draft=bool(values["draft"]),
            topics=self._topics(doc, values["topics"]), summary=values["summary"] or "",
            slug_line=doc.line_of("slug") if values["slug"] else None)
        own = {f.name: values[f.name] for f in schema.SCHEMA[doc.folder]
               if f.name in cls.__dataclass_fields__ and f.name not in REFERENCES | COMMON_FIELDS
               and values[f.name] is not None}
        if doc.folder == "deputies":
            own["photo"] = self._photo(doc, values["photo"])
            own["picture"] = self.data.media_files.get(unquote(own["photo"])) if own["photo"] else None
        entry = cls(**common, **own)
        self.entries[doc.path] = entry
        self.values[doc.path] = values
        self.docs[doc.path] = doc
        if isinstance(entry, Session):
            self.sessions[doc.id] = entry
            if values["start"] and values["end"] and values["end"] < values["start"]:
                self.problems.error(doc.path, f"闭幕日期 {values['end']} 早于开幕日期 {values['start']}。",
                                    line=doc.line_of("end"), field="end", fix="end 应不早于 start。")
        elif isinstance(entry, Person):
            self.people_by_id[doc.id] = entry
            self.people_by_name.setdefault(entry.name, []).append(entry)
        elif isinstance(entry, Suggestion):
            self._suggestion_state(doc, entry, values)

    def _suggestion_state(self, doc: Document, entry: Suggestion, values: dict[str, Any]) -> None:
        """answered, result and satisfaction belong to 已答复 only; 已答复 needs a date and a result."""
        if values["status"] is None and doc.meta.get("status") not in (None, "", []):
            return  # an invalid status is reported already; what depends on it cannot be judged
        schemes = self.cfg.suggestion_results
        codes = "、".join(f"{c.code}（{c.label}）" for c in schemes)
        answered = entry.status == "已答复"
        for name, what in (("answered", "答复日期"), ("result", "办理结果"), ("satisfaction", "满意度")):
            if values[name] is not None and not answered:
                self.problems.error(doc.path, f"只有已答复的建议才有{what}，本建议的状态是“{entry.status}”。",
                                    line=doc.line_of(name), field=name,
                                    fix=f"若已答复，把 status 改为 已答复 并写明 answered 和 result；若尚未答复，删去 {name}。")
        blank = {name for name in ("answered", "result") if doc.meta.get(name) in (None, "", [])}
        if answered and "answered" in blank:
            self.problems.error(doc.path, "状态为已答复的建议必须写答复日期。", line=doc.line_of("status"),
                                field="answered", fix="加上 answered: YYYY-MM-DD（答复日期，不早于会议开幕日）。")
        if answered and "result" in blank:
            self.problems.error(doc.path, "状态为已答复的建议必须写办理结果。", line=doc.line_of("status"),
                                field="result", fix=f"加上 result: {schemes[0].code}；可用的分类：{codes}。")
        code = values["result"]
        found = next((c for c in schemes if c.code == code), None)
        if code is not None and found is None:
            self.problems.error(doc.path, f"办理结果“{code}”不是本站的分类。", line=doc.line_of("result"),
                                field="result", fix=f"只能写 {codes}；分类在 site.yaml 的 suggestion_results 中声明。")
        entry.result = found if answered else None
        if entry.number is not None and entry.number < 1:
            self.problems.error(doc.path, f"编号应是正整数，现在是 {entry.number}。", line=doc.line_of("number"),
                                field="number", fix="写建议的编号，如 number: 12；没有编号就删去这一行。")
            entry.number = None
        if not answered:
            entry.answered, entry.satisfaction = None, ""

    def _photo(self, doc: Document, photo: str | None) -> str:
        if not photo:
            return ""
        path = photo.lstrip("/")
        path = path if path.startswith("media/") else f"media/{path}"
        if path not in self.data.media:
            self.problems.error(doc.path, f"照片 {photo} 在 media/ 中不存在。", line=doc.line_of("photo"),
                                field="photo", fix="把照片放进 media/，photo 写 media/ 之下的路径，如 people/zhou.jpg。")
            return ""
        return media_url(path)

    def unloaded(self, folder: str, ident: str) -> bool:
        """Whether a content file of this id is in `folder` but did not load (bad YAML, a
        duplicate id): references to it then add nothing to that file's own error."""
        if self._unloaded is None:
            loaded = {d.path for d in self.docs.values()}
            self._unloaded = {(p.split("/")[1], posixpath.splitext(posixpath.basename(p))[0])
                              for p in self.data.content_files if p not in loaded and p.count("/") >= 2}
        return (folder, ident) in self._unloaded

    # -- pass 2: references -------------------------------------------------
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

    # -- pass 3: bodies -----------------------------------------------------
    def body(self, path: str, renderer: MarkdownRenderer) -> None:
        entry, doc = self.entries[path], self.docs[path]
        self.links[path] = (entry, {})
        text, answer = doc.body, ""
        if isinstance(entry, Suggestion):
            text, answer = _split_answer(doc.body)
            if answer.strip() and entry.status != "已答复":
                self.problems.warn(doc.path, f"正文有“## 答复”一节，但状态是“{entry.status}”，答复不会显示。",
                                   line=doc.line_of("status"), field="status", fix="答复后把 status 改为 已答复。")
            elif answer.strip():
                converted = (self.data.markdown or renderer.convert)(answer)
                self._not_converted(doc, converted)
                entry.answer_html = enrich(self._finalize(doc, entry, converted.html, "answer"), entry.url,
                                           self.data.media_files)
        rendered = (self.data.markdown or renderer.convert)(text)
        self._not_converted(doc, rendered)
        entry.html = enrich(self._finalize(doc, entry, rendered.html, "body"), entry.url, self.data.media_files)
        entry.toc = _toc_as_published(rendered.toc, entry.html)
        self._check_alt(doc, rendered.html)
        if not entry.summary:
            entry.summary = summary_text(entry.html)

    def _not_converted(self, doc: Document, rendered: Rendered) -> None:
        """A body Markdown could not convert (nested too deep, a parser error): an error naming the file, not a crash."""
        if rendered.problem:
            at = next((i for i, text in enumerate(doc.body.split("\n")) if text == rendered.problem_at), 0) \
                if rendered.problem_at else 0
            self.problems.error(doc.path, rendered.problem, line=doc.body_line + at,
                                fix="减少列表、引用或 HTML 标签的嵌套层数；从别处粘贴的内容，检查是否有没闭合的标签；"
                                    "单独成行或在行末的 {…} 会被当作属性写法，要原样显示时写成 \\{…}。")

    def _check_alt(self, doc: Document, raw_html: str) -> None:
        """An image without alt text is unreadable to screen readers: warn, naming its line."""
        tags = IMG_TAG.findall(raw_html)
        if not tags:
            return
        lines, start = doc.body.split("\n"), 0
        for tag in tags:
            src = IMG_SRC.search(tag)
            url = html.unescape(next((g for g in src.groups() if g), "")) if src else ""
            found = next((i for i in range(start, len(lines)) if (url or "<img") in lines[i]), None)
            start = found + 1 if found is not None else start
            alt = IMG_ALT.search(tag)
            if alt and "".join(g or "" for g in alt.groups()).strip():
                continue
            self.problems.warn(doc.path, f"图片 {url} 没有替代文字（alt），读屏软件无法向视障读者说明它。",
                               line=doc.body_line + found if found is not None else None,
                               fix=f"在 ![ ] 的方括号里写上图片内容，如 ![区人大代表在会上发言]({url})。")

    def _finalize(self, doc: Document, entry: Entry, raw_html: str, part: str) -> str:
        """Sanitised HTML with links resolved; kept while the HTML and every link's outcome are the same."""
        calls: list[tuple[str, str, str | None]] = []

        def link(attr: str, url: str) -> str | None:
            result = self._link(doc, entry, attr, url)
            calls.append((attr, url, result))
            return result

        memo = self.data.memo
        hit = memo.get((part, doc.path)) if memo is not None else None
        if hit is not None and hit[0] == raw_html and hit[1] == entry.url \
                and all(link(attr, url) == result for attr, url, result in hit[2]):
            return hit[3]
        calls.clear()
        clean = finalize(raw_html, link)
        if memo is not None:
            memo[(part, doc.path)] = (raw_html, entry.url, tuple(calls), clean)
        return clean

    def _link(self, doc: Document, entry: Entry, attr: str, url: str) -> str | None:
        target = split_target(doc.path, url)
        if target is None and attr == "src" and EXTERNAL.match(url):
            # The pages' Content-Security-Policy (img-src 'self') would block it, and loading it
            # would tell another server who reads the page: the image is left out, with a warning.
            self.problems.warn(doc.path, f"图片 {url} 在别的网站上，不会显示。",
                               line=next((doc.body_line + i for i, text in enumerate(doc.body.split("\n"))
                                          if url in text), None),
                               fix="把图片下载下来放进 media/，再从本文件所在的文件夹引用，如 ../../media/photo.jpg。")
            return None
        if target is None:
            return self._own_anchor(doc, url) if url.startswith("#") and len(url) > 1 else url
        path, fragment = target
        if fragment and path.endswith(".md") and not unquote(fragment).isascii():  # another page's heading, by its text
            fragment = heading_anchor(unquote(fragment))
        suffix = f"#{fragment}" if fragment else ""

        def line() -> int | None:  # looked up only for a problem: this runs for every link of every build
            return next((doc.body_line + i for i, text in enumerate(doc.body.split("\n")) if url in text), None)

        if path == ".." or path.startswith("../"):  # above the site folder: nothing of it is published
            self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向网站文件夹之外，网站上没有这个地址。",
                                line=line(), fix="链接别的页面写它的 .md 文件的相对路径（如 ../reports/work-report-2021.md）；"
                                                 "图片和附件放进网站文件夹的 media/，从本文件所在的文件夹算起引用。")
            return None
        if path.endswith(".md"):
            linked = self.entries.get(path)
            if linked is None and path in self.data.content_files:
                return None  # the file is there but did not load (a duplicate id, bad YAML): its own error says why
            if linked is None:
                self.problems.error(doc.path, f"链接 {url} 指向的文件 {path} 不存在。", line=line(),
                                    fix="检查路径（相对于本文件所在的文件夹）和文件名，如 ../reports/work-report-2021.md。")
                return None
            if not self.visible(linked):
                self._check_link(doc, entry, linked, None, line())
                return None
            if fragment:
                self._written(doc, WrittenLink(url, "entry", linked.source, unquote(fragment)))
            return relative(linked.url + suffix, entry.url)
        if path.startswith("media/"):
            if path not in self.data.media:
                self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向的 {path} 不存在。",
                                    line=line(), fix="把文件放进 media/ 文件夹，或改正路径。")
                return None
            return relative(media_url(path) + suffix, entry.url)
        if path.startswith("content/"):  # inside content/ but no content file: nothing is published there
            self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向的 {path} 不是内容文件，"
                                f"网站上没有这个地址。", line=line(),
                                fix="链接别的页面写它的 .md 文件，如 ../reports/work-report-2021.md；图片和附件放进网站文件夹"
                                    "顶层的 media/，从本文件所在的文件夹算起，如 ../../media/photo.jpg。")
            return None
        if url.startswith("/"):  # the site's root, wherever it is published (a sub-path of base_url)
            parts = urlsplit(url)
            site_path = "" if path in (".", "") else path + ("/" if parts.path.endswith("/") else "")
            self._written(doc, WrittenLink(url, "path", site_path, unquote(fragment)))
            return relative(site_path, entry.url) + (f"?{parts.query}" if parts.query else "") + suffix
        self._page_address(doc, entry, url, fragment)
        return url


    def _own_anchor(self, doc: Document, url: str) -> str:
        """A link to this page's own anchor; one written as a heading's text goes to its pinyin id."""
        written = unquote(url[1:])
        anchor = written if written.isascii() else heading_anchor(written)
        self._written(doc, WrittenLink(url, "self", "", anchor))
        return url if written.isascii() else "#" + anchor

    def _page_address(self, doc: Document, entry: Entry, url: str, fragment: str) -> None:
        """A page's address written relative to this page's (../../voices/x/): kept for linkcheck.py."""
        written = unquote(urlsplit(url).path)
        joined = posixpath.normpath(posixpath.join(entry.url, written))
        if joined != ".." and not joined.startswith("../"):  # above the root: `check` names it
            site_path = "" if joined == "." else joined + ("/" if written.endswith("/") else "")
            self._written(doc, WrittenLink(url, "path", site_path, unquote(fragment)))

    def _written(self, doc: Document, link: WrittenLink) -> None:
        """Keep a link for linkcheck.py, with the line that holds it."""
        links = self.links[doc.path][1]
        if link.url not in links:
            line = next((doc.body_line + i for i, text in enumerate(doc.body.split("\n")) if link.url in text), None)
            links[link.url] = WrittenLink(link.url, link.kind, link.target, link.fragment, line)


HEADING_ID = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]*)"')


def _toc_as_published(toc: tuple[tuple[int, str, str], ...], clean: str) -> tuple[tuple[int, str, str], ...]:
    """The table of contents with each heading's level as the page shows it.

    A body with its own `# 一级标题` has every heading pushed down a level (the page's
    title is its one <h1>); the contents must say h2 where the page says h2.
    """
    if not toc:
        return toc
    shown = {ident: int(level) for level, ident in HEADING_ID.findall(clean)}
    return tuple((shown.get(ident, level), ident, text) for level, ident, text in toc)


def build_site(data: BuildInput, problems: Problems, renderer: MarkdownRenderer | None = None) -> Site:
    """Turn parsed documents into the whole site model, recording every problem."""
    b = _Builder(data, problems)
    for doc in data.documents:
        b.create(doc)
    for path in b.entries:
        b.schedule(path)
    for path in b.entries:
        b.resolve(path)
    b.check_numbers()
    renderer = renderer or (None if data.markdown else MarkdownRenderer())  # type: ignore[assignment]
    memo = data.memo
    before: dict[str, dict[str, Any]] = {}  # for update_bodies: each entry before pass 3 ...
    found: dict[str, list] = {}  # ... and the problems pass 3 found in its file
    for path in b.entries:
        if memo is not None:
            before[path] = dict(vars(b.entries[path]))
            start = len(problems.items)
        b.body(path, renderer)
        if memo is not None:
            found[path] = problems.items[start:]
    drafts = set() if data.include_drafts else {e.source for e in b.entries.values() if e.draft}
    problems.items[:] = _excuse_drafts(problems.items, drafts)
    for path in found:  # update_bodies takes these out of `problems` again: the same objects
        found[path] = _excuse_drafts(found[path], drafts)
    if memo is not None:  # forget the work of files that are gone; keep the model (in memory only)
        paths = {doc.path for doc in data.documents}
        for key in [k for k in memo if k[1] not in paths]:
            del memo[key]
        memo[MODEL] = (b, renderer, before, found)

    shown = [e for e in b.entries.values() if b.visible(e)]
    site = Site(config=data.config, topics=list(b.topics.values()), drafts_shown=data.include_drafts, links=b.links,
                media_files=data.media_files)
    newest = lambda e: (-e.sort_date.toordinal(), e.title, e.id)  # noqa: E731
    site.sessions = sorted((e for e in shown if isinstance(e, Session)), key=newest)
    site.voices = sorted((e for e in shown if isinstance(e, Voice)), key=newest)
    site.reports = sorted((e for e in shown if isinstance(e, Report)), key=newest)
    site.news = sorted((e for e in shown if isinstance(e, News)), key=newest)
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
    committee.assemble(site, shown, b.visible)
    for entry in sorted(shown, key=newest):
        session = getattr(entry, "session", None)
        if session is not None and b.visible(session):
            site.by_session.setdefault(session.source, []).append(entry)
        for person in _people_named(entry):
            if b.visible(person):
                site.by_person.setdefault(person.source, []).append(entry)
        for topic in entry.topics:
            site.by_topic.setdefault(topic.name, []).append(entry)
    return site


def _excuse_drafts(items: list[Problem], drafts: set[str]) -> list[Problem]:
    """A draft's own errors do not stop the published build, which leaves it out anyway.

    One editor's half-written draft (`python build.py new` makes one with empty required
    fields) must not hold back everybody's publishing. Its problems stay visible as
    warnings here, and as errors in the preview (`serve`, `--drafts`), which shows it.
    """
    if not drafts:
        return items
    return [Problem(p.path, p.line, p.field, f"（草稿，不会发布）{p.message}", p.fix, warning=True)
            if not p.warning and p.path in drafts else p for p in items]


MODEL = ("model", "")  # memo key of the kept model: no document's path, never persisted


def update_bodies(memo: dict[Any, Any], documents: list[Document], problems: Problems) -> list[Entry] | None:
    """Update the model kept in `memo` by the last build_site for files whose body alone changed.

    Pass 3 runs again for those documents only, from their entries as they were before it;
    everything else (references, lists, back-links) cannot have changed. Their problems of
    pass 3 replace the old ones in `problems` (the last build's, extended in place). Returns
    the updated entries, or None when the kept model cannot be used (nothing is changed then).
    """
    kept = memo.get(MODEL)
    if kept is None:
        return None
    b, renderer, before, found = kept
    for doc in documents:
        old = b.docs.get(doc.path)
        if old is None or doc.path not in before \
                or (old.meta, old.lines, old.body_line) != (doc.meta, doc.lines, doc.body_line):
            return None
    updated = []
    for doc in documents:
        entry = b.entries[doc.path]
        for p in found[doc.path]:
            problems.items.remove(p)
        vars(entry).update(before[doc.path])
        b.docs[doc.path] = doc
        b.problems = Problems()
        b.body(doc.path, renderer)
        drafts = {doc.path} if entry.draft and not b.data.include_drafts else set()
        found[doc.path] = _excuse_drafts(b.problems.items, drafts)
        problems.items.extend(found[doc.path])
        updated.append(entry)
    return updated


def _people_named(entry: Entry) -> list[Person]:
    if isinstance(entry, (Voice, Report)):
        return [entry.speaker] if entry.speaker else []
    if isinstance(entry, News):
        return list(entry.people)
    if isinstance(entry, Suggestion):
        return list(entry.deputies)
    return []


def _split_answer(body: str) -> tuple[str, str]:
    """A suggestion's body -> (its text, its `## 答复` section up to the next level-2 heading)."""
    match = ANSWER_HEADING.search(body)
    if match is None:
        return body, ""
    rest = body[match.end():]
    after = re.search(r"^##[ \t]+\S", rest, re.M)
    if after is None:
        return body[:match.start()], rest
    return body[:match.start()] + rest[after.start():], rest[:after.start()]
