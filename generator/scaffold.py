"""`python build.py new KIND NAME`: a new content file with every field of its kind.

Required fields are filled where NAME allows and otherwise left empty (the
build then says exactly what to fill); optional ones are commented with what
they mean, so the editor never has to look the format up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .fields import SCHEMA, fields_of
from .urls import slugify

KINDS = {"session": "sessions", "deputy": "deputies", "voice": "voices", "report": "reports",
         "news": "news", "page": "pages"}


def _yaml_text(value: str) -> str:
    """A YAML scalar that stays a string whatever the editor typed."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _latest_session(site_dir: Path) -> str:
    folder = site_dir / "content" / "sessions"
    ids = sorted(p.stem for p in folder.rglob("*.md")) if folder.is_dir() else []
    return ids[-1] if ids else ""


def scaffold(kind: str, name: str, site_dir: Path, today: dt.date) -> tuple[Path, str]:
    """The path and text of a new content file (nothing is written here)."""
    folder = KINDS[kind]
    filled: dict[str, str] = {}
    name_field = "name" if folder == "deputies" else "title"
    filled[name_field] = _yaml_text(name)
    for spec in SCHEMA[folder]:
        if spec.kind == "date" and spec.name in ("date", "start", "end"):
            filled[spec.name] = today.isoformat()
    if folder in ("voices",) and _latest_session(site_dir):
        filled["session"] = _latest_session(site_dir)
    if folder == "deputies":
        filled["role"] = "人大代表"
    lines = ["---"]
    for spec in fields_of(folder):
        note = spec.help + (f"（可选：{' / '.join(spec.choices)}）" if spec.choices else "")
        if spec.name in filled:
            lines.append(f"{spec.name}: {filled[spec.name]}  # {'必填' if spec.required else '可选'}：{note}")
        elif spec.required:
            lines.append(f'{spec.name}: ""  # 必填：{note}')
        elif spec.name != "draft":
            lines.append(f"# {spec.name}:  # 可选：{note}")
    lines.append("draft: true  # 写完后删去这一行（或改为 false）才会发布")
    lines.append("---")
    lines.append("")
    lines.append("在这里写正文。")
    path = site_dir / "content" / folder / f"{slugify(name)}.md"
    return path, "\n".join(lines) + "\n"
