"""The front matter of an imported document, and what the import tells the editor about it.

Every field of the kind is written, as `new` writes them (new.py): the ones the
document or the command line gave are filled with a comment saying where from; a
required one that nothing gave is left as a commented placeholder, so that `check` and
the build stop on it with their usual message until an editor fills it. Lines the
import took out for fields this kind does not have go back into the body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import Problems
from ...model.fields import SCHEMA, fields_of
from ...model.kinds import IMPORT_KINDS, KIND_LABEL, KINDS
from ...read.content import parse_document
from ..new import _note, _yaml_text

if TYPE_CHECKING:  # mammoth is imported only when a document is converted
    from .structure import Findings

KIND_NAMES = {kind: KIND_LABEL[KINDS[kind]] for kind in IMPORT_KINDS}
VOICE_KINDS = (("人大代表", "代表"), ("代表", "代表"), ("政协委员", "委员"))


@dataclass
class Fields:
    """Front-matter values by field, with where each came from (for the report)."""

    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: object, source: str) -> None:
        if value not in (None, "") and name not in self.values:
            self.values[name] = value
            self.sources[name] = source


def guess_kind(findings: Findings) -> tuple[str, str]:
    """The kind a document most likely is, and why, when --kind was not given."""
    title = str(findings.head.values.get("title", ""))
    subtitle = str(findings.head.values.get("subtitle", ""))
    if "报告" in title:
        return "report", "标题中有“报告”"
    if "会议上" in subtitle:
        return "report", "副标题写明是在会议上所作"
    if "speaker" in findings.head.values:
        return "report", "标题下有报告人一行"
    if title.startswith("关于") and title.endswith("建议"):
        return "suggestion", "标题是“关于……的建议”"
    return "news", "没有看出是哪一种，按新闻导入"


def sessions(site_dir: Path) -> list[tuple[str, str]]:
    """(id, title) of the site's sessions."""
    folder = site_dir / "content" / "sessions"
    found = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            doc = parse_document(path.name, "sessions", path.read_bytes(), Problems())
        except OSError:
            continue
        if doc is not None and isinstance(doc.meta.get("title"), str):
            found.append((path.stem, doc.meta["title"]))
    return found


def match_session(site_dir: Path, text: str) -> str | None:
    """The one session whose name the text mentions (…在钱塘区第一届人民代表大会第一次会议上), if any."""
    best: list[tuple[int, str]] = []
    for session_id, title in sessions(site_dir):
        core = title[title.find("第"):] if "第" in title else title
        for name in (title, core):
            if len(name) >= 6 and name in text:
                best.append((len(name), session_id))
                break
    best.sort(reverse=True)
    if best and (len(best) == 1 or best[0][0] > best[1][0]):
        return best[0][1]
    return None


def fill(kind: str, findings: Findings, session: str | None, site_dir: Path) -> tuple[Fields, list[str]]:
    """The values found for `kind`, and the head lines to put back into the body (fields it lacks)."""
    head, out = findings.head, Fields()
    names = {spec.name for spec in fields_of(KINDS[kind])}
    for name in ("title", "subtitle", "date", "speaker"):
        if name in names and name in head.values:
            out.set(name, head.values[name], head.sources[name])
    if session:
        out.set("session", session, "命令行 --session")
    elif "session" in names:
        out.set("session", match_session(site_dir, str(head.values.get("subtitle", ""))), "副标题中的会议名称")
    if kind == "voice":
        post = str(head.values.get("speaker_post", ""))
        out.set("kind", next((k for word, k in VOICE_KINDS if word in post), None), f"发言人身份（{post}）")
    restored = [line for _, line in sorted(v for k, v in head.lines.items() if k not in names)]
    return out, restored


def front_matter(kind: str, fields: Fields, site_dir: Path, source_name: str, today: dt.date) -> tuple[str, list[str]]:
    """The front matter text and the required fields left for an editor to fill."""
    folder = KINDS[kind]
    lines = ["---", f"# 由 build.py import 于 {today.isoformat()} 从“{source_name}”导入；“取自”说明每个字段的来源，请核对。",
             "# 以 # 开头的行是可选字段或说明：需要某个字段时，删去行首的 # 再填写。"]
    missing = []
    for spec in fields_of(folder):
        if spec.name == "draft":
            continue
        value = fields.values.get(spec.name)
        note = _note(spec, site_dir)
        if value is not None:
            shown = value.isoformat() if isinstance(value, dt.date) else _yaml_text(str(value))
            need = "必填" if spec.required else "可选"
            lines.append(f"{spec.name}: {shown}  # {need}，取自{fields.sources[spec.name]}：{note}")
        elif spec.required:
            missing.append(spec.name)
            lines.append(f"# {spec.name}:  # 必填，文档中没有找到：{note}。填写后删去行首的 #")
        else:
            lines.append(f"# {spec.name}:  # 可选：{note}")
    lines.append("---")
    return "\n".join(lines) + "\n", missing


def required(kind: str) -> list[str]:
    return [spec.name for spec in SCHEMA[KINDS[kind]] if spec.required]


def body_text(markdown: str, restored: list[str], links: dict[int, str]) -> str:
    """The body below the front matter: lines given back, picture n linked to links[n]."""
    from .convert import IMAGE_MARK
    from .markdown import plain_paragraph

    for number, link in links.items():
        markdown = markdown.replace(f"]({IMAGE_MARK.format(number)})", f"]({link})")
    head = "".join(plain_paragraph(line) + "\n\n" for line in restored)
    return head + markdown


def todo_list(converted, missing: list[str]) -> list[str]:
    """What an editor still has to do, one short line each."""
    todo = [f"必填字段 {name} 没有在文档中找到，已留作以 # 开头的一行：填好后删去 #，否则 check 和发布都会报错。"
            for name in missing]
    bare = [p.number for p in converted.pictures if not p.alt]
    if bare:
        todo.append(f"第 {'、'.join(map(str, bare))} 张图片没有说明文字（alt）：在 ![ ] 的方括号里写上图片内容，"
                    f"给视障读者。（Word 中可右键图片 → 编辑替代文字，下次导入就会带上。）")
    if converted.skipped_pictures:
        kinds = "、".join(dict.fromkeys(converted.skipped_pictures))
        todo.append(f"{len(converted.skipped_pictures)} 张图片是浏览器无法显示的格式（{kinds}），没有导入，"
                    f"正文中留有注释标出位置：请在 Word 中把它们另存为 PNG 图片，放进 media/ 后引用。")
    todo.extend(converted.findings.notes)
    if converted.unknown_styles:
        todo.append(f"未识别的段落样式：{'、'.join(converted.unknown_styles[:8])}，已按普通段落导入；"
                    f"是标题的话，请在 Word 中改用“标题 1/标题 2”样式，或在正文中改成 ## 标题。")
    return todo
