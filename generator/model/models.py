"""The in-memory site: typed objects with real fields, built whole before rendering.

Objects reference each other directly (a Voice holds its Session and its
Person); back-references (a person's voices) live in `Site` indexes, built
in one pass by listings.py. Nothing here reads files or knows about templates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Union

from ..read.config import ResultClass, SiteConfig
from .kinds import KIND_LABEL

# A person's name as a byline gives it: two to four Chinese characters, or a name with a middle dot
# (阿依古丽·买买提); anything longer is an office or a paper (区人大常委会办公室, 钱塘日报).
PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}[·•][\u4e00-\u9fff]{1,8}")
PLENARY = "人民代表大会"  # a session's type for a plenary session (the default); else 常委会会议
VOICE_KINDS = ("代表", "委员", "市民")
VOICE_KIND_LABEL = {"代表": "代表心声", "委员": "委员心声", "市民": "市民热议"}
ROLE_FOR_KIND = {"代表": "人大代表", "委员": "政协委员"}
SUGGESTION_STATUSES = ("已提交", "已交办", "办理中", "已答复")  # the order a suggestion goes through
STATUS_SLUG = {"已提交": "submitted", "已交办": "assigned", "办理中": "in-progress", "已答复": "answered"}
SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")
# What an appointment list may do to a person (content-format.md, "Standing-committee work"), and how
# a published list says it: 任命张三为……局长, 免去李四的……局长职务, 接受王五辞去……职务的请求.
APPOINTMENT_ACTIONS = ("任命", "免去", "接受辞职", "决定任命", "决定免去", "批准任命", "撤销职务")


def cn_date(value: dt.date | None) -> str:
    """2021-07-21 -> 2021年7月21日, the way Chinese pages show dates."""
    if not value or value == dt.date.min:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class Topic:
    """A declared topic, in site.yaml's order."""

    name: str
    slug: str
    url: str
    order: int


@dataclass(eq=False)
class Entry:
    """What every content item has: identity, place, publication state, body."""

    folder: str
    id: str
    source: str  # path relative to the site folder
    title: str
    slug: str
    url: str
    draft: bool = False
    scheduled: bool = False  # dated after the build day
    topics: tuple[Topic, ...] = ()
    summary: str = ""
    html: str = ""
    toc: tuple[tuple[int, str, str], ...] = ()
    slug_line: int | None = None  # the line of the file's own `slug:`, for an error about its address

    @property
    def published(self) -> bool:
        return not (self.draft or self.scheduled)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL[self.folder]

    @property
    def sort_date(self) -> dt.date:
        return dt.date.min


@dataclass(eq=False)
class Session(Entry):
    start: dt.date = dt.date.min
    end: dt.date = dt.date.min
    place: str = ""
    type: str = PLENARY
    figures: tuple[tuple[str, str, str], ...] = ()

    @property
    def sort_date(self) -> dt.date:
        return self.start


@dataclass(eq=False)
class Person(Entry):
    name: str = ""
    role: str = ""
    occupation: str = ""
    gender: str = ""
    ethnicity: str = ""
    party: str = ""
    constituency: str = ""
    photo: str = ""  # site-relative URL of the photo, or ""
    picture: Any = None  # the photo's media_html.Picture (its sizes), where it is an image made here
    namesake: bool = False  # another person shown has this name: voices and lists add the occupation

    @property
    def initial(self) -> str:
        return self.name[:1]


@dataclass(eq=False)
class Voice(Entry):
    session: Session | None = None
    kind: str = ""
    speaker_name: str = ""
    speaker: Person | None = None
    speaker_title: str = ""
    date: dt.date = dt.date.min
    reporter: str = ""

    @property
    def sort_date(self) -> dt.date:
        return self.date

    @property
    def kind_label(self) -> str:
        return VOICE_KIND_LABEL.get(self.kind, "心声")


@dataclass(eq=False)
class Report(Entry):
    date: dt.date = dt.date.min
    subtitle: str = ""
    session: Session | None = None
    speaker_name: str = ""
    speaker: Person | None = None

    @property
    def sort_date(self) -> dt.date:
        return self.date


