"""Command line: build, serve, new, check, import, publish. Content errors -> exit 1, never a traceback.

A build that takes more than a second shows a progress bar on a terminal (never
in CI or when the output is not a terminal), and every build ends with one
summary line: pages written by kind, pages unchanged, warnings, time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from . import RUN
from .commands.build import build
from .commands.messages import os_problem, summary_line
from .engine.changes import change_lines
from .engine.inputs import PROJECT_DIR, china_today
from .engine.writer import OutputRefused, WriteError
from .errors import BuildFailed
from .model.kinds import IMPORT_KINDS, KINDS


class Progress:
    """A one-line progress bar on stderr, shown only once a build has run for a second.

    Silent when stderr is not a terminal, in CI (the CI variable is set) and for
    TERM=dumb. Called with (pages done, pages in all) by the Builder.
    """

    DELAY = 1.0  # seconds before the bar appears: short builds never show one
    WIDTH = 30

    def __init__(self, stream: TextIO | None = None, label: str = "生成页面",
                 finished: str = "{total} 页已生成，正在写入……"):
        self.stream = stream or sys.stderr
        self.label = label
        self.finished = finished  # the line once all are done, with {total}
        self.enabled = _is_terminal(self.stream) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.DELAY or (now - self._drawn < 0.1 and done < total):
            return
        self._drawn = now
        filled = self.WIDTH * done // max(total, 1)
        line = f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        if done >= total:
            line = f"{self.label}：{self.finished.format(total=total)}"
        self._draw(line)

    def _draw(self, line: str) -> None:
        pad = max(0, self._width - _cells(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = _cells(line)

    def close(self) -> None:
        """Erase the bar, so that the summary line starts on a clean line."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _cells(text: str) -> int:
    """Terminal columns of a line: Chinese characters take two."""
    return sum(2 if ord(ch) > 0x2e80 else 1 for ch in text)


ARGUMENT_NAMES = {"command": "命令", "kind": "种类", "name": "名称"}  # argparse's names of our arguments
# argparse's own messages, as an editor would read them (the rest of the command line speaks Chinese)
ARGPARSE_CHINESE = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少参数：\1"),
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.+)\)"), r"\1 不能是 “\2”，可选：\3"),
    (re.compile(r"invalid choice: '([^']*)' \(choose from (.+)\)"), r"没有 “\1” 这个命令，可选：\2"),
    (re.compile(r"argument (\S+): invalid fromisoformat value: '([^']*)'"), r"\1 的日期 “\2” 不对，应写成 YYYY-MM-DD"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 后面要跟一个值"),
    (re.compile(r"unrecognized arguments: (.+)"), r"不认识的参数：\1"),
    (re.compile(r"argument (\S+): invalid (\w+) value: '([^']*)'"), r"\1 的值 “\3” 不对"),
]


def in_chinese(message: str) -> str:
    """argparse's English message in Chinese, where it is one argparse says."""
    for pattern, said in ARGPARSE_CHINESE:
        if pattern.fullmatch(message):
            said = pattern.sub(said, message).replace("'", "")
            return re.sub(r"\b(command|kind|name)\b", lambda m: ARGUMENT_NAMES[m.group()], said)
    return message



