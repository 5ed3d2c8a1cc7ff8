"""Command line: build (and, later, serve/new/check). Content errors -> exit 1, never a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .errors import BuildFailed
from .models import KIND_LABEL
from .pipeline import PROJECT_DIR, build
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
    return parser


def _print_problems(problems, stream=sys.stderr) -> None:
    for p in problems:
        print(p.format(), file=stream)


def cmd_build(args: argparse.Namespace) -> int:
    site = args.site
    if not (site / "site.yaml").is_file():
        print(f"错误：{site} 中没有 site.yaml。请用 --site 指向网站文件夹。", file=sys.stderr)
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


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.command == "build":
        return cmd_build(args)
    return 2
