"""What an editor most likely meant: the nearest names, field names and the date written right.

A name typed with the wrong character of the same sound (李明化 for 李明华) is far apart
as characters but identical in pinyin, so names are compared both ways. Pure functions:
references.py and fields.py put the results into their messages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Iterable

from .urls import pinyin_key

MAX_SUGGESTED = 3
CLOSE_ENOUGH = 0.4  # share of the longer spelling that may differ (李明化 / 李明华: 1 of 3 characters, 0 in pinyin)


def edit_distance(a: Iterable[Any], b: Iterable[Any]) -> int:
    """Levenshtein distance between two sequences (characters, or pinyin syllables)."""
    a, b = list(a), list(b)
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        last, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            last, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, last + (x != y))
    return row[-1]


def _share(a: str, b: str) -> float:
    return edit_distance(a, b) / max(len(a), len(b), 1)


def closeness(written: str, name: str) -> float:
    """0 for the same name, 1 for nothing alike: the smaller of the distances on characters and on pinyin."""
    said, meant = pinyin_key(written).replace(" ", ""), pinyin_key(name).replace(" ", "")
    return min(_share(written, name), _share(said, meant))


def nearest_people(written: str, people: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (name, id) pairs nearest to `written`, by name or by id, closest first (at most three)."""
    scored = []
    for name, ident in people:
        score = min(closeness(written, name), _share(written.lower(), ident.lower()))
        if score <= CLOSE_ENOUGH:
            scored.append((score, name, ident))
    scored.sort(key=lambda item: (item[0], pinyin_key(item[1]), item[2]))
    return [(name, ident) for _, name, ident in scored[:MAX_SUGGESTED]]


def one_line(text: str) -> str:
    """Text for a one-line message: a line break, a tab or another control character shown escaped
    (a key or a name can hold one: `? "a\\nb"`), and a text that is only spaces quoted."""
    if not text.isprintable():
        return repr(text)[1:-1]
    return text if text and text.strip() == text else f"“{text}”"


def people_hint(found: list[tuple[str, str]]) -> str:
    """是不是 李明华（li-ming-hua）？ for the nearest people, or "" when nobody is near."""
    if not found:
        return ""
    shown = "、".join(one_line(name) if name == ident else f"{one_line(name)}（id：{one_line(ident)}）"
                     for name, ident in found)
    return f"是不是 {shown}？"


# Field names an editor may write in Chinese: the field each one means, or a tuple of fields
# when kinds name the same thing differently (the first the file's kind has is suggested).
CHINESE_FIELDS: dict[str, str | tuple[str, ...]] = {
    "标题": "title", "题目": "title", "日期": "date", "时间": "date", "会议": "session", "发言人": "speaker",
    "发言者": "speaker", "讲话人": "speaker", "报告人": "speaker", "类别": "kind", "身份": "role", "记者": "reporter",
    "作者": "author", "摘要": "summary", "专题": "topics", "主题": "topics", "草稿": "draft", "姓名": "name",
    "名字": "name", "职业": "occupation", "职务": "occupation", "性别": "gender", "民族": "ethnicity",
    "党派": "party", "选区": "constituency", "照片": "photo", "副标题": "subtitle", "栏目": "column",
    "人物": "people", "涉及的人": "people", "地点": "place", "开幕": "start", "闭幕": "end", "顺序": "order",
    "编号": "number", "提出人": "deputies", "代表": "deputies", "状态": "status", "承办单位": "handler",
    "办理结果": "result", "满意度": "satisfaction", "答复日期": "answered", "网址": "slug",
}


def nearest_field(key: str, known: Iterable[str]) -> str | None:
    """The known field an unknown one most likely means: by case, by its Chinese name, by spelling."""
    known = tuple(known)
    lower = key.strip().lower()
    if lower in known:
        return lower
    meant = CHINESE_FIELDS.get(key.strip(), ())
    for name in (meant,) if isinstance(meant, str) else meant:  # a tuple: one name, a field per kind
        if name in known:
            return name
    scored = sorted((_share(lower, name), name) for name in known)  # reportor, darft, titel, sesion
    return scored[0][1] if scored and scored[0][0] <= CLOSE_ENOUGH else None


# 2021/7/20, 2021.7.20, 2021年7月20日, 2021-7-20, 2021 年 7 月 20 号, 20210720 (full-width digits too)
DATE_FORMS = (
    re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def date_meant(written: Any) -> str | None:
    """The YYYY-MM-DD a date written in another common form means, if it is a real day."""
    text = unicodedata.normalize("NFKC", str(written)).strip()
    for form in DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups())).isoformat()
            except ValueError:
                return None
    return None