@dataclass(eq=False)
class News(Entry):
    date: dt.date = dt.date.min
    session: Session | None = None
    column: str = ""
    author: str = ""
    people: tuple[Person, ...] = ()

    @property
    def sort_date(self) -> dt.date:
        return self.date

    @property
    def byline(self) -> str:
        """The author as the page credits them: 记者：徐红燕 for a name, 来源：区人大常委会办公室 for
        an office, and as written where a role comes with it (见习记者 王璐瑜)."""
        author = " ".join(self.author.split())
        if not author or " " in author:
            return author
        if PERSON_NAME.fullmatch(author):
            return f"记者：{author}"
        return f"来源：{author}"


@dataclass(eq=False)
class Page(Entry):
    order: int | None = None


@dataclass(eq=False)
class Suggestion(Entry):
    """A deputy's formal suggestion (代表建议) and how it was handled."""

    session: Session | None = None
    date: dt.date = dt.date.min  # when it was raised: its session's start
    number: int | None = None
    deputies: tuple[Person, ...] = ()  # the leading one (领衔) first
    status: str = SUGGESTION_STATUSES[0]
    handler: tuple[str, ...] = ()  # the leading unit (主办) first
    key: bool = False  # under key supervision (重点督办)
    answered: dt.date | None = None
    result: ResultClass | None = None
    satisfaction: str = ""
    answer_html: str = ""  # the body's `## 答复` section

    @property
    def sort_date(self) -> dt.date:
        return self.date

    @property
    def number_label(self) -> str:
        return f"第{self.number}号" if self.number is not None else ""

    @property
    def status_slug(self) -> str:
        return STATUS_SLUG.get(self.status, "submitted")


@dataclass(eq=False)
class Resolution(Entry):
    """A resolution or decision (决议决定) adopted at a meeting; its body is the full text."""

    session: Session | None = None  # the meeting that adopted it (front matter: `meeting`)
    adopted: dt.date = dt.date.min
    number: str = ""  # 文号: 钱塘人大常〔2021〕12号

    @property
    def sort_date(self) -> dt.date:
        return self.adopted


@dataclass(frozen=True)
class Appointee:
    """One line of an appointment list: who, what is done, to which post."""

    name: str
    action: str  # one of APPOINTMENT_ACTIONS
    post: str
    organ: str = ""  # the body the post belongs to, when `post` does not say it
    person: Person | None = None  # the person's page, where they have one

    @property
    def office(self) -> str:
        """The post with its body: 区人民法院 + 审判员 -> 区人民法院审判员."""
        if not self.organ or self.post.startswith(self.organ):
            return self.post
        return self.organ + self.post

    @property
    def duty(self) -> str:
        """The office as the sentence names a post held: 区教育局局长职务 (never 职务职务)."""
        return self.office if self.office.endswith("职务") else f"{self.office}职务"

    @property
    def phrase(self) -> str:
        """The entry without its name, as it reads after the name: 为区发展和改革局局长, 的区教育局局长职务."""
        if self.action in ("任命", "决定任命", "批准任命"):
            return f"为{self.office}"
        if self.action == "接受辞职":
            return f"辞去{self.duty}的请求"
        return f"的{self.duty}"

    @property
    def sentence(self) -> str:
        """The entry as one sentence of a notice: 任命张三为……局长, 接受王五辞去……职务的请求."""
        if self.action == "接受辞职":
            return f"接受{self.name}{self.phrase}"
        return f"{self.action.removesuffix('职务')}{self.name}{self.phrase}"

    @property
    def record(self) -> str:
        """The entry as the person's 任免记录 says it: 任命为……委员, 免去……局长职务."""
        if self.action in ("任命", "决定任命", "批准任命"):
            return f"{self.action}为{self.office}"
        if self.action == "接受辞职":
            return f"接受其辞去{self.duty}的请求"
        return f"{self.action.removesuffix('职务')}{self.duty}"


@dataclass(eq=False)
class Appointment(Entry):
    """A list of appointments and removals (人事任免) decided at a meeting."""

    session: Session | None = None  # the meeting (front matter: `meeting`)
    date: dt.date = dt.date.min
    entries: tuple[Appointee, ...] = ()

    @property
    def sort_date(self) -> dt.date:
        return self.date

    @property
    def groups(self) -> tuple[tuple[str, tuple[Appointee, ...]], ...]:
        """The entries by action, in the order the list first names each action (任命：…；免去：…)."""
        actions = dict.fromkeys(e.action for e in self.entries)
        return tuple((a, tuple(e for e in self.entries if e.action == a)) for a in actions)


