"""The front-matter schema of each content folder, and its type checks.

One declaration serves validation, error messages and the `new` scaffolding,
so the contract in content-format.md lives in exactly one place in code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Problems
from ..read.content import Document
from ..read.keys import nearest
from .didyoumean import date_meant, nearest_field, one_line
from .models import APPOINTMENT_ACTIONS

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_RE = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class Field:
    """One front-matter field: its type, whether it is required, what it means."""

    name: str
    kind: str  # text | date | bool | int | list | choice | figures | entries
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


COMMON = (
    Field("slug", "text", help="网址中使用的英文名，只能有小写字母、数字和连字符"),
    Field("draft", "bool", help="true 表示草稿，不发布"),
    Field("summary", "text", help="列表中显示的摘要；不写则取正文第一段"),
    Field("topics", "list", help="专题，须在 site.yaml 中声明"),
)

SCHEMA: dict[str, tuple[Field, ...]] = {
    "sessions": (
        Field("title", "text", True, help="会议名称"),
        Field("start", "date", True, help="开幕日期 YYYY-MM-DD"),
        Field("end", "date", True, help="闭幕日期 YYYY-MM-DD，不早于开幕"),
        Field("place", "text", help="会议地点"),
        Field("type", "choice", choices=("人民代表大会", "常委会会议"), help="人民代表大会（默认）或 常委会会议"),
        Field("figures", "figures", help="会议的数字，如 {label: 登记选民, value: 43.3万余, unit: 名}"),
    ),
    "deputies": (
        Field("name", "text", True, help="姓名"),
        Field("role", "choice", True, ("人大代表", "政协委员"), help="人大代表 或 政协委员"),
        Field("occupation", "text", help="职业、职务"),
        Field("gender", "text", help="性别"),
        Field("ethnicity", "text", help="民族"),
        Field("party", "text", help="党派"),
        Field("constituency", "text", help="选区"),
        Field("photo", "text", help="照片，media/ 下的路径"),
    ),
    "voices": (
        Field("title", "text", True, help="标题"),
        Field("session", "text", True, help="会议的 id，如 1-1"),
        Field("kind", "choice", True, ("代表", "委员", "市民"), help="代表、委员 或 市民"),
        Field("speaker", "text", True, help="发言人：代表、委员写 deputies/ 中的 id 或姓名；市民写姓名"),
        Field("speaker_title", "text", help="发言人的身份，如 文思小学校长"),
        Field("date", "date", help="日期，默认为会议开幕日"),
        Field("reporter", "text", help="记者，如 记者 张华颖"),
    ),
    "reports": (
        Field("title", "text", True, help="标题"),
        Field("date", "date", True, help="日期 YYYY-MM-DD"),
        Field("subtitle", "text", help="副标题"),
        Field("session", "text", help="会议的 id"),
        Field("speaker", "text", help="报告人姓名"),
    ),
    "news": (
        Field("title", "text", True, help="标题"),
        Field("date", "date", True, help="日期 YYYY-MM-DD"),
        Field("session", "text", help="会议的 id"),
        Field("column", "text", help="栏目，如 两会·观察员"),
        Field("author", "text", help="作者"),
        Field("people", "list", help="涉及的人：deputies/ 中的 id 或姓名"),
    ),
    "pages": (
        Field("title", "text", True, help="标题"),
        Field("order", "int", help="在主导航中的位置"),
    ),
    "suggestions": (
        Field("title", "text", True, help="建议标题"),
        Field("session", "text", True, help="提出建议的会议 id"),
        Field("number", "int", help="建议编号"),
        Field("deputies", "list", help="提出人：id 或姓名，领衔人在前"),
        Field("status", "choice", choices=("已提交", "已交办", "办理中", "已答复"), help="办理状态"),
        Field("handler", "list", help="承办单位，主办单位在前"),
        Field("key", "bool", help="true 表示重点督办"),
        Field("answered", "date", help="答复日期，仅 已答复 时填写"),
        Field("result", "text", help="办理结果分类，仅 已答复 时填写"),
        Field("satisfaction", "choice", choices=("满意", "基本满意", "不满意"), help="代表满意度"),
    ),
    "resolutions": (
        Field("title", "text", True, help="决议或决定的标题"),
        Field("meeting", "text", True, help="通过它的会议的 id，如 1-c3"),
        Field("adopted", "date", True, help="通过日期 YYYY-MM-DD，在会议的开幕日和闭幕日之间"),
        Field("number", "text", help="文号，如 钱塘人大常〔2021〕12号"),
    ),
    "appointments": (
        Field("title", "text", True, help="名单标题，如 区一届人大常委会第三次会议任免名单"),
        Field("meeting", "text", True, help="作出任免的会议的 id，如 1-c3"),
        Field("date", "date", True, help="任免日期 YYYY-MM-DD，在会议的开幕日和闭幕日之间"),
        Field("entries", "entries", True, help="任免名单，每人一项：name（姓名）、action（任免方式）、post（职务），"
                                                "可加 organ（所属机关）、person（deputies/ 中此人的 id）"),
    ),
    "notices": (
        Field("title", "text", True, help="通知公告的标题"),
        Field("date", "date", True, help="发布日期 YYYY-MM-DD"),
        Field("number", "text", help="文号"),
        Field("until", "date", help="有效期至 YYYY-MM-DD，过了这一天移入往期通知公告"),
        Field("pinned", "bool", help="true 表示置顶，有效期内排在最前"),
    ),
}
# The keys of one item of `entries` (an appointment list): (key, required, what it is).
ENTRY_KEYS = (("name", True, "姓名"), ("action", True, "任免方式"), ("post", True, "职务"),
              ("organ", False, "所属机关"), ("person", False, "deputies/ 中此人的 id 或姓名"))
ENTRY_EXAMPLE = "{name: 张三, action: 任命, post: 区发展和改革局局长}"

KIND_NAMES = {"text": "一段文字", "date": "日期（YYYY-MM-DD）", "bool": "true 或 false",
              "int": "整数", "list": "列表", "choice": "下列之一", "figures": "列表", "entries": "列表"}


def fields_of(folder: str) -> tuple[Field, ...]:
    """All fields a folder accepts, its own first, then the common ones."""
    return SCHEMA[folder] + COMMON


def _check(doc: Document, spec: Field, value: Any, problems: Problems) -> Any:
    """Return the value in its proper Python type, or None after recording a problem."""
    line = doc.line_of(spec.name)

    def bad(message: str, fix: str) -> None:
        problems.error(doc.path, message, line=line, field=spec.name, fix=fix)

    if spec.kind in ("text", "choice"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            bad(f"应是{KIND_NAMES['text']}，现在是 {_shown(value)}。", "写成一行文字，必要时加引号。")
            return None
        text = str(value).strip()
        if not text and spec.required:
            bad("不能为空。", f"填写{spec.help or spec.name}。")
            return None
        if spec.kind == "choice" and text not in spec.choices:
            bad(f"“{text}”不是可用的值。", f"只能写 {' 或 '.join(spec.choices)}。")
            return None
        return text or None
    if spec.kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if DATE_RE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                bad(f"“{text}”不是存在的日期。", "检查月份和日期，写成 YYYY-MM-DD，如 2021-07-21。")
                return None
        meant = date_meant(text)
        bad(f"日期“{text}”格式不对，要写成 YYYY-MM-DD。",
            f"把第 {line} 行改为：{spec.name}: {meant}" if meant else "写成 YYYY-MM-DD，如 2021-07-21。")
        return None
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        bad(f"应是 true 或 false，现在是 {_shown(value)}。", "写 true 或 false。")
        return None
    if spec.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        bad(f"应是整数，现在是 {_shown(value)}。", "写一个整数，如 3。")
        return None
    if spec.kind == "list":
        items = value if isinstance(value, list) else [value]
        clean: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                bad(f"列表中的 {_shown(item)} 不是文字。", "写成 [甲, 乙] 或每行一个“- 甲”。")
                return None
            clean.append(str(item).strip())
        return tuple(clean)
    if spec.kind == "figures":
        return _figures(doc, value, bad)
    if spec.kind == "entries":
        return _entries(doc, spec.name, value, problems)
    raise AssertionError(spec.kind)


def _figures(doc: Document, value: Any, bad) -> tuple[tuple[str, str, str], ...] | None:
    if not isinstance(value, list):
        bad("应是列表。", "每项写成 {label: 登记选民, value: 43.3万余, unit: 名}。")
        return None
    out = []
    for item in value:
        if not isinstance(item, dict) or "label" not in item or "value" not in item \
                or set(item) - {"label", "value", "unit"}:
            bad(f"{_shown(item)} 格式不对。", "每项写成 {label: 登记选民, value: 43.3万余, unit: 名}。")
            return None
        parts = [item.get("label"), item.get("value"), item.get("unit", "")]
        if any(isinstance(p, (bool, list, dict)) or p is None for p in parts):
            bad(f"{_shown(item)} 中有不是文字的值。", "label、value、unit 都写成文字或数字。")
            return None
        out.append(tuple(str(p) for p in parts))
    return tuple(out)


def _entries(doc: Document, name: str, value: Any, problems: Problems) -> tuple[dict[str, Any], ...] | None:
    """An appointment list's items, each {name, action, post, organ, person, index}; a bad item is
    reported (with its own line and key) and left out, the others are kept."""
    if not isinstance(value, list):
        problems.error(doc.path, "应是列表，每人一项。", line=doc.line_of(name), field=name,
                       fix=f"每行写一项，如“  - {ENTRY_EXAMPLE}”。")
        return None
    out = []
    for index, item in enumerate(value):
        where = f"{name} 第{index + 1}项"
        if not isinstance(item, dict):
            problems.error(doc.path, f"{_shown(item)} 不是“键: 值”的一项。", line=doc.line_within(name, index),
                           field=where, fix=f"写成 {ENTRY_EXAMPLE}。")
            continue
        clean: dict[str, Any] = {"index": index}
        for key, required, what in ENTRY_KEYS:
            raw, line = item.get(key), doc.line_within(name, index, key)
            clean[key] = None
            if isinstance(raw, bool) or (raw is not None and not isinstance(raw, (str, int, float))):
                problems.error(doc.path, f"{key} 应是一段文字，现在是 {_shown(raw)}。", line=line,
                               field=f"{where} {key}", fix="写成一行文字，必要时加引号。")
            elif raw is not None and str(raw).strip():
                clean[key] = str(raw).strip()
            elif required:
                problems.error(doc.path, f"缺少{what}（{key}）。", line=line, field=f"{where} {key}",
                               fix=f"写成 {ENTRY_EXAMPLE}。")
        action = clean["action"]
        if action is not None and action not in APPOINTMENT_ACTIONS:
            guess = nearest(action, APPOINTMENT_ACTIONS)
            problems.error(doc.path, f"“{action}”不是可用的任免方式。", line=doc.line_within(name, index, "action"),
                           field=f"{where} action", fix=(f"是不是想写 {guess}？" if guess else "")
                           + f"只能写 {'、'.join(APPOINTMENT_ACTIONS)} 之一。")
            clean["action"] = None
        for key in item:
            if key not in {k for k, _, _ in ENTRY_KEYS}:
                guess = nearest(str(key), tuple(k for k, _, _ in ENTRY_KEYS))
                problems.error(doc.path, f"未知的键 {key}。", line=doc.line_within(name, index, key),
                              field=f"{where} {key}", fix=f"是不是想写 {guess}？" if guess else
                              f"可用的键：{'、'.join(k for k, _, _ in ENTRY_KEYS)}")
        if all(clean[k] for k, required, _ in ENTRY_KEYS if required):
            out.append(clean)
    return tuple(out)


def _shown(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "一组键值"
    if isinstance(value, list):
        return "一个列表"
    text = str(value)
    return f"“{text[:40]}{'…' if len(text) > 40 else ''}”"


# Fields whose misspelling, ignored, would do harm: said in so many words.
GUARDS = {"draft": "草稿就会被发布"}


def validate(doc: Document, problems: Problems) -> dict[str, Any]:
    """Check a document's front matter against its folder's schema.

    Returns every known field (None where absent or invalid). An unknown field is an
    error naming the nearest known one: ignored, a misspelt `reportor:` would publish
    the page without what the editor wrote in it.
    """
    specs = fields_of(doc.folder)
    known = tuple(s.name for s in specs)
    values: dict[str, Any] = {}
    for spec in specs:
        raw = doc.meta.get(spec.name)
        if raw is None or raw == "" or raw == []:
            if spec.required and spec.name in doc.meta:  # written, but with nothing after the colon
                problems.error(doc.path, f"必填字段 {spec.name} 是空的。", line=doc.line_of(spec.name),
                               field=spec.name, fix=f"在 {spec.name}: 后面填写{spec.help or '内容'}。")
            elif spec.required:
                guess = next((k for k in doc.meta if k not in known and nearest_field(k, (spec.name,))), None)
                hint = f"（是不是把 {spec.name} 写成了 {guess}？）" if guess else ""
                problems.error(doc.path, f"缺少必填字段 {spec.name}{hint}。", line=1, field=spec.name,
                               fix=f"在 front matter 中加上 {spec.name}: …（{spec.help}）。")
            values[spec.name] = None
            continue
        values[spec.name] = _check(doc, spec, raw, problems)
    for key in doc.meta:
        if key not in known:
            _unknown(doc, key, known, problems)
    slug = values.get("slug")
    if slug is not None and not SLUG_RE.match(slug):
        problems.error(doc.path, f"slug “{slug}” 含有不允许的字符。", line=doc.line_of("slug"), field="slug",
                       fix="slug 只能用小写英文字母、数字和连字符（-），如 work-report-2021。")
        values["slug"] = None
    return values


def _unknown(doc: Document, key: str, known: tuple[str, ...], problems: Problems) -> None:
    """An unknown field: the nearest known one and the line written with it, or the fields there are."""
    guess = nearest_field(key, known)
    line = doc.line_of(key)
    shown = one_line(key)
    if guess is None:
        problems.error(doc.path, f"未知字段 {shown}：{doc.folder}/ 中的内容没有这个字段，写了也不会显示。", line=line,
                       field=shown, fix=f"删去这一行，或改用这些字段之一：{'、'.join(known)}。")
        return
    harm = GUARDS.get(guess, "页面上不会显示它")
    said = f"未知字段 {shown}：是不是想写 {guess}？写错了它会被忽略，{harm}。"
    if guess in doc.meta:  # the right one is there too: this line is the one too many
        problems.error(doc.path, said, line=line, field=shown,
                       fix=f"删去第 {line} 行（{guess} 已经写在第 {doc.line_of(guess)} 行）。")
        return
    problems.error(doc.path, said, line=line, field=shown,
                   fix=f"把第 {line} 行改为：{one_line(yaml_line(guess, doc.meta[key]))}")


def yaml_line(key: str, value: Any) -> str:
    """A front-matter line as an editor would write it: `reporter: 记者 张三`, `topics: [教育, 医疗卫生]`."""
    if isinstance(value, list):
        return f"{key}: [{', '.join(_scalar(v) for v in value)}]"
    return f"{key}: {_scalar(value)}"


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, int, float)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if not text or ": " in text or " #" in text or text[0] in "[]{}#&*!|>'\"%@`,-?:" or text != text.strip():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text
