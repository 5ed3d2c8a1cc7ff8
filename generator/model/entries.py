"""Pass 1 of making the Site: one entry per document, its front matter checked against the schema.

`Entries` holds the lookups every later pass reads (entries by path, sessions by id, people
by id and name, the declared topics); references.py and bodies.py build on it.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from ..errors import Problems
from ..read.config import SiteConfig
from ..read.content import Document
from . import fields as schema
from .markdown import Rendered
from .models import (Appointment, Entry, News, Notice, Page, Person, Report, Resolution, Session, Suggestion, Topic,
                     Voice, WrittenLink)
from .urls import entry_url, list_url, media_url, slugify

REFERENCES = frozenset({"session", "speaker", "people", "photo", "deputies", "result", "entries"})  # set apart
COMMON_FIELDS = frozenset({"title", "slug", "draft", "topics", "summary"})  # set for every entry
CLASSES = {"sessions": Session, "deputies": Person, "voices": Voice, "reports": Report,
           "news": News, "pages": Page, "suggestions": Suggestion,
           "resolutions": Resolution, "appointments": Appointment, "notices": Notice}


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


class Entries:
    """The entries of one model build and their lookups; used once, by `build_site` (through Bodies)."""

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
