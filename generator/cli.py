"""Command line: build, serve, new, check. Content errors -> exit 1, never a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from .check import check
from .errors import BuildFailed
from .scaffold import KINDS, scaffold
from .models import KIND_LABEL
from .pipeline import PROJECT_DIR, build, china_today
from .writer import WriteError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python build.py", description="区人大网站生成器")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("build", help="生成整个网站")
    b.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹（含 site.yaml 和 content/），默认是本项目")
    b.add_argument("--out", type=Path, default=None, help="输出文件夹，默认是网站文件夹中的 public/")
    b.add_argument("--drafts", action="store_true", help="同时发布草稿和未到日期的内容（带醒目标记），供预览")
    b.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    s = sub.add_parser("serve", help="本地预览：保存即更新，浏览器自动刷新")
    s.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    s.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
    s.add_argument("--host", default="127.0.0.1", help="监听地址，默认只在本机（127.0.0.1）")
    n = sub.add_parser("new", help="新建一个内容文件")
    n.add_argument("kind", choices=sorted(KINDS), help="种类：session、deputy、voice、report、news、page")
    n.add_argument("name", help="标题或姓名")
    n.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    c = sub.add_parser("check", help="发布前的严格检查")
    c.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    return parser


def _print_problems(problems, stream=sys.stderr) -> None:
    for p in problems:
        print(p.format(), file=stream)


def cmd_build(args: argparse.Namespace) -> int:
    site = args.site
    if not _site_ok(site):
        return 2
    try:
        result = build(site, args.out, include_drafts=args.drafts, today=args.today)
    except BuildFailed as failed:
        errors = failed.problems.errors
        _print_problems(failed.problems.warnings)
        _print_problems(errors)
        print(f"发现 {len(errors)} 个错误，网站没有发布；原来发布的网站保持不变。", file=sys.stderr)
        return 1
    except WriteError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    _print_problems(result.warnings)
    parts = "、".join(f"{KIND_LABEL.get(k, '列表')} {n}" for k, n in sorted(result.counts.items()))
    state = "已更新" if result.changed else "没有变化，未写入"
    print(f"已生成 {sum(result.counts.values())} 个页面（{parts}），共 {result.files} 个文件，"
          f"警告 {len(result.warnings)} 个，用时 {result.seconds:.2f} 秒 → {result.out}（{state}）")
    return 0


def _site_ok(site: Path) -> bool:
    if not (site / "site.yaml").is_file():
        print(f"错误：{site} 中没有 site.yaml。请用 --site 指向网站文件夹。", file=sys.stderr)
        return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    from .server import serve  # tornado and watchfiles only when serving
    return serve(args.site, host=args.host, port=args.port)


def cmd_new(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    name = args.name.strip()
    if not name:
        print("用法错误：名称不能为空。", file=sys.stderr)
        return 2
    path, text = scaffold(args.kind, name, args.site, china_today())
    if path.exists():
        print(f"错误：{path} 已经存在，没有覆盖。换一个名称，或直接编辑那个文件。", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"已新建 {path}：请填写标有“必填”的字段，写完后删去 draft: true。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    started = time.perf_counter()
    try:
        problems = check(args.site)
    except BuildFailed as failed:
        _print_problems(failed.problems.warnings)
        _print_problems(failed.problems.errors)
        print(f"检查未通过：{len(failed.problems.errors)} 个错误。", file=sys.stderr)
        return 1
    _print_problems(problems.warnings)
    _print_problems(problems.errors)
    seconds = time.perf_counter() - started
    if problems:
        print(f"检查未通过：{len(problems.errors)} 个错误，{len(problems.warnings)} 个警告（{seconds:.2f} 秒）。",
              file=sys.stderr)
        return 1
    print(f"检查通过：没有错误，{len(problems.warnings)} 个警告（{seconds:.2f} 秒）。")
    return 0


COMMANDS = {"build": cmd_build, "serve": cmd_serve, "new": cmd_new, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return COMMANDS[args.command](args)