class _Parser(argparse.ArgumentParser):
    """argparse, speaking Chinese: its help and its usage errors."""

    HEADINGS = (("usage: ", "用法："), ("options:", "选项："), ("positional arguments:", "参数："))

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示这份说明")

    def format_usage(self) -> str:
        return self._chinese(super().format_usage())

    def format_help(self) -> str:
        return self._chinese(super().format_help())

    def _chinese(self, text: str) -> str:
        for english, chinese in self.HEADINGS:
            text = text.replace(english, chinese)
        return text

    def error(self, message: str) -> None:  # usage errors: exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{in_chinese(message)}。运行 {RUN} -h 查看用法。", file=sys.stderr)
        raise SystemExit(2)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=RUN, description="区人大网站生成器（编辑指南：docs/编辑指南.md）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("build", help="生成整个网站")
    b.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹（含 site.yaml 和 content/），默认是本项目")
    b.add_argument("--out", type=Path, default=None, help="输出文件夹，默认是网站文件夹中的 public/")
    b.add_argument("--drafts", action="store_true", help="同时发布草稿和未到日期的内容（带醒目标记），供预览")
    b.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="把这一天当作今天（北京时间），看定时发布的内容在那天会怎样发布；默认是今天")
    s = sub.add_parser("serve", help="本地预览：保存即更新，浏览器自动刷新")
    s.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    s.add_argument("--port", type=_port, default=8000, help="端口，默认 8000")
    s.add_argument("--host", default="127.0.0.1", help="监听地址，默认只在本机（127.0.0.1）")
    n = sub.add_parser("new", help="新建一个内容文件")
    n.add_argument("kind", choices=sorted(KINDS), help="种类：session、deputy、voice、report、news、page、suggestion、"
                   "resolution（决议决定）、appointment（人事任免）、notice（通知公告）")
    n.add_argument("name", help="标题或姓名（中文名会转成拼音作为文件名）")
    n.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    n.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="新文件中填写的日期，默认是今天")
    c = sub.add_parser("check", help="发布前的严格检查（含中文标点检查）")
    c.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    i = sub.add_parser("import", help="把 Word 文档（.docx）导入为内容文件，图片放进 media/")
    i.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx 文件，或存放 .docx 的文件夹")
    i.add_argument("--kind", choices=IMPORT_KINDS, default=None,
                   help="种类：report（工作报告）、news（新闻）、voice（心声）、suggestion（代表建议）、page（页面）；不写则按标题判断")
    i.add_argument("--session", default=None, help="会议的 id，如 1-1；不写则从副标题中的会议名称判断")
    i.add_argument("--name", default=None, help="文件名（只导入一个文件时可用；中文会转成拼音），不写则用标题")
    i.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    i.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    p = sub.add_parser("publish", help="把生成好的网站发布到 site.yaml 中声明的目标（只传改动的文件）")
    p.add_argument("--site", type=Path, default=PROJECT_DIR, help="网站文件夹，默认是本项目")
    p.add_argument("--out", type=Path, default=None, help="要发布的输出文件夹，默认是网站文件夹中的 public/")
    p.add_argument("--target", default=None, help="发布目标的名称（site.yaml 的 publish.targets 中的一个）")
    p.add_argument("--dry-run", action="store_true", help="只列出会上传、删除哪些文件，不做任何改动")
    p.add_argument("--yes", action="store_true", help="确认删除较多的文件（超过 max_deletes 或全站四分之一时需要）")
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    c.add_argument("--fix", action="store_true",
                   help="先自动改正正文和文字字段里的标点（中文里的半角逗号、问号、括号等），列出改了哪些，再检查")
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应是数字，现在是 {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口应在 1 到 65535 之间，现在是 {port}")
    return port


def _print_problems(problems, stream=None) -> None:
    for p in problems:
        print(p.format(), file=stream or sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    site = args.site
    if not _site_ok(site):
        return 2
    progress = Progress()
    try:
        result = build(site, args.out, include_drafts=args.drafts, today=args.today, progress=progress)
    except BuildFailed as failed:
        progress.close()
        errors = failed.problems.errors
        _print_problems(failed.problems.warnings)
        _print_problems(errors)
        print(f"发现 {len(errors)} 个错误，网站没有发布；原来发布的网站保持不变。", file=sys.stderr)
        return 1
    except OutputRefused as exc:  # a wrong --out: usage, not content
        progress.close()
        print(f"用法错误：{exc}", file=sys.stderr)
        return 2
    except WriteError as exc:
        progress.close()
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # stdout closed by the reader (`| head`): build.py ends quietly
    except OSError as exc:  # the disk, not the content: full, read-only, no permission
        progress.close()
        print(f"错误：{os_problem(exc)}网站没有发布；原来发布的网站保持不变。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the writer has cleaned up on its way out
        progress.close()
        print("已中断：网站没有发布；原来发布的网站保持不变。", file=sys.stderr)
        return 130
    progress.close()
    _print_problems(result.warnings)
    print(summary_line(result.written, result.unchanged, len(result.warnings), result.seconds, str(result.out)))
    for line in change_lines(result.changes):
        print(line)
    return 0


def _site_ok(site: Path) -> bool:
    if not (site / "site.yaml").is_file():
        print(f"用法错误：{site} 中没有 site.yaml。请用 --site 指向网站文件夹。", file=sys.stderr)
        return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    from .commands.serve.server import serve  # tornado and watchfiles only when serving
    return serve(args.site, host=args.host, port=args.port, progress=Progress())


def cmd_new(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    name = " ".join(args.name.split())
    if not name:
        print("用法错误：名称不能为空。", file=sys.stderr)
        return 2
    from .commands.new import ScaffoldError, scaffold  # the field schemas and YAML: not for a build
    try:
        path, text = scaffold(args.kind, name, args.site, args.today or china_today())
    except ScaffoldError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        print(f"错误：{path} 已经存在，没有覆盖。换一个名称，或直接编辑那个文件。", file=sys.stderr)
        return 1
    rel = path.relative_to(args.site) if path.is_relative_to(args.site) else path
    print(f"已新建 {rel}")
    print("下一步：打开这个文件，填好标有“必填”的字段（以 # 开头的可选字段，需要时删去 # 再填写），"
          "写好正文；可以发布时删去 draft: true 这一行。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    started = time.perf_counter()
    if args.fix:
        _fix_copy(args.site)
    try:
        from .commands.check import check  # the Builder and its libraries: not needed by a no-change build

        problems = check(args.site)
    except BuildFailed as failed:
        _print_problems(failed.problems.warnings)
        _print_problems(failed.problems.errors)
        seconds = time.perf_counter() - started
        print(f"检查未通过：{len(failed.problems.errors)} 个错误，{len(failed.problems.warnings)} 个警告"
              f"（{seconds:.2f} 秒）。内容有错误，所以还没有检查链接；改好后再运行一次。", file=sys.stderr)
        return 1
    _print_problems(problems.warnings)
    _print_problems(problems.errors)
    seconds = time.perf_counter() - started
    if problems:
        print(f"检查未通过：{len(problems.errors)} 个错误，{len(problems.warnings)} 个警告（{seconds:.2f} 秒）。"
              f"改好后再运行一次。", file=sys.stderr)
        return 1
    print(f"检查通过：没有错误，{len(problems.warnings)} 个警告（{seconds:.2f} 秒）。可以发布：{RUN} build")
    return 0


def _fix_copy(site: Path) -> None:
    """`check --fix`: correct the prose of the content files, saying what changed where."""
    from .commands.copycheck import fix_site
    done = fix_site(site)
    for rel, fix in done:
        what, sentence = fix.said()
        print(f"已改正 {rel}:{fix.line}：{what}。现在是：{sentence}")
    files = len({rel for rel, _ in done})
    print(f"已改正 {len(done)} 行（{files} 个文件）。" if done else "标点没有要改正的地方。")


def cmd_import(args: argparse.Namespace) -> int:
    from .commands.docx.command import cmd_import as run  # Word's libraries only when a document is imported
    return run(args)


def cmd_publish(args: argparse.Namespace) -> int:
    if not _site_ok(args.site):
        return 2
    from .commands.publish.command import Request, publish
    request = Request(args.site, args.out, args.target, args.dry_run, args.yes, args.today)
    return publish(request, Progress(label="发布", finished="{total} 个文件已处理"))


COMMANDS = {"build": cmd_build, "serve": cmd_serve, "new": cmd_new, "check": cmd_check, "import": cmd_import,
            "publish": cmd_publish}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return COMMANDS[args.command](args)
