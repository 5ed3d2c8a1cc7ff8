"""`python build.py new KIND NAME`: a new content file with every field of its kind.

Required fields are filled where NAME (or the site) allows — the title or
name, today's date, the latest session — and otherwise left empty, so that
the build (and the preview's error page) says exactly what to fill. Optional
fields are commented out with what they mean, so the editor never has to look
the format up. The file name is ASCII: the pinyin of a Chinese NAME. Nothing
is ever overwritten, and a NAME that would give an existing page's address is
refused.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import Problems
from ..model.fields import SCHEMA, Field, fields_of
from ..model.kinds import KINDS
from ..model.models import APPOINTMENT_ACTIONS
from ..model.urls import RESERVED, slugify
from ..read.config import load_config
from ..read.content import parse_document

YEAR_DIR = re.compile(r"^\d{4}$")
EXAMPLES = {  # how a value of each type is written, for the comments
    "date": "2021-07-21", "bool": "true", "int": "1", "list": "[甲, 乙]",
    "figures": "[{label: 登记选民, value: 43.3万余, unit: 名}]",
}


class ScaffoldError(Exception):
    """The file cannot be made; the message says why and what to do, in Chinese."""


def _yaml_text(value: str) -> str:
    """A YAML scalar that stays a string whatever the editor typed."""
    value = " ".join(value.split())
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sessions(site_dir: Path) -> list[tuple[dt.date, str, dt.date]]:
    """(start, id, end) of every session, newest first; unreadable files are skipped."""
    folder = site_dir / "content" / "sessions"
    found: list[tuple[dt.date, str, dt.date]] = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            doc = parse_document(path.name, "sessions", path.read_bytes(), Problems())
        except OSError:
            continue
        start, end = (doc.meta.get("start"), doc.meta.get("end")) if doc else (None, None)
        start = start if isinstance(start, dt.date) else dt.date.min
        found.append((start, path.stem, end if isinstance(end, dt.date) and end >= start else start))
    return sorted(found, reverse=True)


def _topics(site_dir: Path) -> tuple[str, ...]:
    config, _ = load_config(site_dir)
    return tuple(config.topics) if config is not None else ()


def _note(spec: Field, site_dir: Path) -> str:
    """What a field means, its choices, and how it is written."""
    note = spec.help
    if spec.choices and not all(choice in spec.help for choice in spec.choices):
        note += f"；只能写 {' 或 '.join(spec.choices)}"
    if spec.name == "topics":
        declared = _topics(site_dir)
        if declared:
            note += f"；可用：{'、'.join(declared)}"
    elif spec.name in ("session", "meeting"):
        ids = [sid for _, sid, _ in _sessions(site_dir)[:6]]
        if ids:
            note += f"；已有：{'、'.join(ids)}"
    if spec.kind in EXAMPLES and spec.name not in ("topics",):
        note += f"；写法如 {EXAMPLES[spec.kind]}"
    return note


def _target(folder: str, name: str, site_dir: Path, today: dt.date) -> Path:
    """The new file's path: content/FOLDER/[YEAR/]pinyin-of-name.md, checked against what exists."""
    slug = slugify(name)
    base = site_dir / "content" / folder
    if folder == "pages" and slug in RESERVED:
        raise ScaffoldError(f"“{name}”会得到网址 /{slug}/，与网站自带的栏目重名。请换一个名称。")
    for existing in sorted(base.rglob("*.md")) if base.is_dir() else []:
        if existing.stem == slug or slugify(existing.stem) == slug:
            rel = existing.relative_to(site_dir).as_posix()
            if existing.name == f"{slug}.md":
                raise ScaffoldError(f"{rel} 已经存在，没有覆盖。换一个名称，或直接编辑那个文件。")
            raise ScaffoldError(f"已有 {rel}，它的网址与“{name}”相同（{slug}）。换一个名称，或直接编辑那个文件。")
    # Folders kept by year (voices/2021/) get the new file in this year's folder.
    if base.is_dir() and any(d.is_dir() and YEAR_DIR.match(d.name) for d in base.iterdir()):
        base = base / str(today.year)
    return base / f"{slug}.md"


def scaffold(kind: str, name: str, site_dir: Path, today: dt.date) -> tuple[Path, str]:
    """The path and text of a new content file (nothing is written here).

    Raises ScaffoldError when the file exists or its address would be taken.
    """
    folder = KINDS[kind]
    path = _target(folder, name, site_dir, today)
    filled: dict[str, str] = {"name" if folder == "deputies" else "title": _yaml_text(name)}
    for spec in SCHEMA[folder]:
        if spec.kind == "date" and spec.required:
            filled[spec.name] = today.isoformat()
    for spec in SCHEMA[folder]:
        if spec.name in ("session", "meeting") and spec.required:
            sessions = _sessions(site_dir)
            if sessions:
                start, sid, end = sessions[0]  # the latest: the usual case
                filled[spec.name] = _yaml_text(sid)
                if spec.name == "meeting" and not start <= today <= end and start != dt.date.min:
                    # what a meeting decides is dated within it: its last day, when the votes are taken
                    filled.update({d.name: end.isoformat() for d in SCHEMA[folder] if d.name in ("adopted", "date")})
    lines = ["---", "# 以 # 开头的行是可选字段或说明：需要某个可选字段时，删去行首的 # 再填写。"]
    for spec in fields_of(folder):
        if spec.name == "draft":
            continue
        note = _note(spec, site_dir)
        if spec.kind == "entries":  # a list of mappings: one item to copy, its values to fill
            lines.append(f"{spec.name}:  # 必填，请填写：{note}；action 只能写 {'、'.join(APPOINTMENT_ACTIONS)}")
            lines.append('  - {name: "", action: 任命, post: ""}')
        elif spec.name in filled:
            lines.append(f"{spec.name}: {filled[spec.name]}  # {'必填' if spec.required else '可选'}：{note}")
        elif spec.required:
            lines.append(f'{spec.name}: ""  # 必填，请填写：{note}')
        else:
            lines.append(f"# {spec.name}:  # 可选：{note}")
    lines.append("draft: true  # 草稿：只在预览中显示；可以发布时删去这一行")
    lines.append("---")
    lines.append("")
    lines.append("在这里写正文。")
    return path, "\n".join(lines) + "\n"
