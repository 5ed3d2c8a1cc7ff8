"""`python build.py import FILE.docx… [--kind …] [--session ID] [--name NAME] [--site DIR]`.

Each Word document becomes one content file with its front matter and its pictures in
media/, written all at once or not at all, followed by a short report in Chinese: what
was created, which fields were filled from where, and what still needs an editor. A
file that cannot be imported gets one line saying why and what to do. Exit 0 when at
least one file was created, 1 when none was, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ...model.kinds import KINDS
from ..new import ScaffoldError, _target
from . import frontmatter as fm
from .guard import ImportRefused, check

FOUND = (".docx", ".docm", ".dotx", ".doc", ".wps", ".pdf", ".rtf", ".odt")  # what a folder is searched for


@dataclass
class Imported:
    """One created content file and what the editor should know about it."""

    source: Path
    path: Path
    kind: str
    kind_reason: str
    filled: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    pictures: str = ""


def documents_in(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to import, and the arguments that name none."""
    files, refused = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FOUND
                           and not p.name.startswith(("~$", ".")))  # ~$x.docx: Word's lock file while x is open
            files.extend(found)
            if not found:
                refused.append((path, "文件夹中没有 Word 文档（.docx）。"))
        elif path.exists():
            files.append(path)
        else:
            refused.append((path, "找不到这个文件。请检查文件名和路径（含空格的路径请加引号）。"))
    return files, refused


def _shown(path: Path, base: Path | None = None) -> str:
    base = base or Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def import_one(source: Path, args: argparse.Namespace, today: dt.date) -> Imported:
    """Convert one file and put its files in place; ImportRefused says why not."""
    from . import convert, write
    from .frontmatter import body_text, todo_list

    data = check(source)
    try:
        converted = convert.convert(data)
    except Exception as exc:  # mammoth on a document Word itself would call damaged
        raise ImportRefused(f"文档内容无法解析（{type(exc).__name__}），可能已损坏。请在 Word 或 WPS 中打开，"
                            f"另存为 .docx 后再导入。") from None
    if not converted.markdown.strip() and not converted.findings.head.values.get("title"):
        raise ImportRefused("文档中没有文字，没有什么可导入的。")
    kind, reason = (args.kind, "--kind") if args.kind else fm.guess_kind(converted.findings)
    fields, restored = fm.fill(kind, converted.findings, args.session, args.site)
    name = args.name or str(fields.values.get("title") or source.stem)
    date = fields.values.get("date")
    try:
        target = _target(KINDS[kind], name, args.site, date if isinstance(date, dt.date) else today)
    except ScaffoldError as exc:
        raise ImportRefused(f"{exc}也可以用 --name 给导入的文件另取一个名字。") from None
    slug = target.stem
    links = {p.number: f"media/{slug}/{slug}-{p.number}.{p.extension}" for p in converted.pictures}
    pictures = {args.site / links[p.number]: p.data for p in converted.pictures}
    front, missing = fm.front_matter(kind, fields, args.site, source.name, today)
    text = front + body_text(converted.markdown, restored, {n: "/" + link for n, link in links.items()})
    try:
        write.place(target, text, pictures)
    except write.TakenName as taken:
        raise ImportRefused(f"{_shown(taken.path, args.site)} 已经存在，没有覆盖。"
                            f"请用 --name 给导入的文件另取一个名字，或先处理那个文件。") from None
    except OSError as exc:
        from ..messages import os_problem
        raise ImportRefused(os_problem(exc) + "没有写入任何文件。") from None
    done = Imported(source, target, kind, reason)
    done.filled = [f"{n} ← {fields.sources[n]}" for n in fields.values]
    done.todo = todo_list(converted, missing)
    if pictures:
        described = sum(1 for p in converted.pictures if p.alt)
        done.pictures = f"{len(pictures)} 张 → media/{slug}/（{described} 张有说明文字）"
    return done


def report(done: Imported, site: Path) -> str:
    """The lines printed after a file was created."""
    lines = [f"已导入 {_shown(done.source)} → {_shown(done.path, site)}（{fm.KIND_NAMES[done.kind]}"
             + ("" if done.kind_reason == "--kind" else f"：{done.kind_reason}；不对时用 --kind 指定") + "）"]
    lines.append("  字段：" + ("；".join(done.filled) if done.filled else "没有从文档中找到"))
    if done.pictures:
        lines.append(f"  图片：{done.pictures}")
    if done.todo:
        lines.append("  需要编辑处理：")
        lines.extend(f"    - {item}" for item in done.todo)
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    if not (args.site / "site.yaml").is_file():
        print(f"用法错误：{args.site} 中没有 site.yaml。请用 --site 指向网站文件夹。", file=sys.stderr)
        return 2
    files, refused = documents_in(args.files)
    if args.name is not None and len(files) > 1:
        print("用法错误：--name 只能在导入一个文件时使用。", file=sys.stderr)
        return 2
    today = args.today or _china_today()
    created = 0
    for path, why in refused:
        print(f"未导入 {_shown(path)}：{why}", file=sys.stderr)
    for source in files:
        try:
            done = import_one(source, args, today)
        except KeyboardInterrupt:  # the writer has removed what it had begun
            print(f"已中断：{_shown(source)} 没有导入，没有留下半成品。", file=sys.stderr)
            return 130
        except ImportRefused as exc:
            print(f"未导入 {_shown(source)}：{exc}", file=sys.stderr)
            refused.append((source, str(exc)))
            continue
        created += 1
        print(report(done, args.site))
    if created:
        print(f"共导入 {created} 个文件" + (f"，{len(refused)} 个没有导入" if refused else "")
              + "。下一步：打开文件核对，按上面的提示补全，然后运行 python build.py check。")
    return 0 if created else 1


def _china_today() -> dt.date:
    from ...engine.inputs import china_today
    return china_today()
