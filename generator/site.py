"""Documents -> Site: fields checked, references resolved, back-links indexed. Pure.

Every rule of the content contract that relates one file to another lives
here: sessions by id, speakers by id or name (with the role check and the
ambiguity error), topics declared in site.yaml, links between content files,
drafts and items dated after the build day.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any, Callable

from pypinyin import lazy_pinyin

from . import fields as schema
from .config import SiteConfig
from .content import Document
from .errors import Problems
from .markdown import MarkdownRenderer, Rendered, finalize, split_target, summary_text
from .models import (ROLE_FOR_KIND, Entry, News, Page, Person, Report, Session, Site, Topic,
                     Voice)
from .urls import entry_url, relative, slugify, list_url

IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
IMG_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
REFERENCES = frozenset({"session", "speaker", "people", "photo"})  # resolved in pass 2
COMMON_FIELDS = frozenset({"title", "slug", "draft", "topics", "summary"})  # set for every entry
CLASSES = {"sessions": Session, "deputies": Person, "voices": Voice, "reports": Report,
           "news": News, "pages": Page}


@dataclass
class BuildInput:
    """Everything the model is made from: no file system access beyond this point."""

    config: SiteConfig
    documents: list[Document]
    today: dt.date  # the build day in China time: later items are not yet published
    media: frozenset[str] = frozenset()  # site-relative paths of files under media/
    include_drafts: bool = False
    markdown: Callable[[str], Rendered] | None = None  # a caching converter, if the caller keeps one


def _pinyin_key(text: str) -> str:
    return " ".join(lazy_pinyin(text))


class _Builder:
    """Holds the lookups of one model build; used once, by `build_site`."""

    def __init__(self, data: BuildInput, problems: Problems):
        self.data = data
        self.cfg = data.config
        self.problems = problems
        self.topics = {name: Topic(name, slugify(name), list_url(f"topics/{slugify(name)}"), i)
                       for i, name in enumerate(self.cfg.topics)}
        self.entries: dict[str, Entry] = {}  # by source path
        self.values: dict[str, dict[str, Any]] = {}
        self.docs: dict[str, Document] = {}
        self.sessions: dict[str, Session] = {}
        self.people_by_id: dict[str, Person] = {}
        self.people_by_name: dict[str, list[Person]] = {}

    # -- helpers ------------------------------------------------------------
    def visible(self, entry: Entry) -> bool:
        return entry.published or self.data.include_drafts

    def _topics(self, doc: Document, names: tuple[str, ...] | None) -> tuple[Topic, ...]:
        out: list[Topic] = []
        for name in names or ():
            topic = self.topics.get(name)
            if topic is None:
                declared = "、".join(self.cfg.topics) or "（site.yaml 中还没有声明任何专题）"
                self.problems.error(doc.path, f"专题“{name}”没有在 site.yaml 中声明。",
                                    line=doc.line_of("topics"), field="topics",
                                    fix=f"改用已声明的专题：{declared}；或在 site.yaml 的 topics 中加上它。")
            elif topic not in out:
                out.append(topic)
        return tuple(sorted(out, key=lambda t: t.order))

    # -- pass 1: every entry, without references -----------------------------
    def create(self, doc: Document) -> None:
        values = schema.validate(doc, self.problems)
        cls = CLASSES.get(doc.folder)
        if cls is None:  # folders handled by later features
            return
        slug = values["slug"] or slugify(doc.id)
        common: dict[str, Any] = dict(
            folder=doc.folder, id=doc.id, source=doc.path,
            title=values.get("title") or values.get("name") or doc.id,
            slug=slug, url=entry_url(doc.folder, slug), draft=bool(values["draft"]),
            topics=self._topics(doc, values["topics"]), summary=values["summary"] or "")
        own = {f.name: values[f.name] for f in schema.SCHEMA[doc.folder]
               if f.name in cls.__dataclass_fields__ and f.name not in REFERENCES | COMMON_FIELDS
               and values[f.name] is not None}
        if doc.folder == "deputies":
            own["photo"] = self._photo(doc, values["photo"])
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

    def _photo(self, doc: Document, photo: str | None) -> str:
        if not photo:
            return ""
        path = photo.lstrip("/")
        path = path if path.startswith("media/") else f"media/{path}"
        if path not in self.data.media:
            self.problems.error(doc.path, f"照片 {photo} 在 media/ 中不存在。", line=doc.line_of("photo"),
                                field="photo", fix="把照片放进 media/，photo 写 media/ 之下的路径，如 people/zhou.jpg。")
            return ""
        return path

    # -- pass 2: references -------------------------------------------------
    def session_ref(self, doc: Document, sid: str | None, entry: Entry) -> Session | None:
        if not sid:
            return None
        session = self.sessions.get(sid)
        if session is None:
            known = "、".join(sorted(self.sessions)) or "（还没有会议文件）"
            self.problems.error(doc.path, f"找不到 id 为“{sid}”的会议。", line=doc.line_of("session"),
                                field="session", fix=f"写 sessions/ 中某个文件的文件名（不含 .md）：{known}。")
            return None
        self._check_link(doc, entry, session, "session")
        return session

    def person_ref(self, doc: Document, field_name: str, who: str, role: str | None,
                   entry: Entry) -> Person | None:
        """Resolve a person by id or name; `role` restricts to 人大代表 / 政协委员."""
        by_id = self.people_by_id.get(who)
        if by_id is not None:
            candidates = [by_id]
        else:
            candidates = self.people_by_name.get(who, [])
        line = doc.line_of(field_name)
        matching = [p for p in candidates if role is None or p.role == role]
        if not matching:
            if candidates:
                other = candidates[0]
                kind = "代表" if other.role == "人大代表" else "委员"
                self.problems.error(doc.path, f"“{who}”是{other.role}（{other.source}），不是{role}。",
                                    line=line, field=field_name,
                                    fix=f"把 kind 改为 {kind}，或改写一位{role}的 id 或姓名。")
            else:
                where = f"{role}" if role else "人"
                self.problems.error(doc.path, f"deputies/ 中找不到名为或 id 为“{who}”的{where}。",
                                    line=line, field=field_name,
                                    fix=f"先在 content/deputies/ 中为此人建立文件，或改写已有{where}的 id 或姓名"
                                        + ("；若发言人是市民，把 kind 改为 市民。" if role else "。"))
            return None
        if len(matching) > 1:
            ids = "、".join(p.id for p in matching)
            self.problems.error(doc.path, f"有 {len(matching)} 位同名的{role or ''}“{who}”：{ids}。",
                                line=line, field=field_name, fix=f"改写其中一位的 id（{ids} 之一）。")
            return None
        person = matching[0]
        self._check_link(doc, entry, person, field_name)
        return person

    def name_ref(self, doc: Document, name: str | None, entry: Entry) -> Person | None:
        """A citizen's or reporter's name links to a person only when exactly one has it."""
        found = self.people_by_name.get(name or "", [])
        if len(found) == 1:
            self._check_link(doc, entry, found[0], "speaker")
            return found[0]
        return None

    def _check_link(self, doc: Document, source: Entry, target: Entry, field_name: str) -> None:
        if self.visible(source) and not self.visible(target):
            state = "草稿" if target.draft else "尚未到发布日期"
            self.problems.warn(doc.path, f"指向的 {target.source} 是{state}，链接将显示为普通文字。",
                               line=doc.line_of(field_name), field=field_name,
                               fix="发布那个文件，或在此处改写。")

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
            people = [self.person_ref(doc, "people", who, None, entry) for who in values["people"] or ()]
            entry.people = tuple(dict.fromkeys(p for p in people if p))
        date = getattr(entry, "date", None) or getattr(entry, "start", None)
        if isinstance(date, dt.date) and date != dt.date.min and date > self.data.today:
            entry.scheduled = True

    # -- pass 3: bodies -----------------------------------------------------
    def body(self, path: str, renderer: MarkdownRenderer) -> None:
        entry, doc = self.entries[path], self.docs[path]
        rendered = (self.data.markdown or renderer.convert)(doc.body)
        entry.html = finalize(rendered.html, lambda attr, url: self._link(doc, entry, attr, url))
        entry.toc = rendered.toc
        self._check_alt(doc, rendered.html)
        if not entry.summary:
            entry.summary = summary_text(entry.html)

    def _check_alt(self, doc: Document, raw_html: str) -> None:
        """An image without alt text is unreadable to screen readers: warn, naming the line."""
        for tag in IMG_TAG.findall(raw_html):
            alt = IMG_ALT.search(tag)
            if alt and "".join(g or "" for g in alt.groups()).strip():
                continue
            src = IMG_SRC.search(tag)
            url = html.unescape(next((g for g in src.groups() if g), "")) if src else ""
            lines = doc.body.split("\n")
            line = next((doc.body_line + i for i, text in enumerate(lines) if url and url in text),
                        next((doc.body_line + i for i, text in enumerate(lines) if "![" in text or "<img" in text), None))
            self.problems.warn(doc.path, f"图片 {url} 没有替代文字（alt），读屏软件无法向视障读者说明它。",
                               line=line, fix=f"在 ![ ] 的方括号里写上图片内容，如 ![区人大代表在会上发言]({url})。")

    def _link(self, doc: Document, entry: Entry, attr: str, url: str) -> str | None:
        target = split_target(doc.path, url)
        if target is None:
            return url
        path, fragment = target
        line = next((doc.body_line + i for i, text in enumerate(doc.body.split("\n")) if url in text), None)
        suffix = f"#{fragment}" if fragment else ""
        if path.endswith(".md"):
            linked = self.entries.get(path)
            if linked is None:
                self.problems.error(doc.path, f"链接 {url} 指向的文件 {path} 不存在。", line=line,
                                    fix="检查路径（相对于本文件所在的文件夹）和文件名，如 ../reports/work-report-2021.md。")
                return None
            if not self.visible(linked):
                self._check_link(doc, entry, linked, "正文链接")
                return None
            return relative(linked.url + suffix, entry.url)
        if path.startswith("media/"):
            if path not in self.data.media:
                self.problems.error(doc.path, f"{'图片' if attr == 'src' else '链接'} {url} 指向的 {path} 不存在。",
                                    line=line, fix="把文件放进 media/ 文件夹，或改正路径。")
                return None
            return relative(path + suffix, entry.url)
        return url


def build_site(data: BuildInput, problems: Problems, renderer: MarkdownRenderer | None = None) -> Site:
    """Turn parsed documents into the whole site model, recording every problem."""
    b = _Builder(data, problems)
    for doc in data.documents:
        b.create(doc)
    for path in b.entries:
        b.resolve(path)
    renderer = renderer or MarkdownRenderer()
    for path in b.entries:
        b.body(path, renderer)

    shown = [e for e in b.entries.values() if b.visible(e)]
    site = Site(config=data.config, topics=list(b.topics.values()), drafts_shown=data.include_drafts)
    newest = lambda e: (-e.sort_date.toordinal(), e.title, e.id)  # noqa: E731
    site.sessions = sorted((e for e in shown if isinstance(e, Session)), key=newest)
    site.voices = sorted((e for e in shown if isinstance(e, Voice)), key=newest)
    site.reports = sorted((e for e in shown if isinstance(e, Report)), key=newest)
    site.news = sorted((e for e in shown if isinstance(e, News)), key=newest)
    site.people = sorted((e for e in shown if isinstance(e, Person)),
                         key=lambda p: (p.role != "人大代表", _pinyin_key(p.name), p.id))
    site.pages = sorted((e for e in shown if isinstance(e, Page)),
                        key=lambda p: (p.order is None, p.order or 0, _pinyin_key(p.title), p.id))
    for entry in sorted(shown, key=newest):
        session = getattr(entry, "session", None)
        if session is not None and b.visible(session):
            site.by_session.setdefault(id(session), []).append(entry)
        for person in _people_named(entry):
            if b.visible(person):
                site.by_person.setdefault(id(person), []).append(entry)
        for topic in entry.topics:
            site.by_topic.setdefault(topic.name, []).append(entry)
    return site


def _people_named(entry: Entry) -> list[Person]:
    if isinstance(entry, (Voice, Report)):
        return [entry.speaker] if entry.speaker else []
    if isinstance(entry, News):
        return list(entry.people)
    return []