@dataclass(eq=False)
class Notice(Entry):
    """A notice (通知公告): current until `until` has passed, then in the archive, still published."""

    date: dt.date = dt.date.min
    number: str = ""
    until: dt.date | None = None
    pinned: bool = False
    expired: bool = False  # `until` is before the build day (China time)

    @property
    def sort_date(self) -> dt.date:
        return self.date

    @property
    def on_top(self) -> bool:
        """Pinned, and still current: kept first in lists."""
        return self.pinned and not self.expired


Item = Union[Session, Person, Voice, Report, News, Page, Suggestion, Resolution, Appointment, Notice]


@dataclass(frozen=True)
class WrittenLink:
    """A link of a body as written: to a site path (`target` its path without the leading /),
    to another entry's anchor (`target` that entry's source), or to an anchor of its own page (`target` "")."""

    url: str
    kind: str  # "path" | "entry" | "self"
    target: str
    fragment: str = ""  # the anchor as published (a heading's text becomes its pinyin id)
    line: int | None = None  # the line of the file that holds it


@dataclass
class Site:
    """Everything the renderer needs, with indexes built once."""

    config: SiteConfig
    sessions: list[Session] = field(default_factory=list)  # newest first
    people: list[Person] = field(default_factory=list)  # by role, then pinyin of name
    voices: list[Voice] = field(default_factory=list)  # newest first
    reports: list[Report] = field(default_factory=list)
    news: list[News] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)  # by order, then title
    suggestions: list[Suggestion] = field(default_factory=list)  # newest session first, then by number
    topics: list[Topic] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)  # newest first
    appointments: list[Appointment] = field(default_factory=list)  # newest first
    notices: list[Notice] = field(default_factory=list)  # newest first
    # a person's appointments and removals (任免记录), newest first, keyed by the person's content file
    records: dict[str, list[tuple[Appointment, Appointee]]] = field(default_factory=dict)
    # back-references, keyed by the referenced entry's content file (stable when the model is kept in .cache)
    by_session: dict[str, list[Entry]] = field(default_factory=dict)
    by_person: dict[str, list[Entry]] = field(default_factory=dict)
    by_topic: dict[str, list[Entry]] = field(default_factory=dict)
    drafts_shown: bool = False
    # the site-path links and #anchors of each content file's body, checked once every page is known (linkcheck.py)
    links: dict[str, tuple[Entry, dict[str, object]]] = field(default_factory=dict)
    media_files: dict[str, Any] = field(default_factory=dict)  # published path -> media_html.Picture/Attachment

    def entries(self) -> list[Entry]:
        """Every entry, kind by kind: what the search index and the home page's counts cover
        (one list, so that a new kind is added here and nowhere else)."""
        return [*self.sessions, *self.people, *self.voices, *self.reports, *self.news, *self.pages,
                *self.suggestions, *self.resolutions, *self.appointments, *self.notices]

    def session_items(self, session: Session) -> list[Entry]:
        return self.by_session.get(session.source, [])

    def person_items(self, person: Person) -> list[Entry]:
        return self.by_person.get(person.source, [])

    def topic_items(self, topic: Topic) -> list[Entry]:
        return self.by_topic.get(topic.name, [])

    def person_records(self, person: Person) -> list[tuple[Appointment, Appointee]]:
        return self.records.get(person.source, [])

    @property
    def current_notices(self) -> list[Notice]:
        """Notices not yet past their `until`: pinned ones first, then newest first."""
        return sorted((n for n in self.notices if not n.expired), key=lambda n: not n.on_top)

    @property
    def archived_notices(self) -> list[Notice]:
        """Notices past their `until`: still published, newest first."""
        return [n for n in self.notices if n.expired]

    @property
    def current_session(self) -> Session | None:
        """What the home page leads with: the latest plenary session (人民代表大会), the one readers
        mean by 会议 (a standing-committee meeting since does not displace it); the latest
        session of any type where there is no plenary one."""
        plenary = [s for s in self.sessions if s.type == PLENARY]
        return plenary[0] if plenary else (self.sessions[0] if self.sessions else None)
