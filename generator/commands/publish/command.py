"""`python build.py publish`: the checks that come first, then the plan, the guard and the run.

Refused, before anything is sent: a target site.yaml does not declare; an output that is
missing or empty, built with --drafts, changed since it was built, or older than the content
(the build's record in .cache says what it read: inputs.input_signature); and whatever the
strict `check` finds. Then the plan (plan.py) from the output's manifest and the target's
record (record.py), or, with no record, from what the target holds; deletions beyond
max_deletes or a quarter of the target's files wait for --yes. Each upload is recorded as
it lands, so a publish that is stopped is finished by the next one.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...engine.cache import CACHE_DIR, Store, generator_key
from ...engine.inputs import china_today, input_signature
from ...engine.manifest import Published, output_files
from ...engine.writer import WriteError, output_lock
from ...errors import BuildFailed
from ...read.config import load_config
from ...read.publish_settings import PublishSettings, RsyncTarget, Target
from ..build import record_name
from .plan import LABELS, Files, Plan, describe, make_plan
from .record import Record, RecordBusy, target_lock
from .remote import Backend, PublishError

RECORDS = Path(CACHE_DIR) / "publish"
BUILD_FIRST = "请先运行 python build.py build（不加 --drafts），再发布。"


class Refused(Exception):
    """Publishing is refused before anything is sent; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Request:
    """What the command line asked for."""

    site: Path
    out: Path | None = None
    target: str | None = None
    dry_run: bool = False
    yes: bool = False
    today: dt.date | None = None


def choose_target(settings: PublishSettings | None, name: str | None) -> Target:
    """The target named (or the default one), or Refused (exit 2: a usage error)."""
    if settings is None or not settings.targets:
        raise Refused("site.yaml 中没有声明发布目标：请先在 site.yaml 中加上 publish: 一节"
                      "（写法见 README 的“发布”一节），再运行 publish。", 2)
    names = "、".join(settings.names())
    if name is not None:
        found = settings.find(name)
        if found is None:
            raise Refused(f"site.yaml 中没有名为 “{name}” 的发布目标；已声明的目标：{names}。", 2)
        return found
    if settings.default:
        return settings.find(settings.default)  # type: ignore[return-value]  # config.py checked it
    if len(settings.targets) == 1:
        return settings.targets[0]
    raise Refused(f"site.yaml 声明了多个发布目标（{names}），请用 --target 指定一个，"
                  "或在 publish 下写 default: 名称。", 2)


def current_output(site: Path, out: Path, today: dt.date) -> tuple[Files, str]:
    """The output's files and its token, if they are exactly what the last build made of the
    current content."""
    files = output_files(out)
    published = Published.look(out)
    if files is None or not out.is_dir() or not files or published.found == 0:
        raise Refused(f"没有可以发布的网站：{out} 不存在、是空的，或不是本工具生成的。{BUILD_FIRST}")
    token = published.token()
    store = Store(site / CACHE_DIR)
    clean, drafts = store.load(record_name(out, False)), store.load(record_name(out, True))
    if token is not None and drafts and drafts.get("token") == token and not (clean and clean.get("token") == token):
        raise Refused(f"{out} 是用 --drafts 生成的预览版，其中有草稿和未到日期的内容，不能发布。{BUILD_FIRST}")
    if clean is None or token is None or clean.get("token") != token:
        raise Refused(f"{out} 中的文件在上次生成之后被改动过，或不是上次生成的结果。{BUILD_FIRST}")
    if clean.get("inputs") != input_signature(site, False, today):
        raise Refused(f"内容、模板或 site.yaml 在上次生成之后有改动，{out} 不是最新的。{BUILD_FIRST}")
    return files, token


def strict_check(site: Path, token: str, say: Callable[[str], None]) -> None:
    """`build.py check`'s errors stop the publish (listed); its warnings are only counted.

    A build that passed once is not checked again (publishing it to a second target, or
    finishing an interrupted publish): the token names the output exactly, and
    current_output has made sure it is the build of the current content.
    """
    passed, mark = site / RECORDS / "checked", f"{token} {generator_key()}"
    try:
        if passed.read_text(encoding="utf-8") == mark:
            return
    except OSError:
        pass
    from ..check import check  # the Builder: only once the cheap refusals are past

    try:
        problems = check(site)
    except BuildFailed as failed:
        problems = failed.problems
    if problems.errors:
        for p in problems.errors:
            print(p.format(), file=sys.stderr)
        raise Refused(f"检查发现 {len(problems.errors)} 个错误，没有发布；远端的网站保持原样。改好后重新 build 再发布。")
    if problems.warnings:
        say(f"检查通过，有 {len(problems.warnings)} 个警告（python build.py check 可查看）。")
    passed.parent.mkdir(parents=True, exist_ok=True)
    passed.write_text(mark, encoding="utf-8")


def make_backend(target: Target) -> Backend:
    if isinstance(target, RsyncTarget):
        from .rsync import RsyncBackend
        return RsyncBackend(target)
    from .s3 import S3Backend  # boto3: only for S3 targets
    return S3Backend(target)


def report(plan: Plan, target: Target, where: str, max_deletes: int) -> list[str]:
    """A dry run's lines: every upload (by phase) and deletion with its size, then the counts."""
    lines = [f"试运行：发布到 {target.name}（{where}），不会改动任何文件。"]
    for phase, paths in plan.phases():
        lines += [f"  上传（{LABELS[phase]}）{'新增' if p in plan.new else '更新'}  {p}" for p in paths]
    lines += [f"  删除  {p}" for p in plan.deletes]
    lines.append(f"将{describe(plan)}。")
    why = plan.too_many_deletes(max_deletes)
    if why:
        lines.append(f"注意：要删除的文件数{why}，正式发布时需要加 --yes 确认。")
    return lines


def run_plan(plan: Plan, backend: Backend, record: Record, out: Path, files: Files,
             progress: Callable[[int, int], None]) -> None:
    """Uploads phase by phase, then deletions; each file recorded as the target confirms it."""
    total, done = plan.upload_count + len(plan.deletes), 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress(min(done, total), total)

    for _, paths in plan.phases():
        backend.upload(out, paths, lambda p: record.landed(p, backend.stamp(p, files[p][0]), files[p][1]), tick)
    if plan.deletes:
        backend.delete(plan.deletes, lambda p: (record.gone(p), tick()))


def publish(request: Request, progress, say: Callable[[str], None] = print) -> int:
    """The whole command; returns the exit status (0 done, 1 refused or failed, 2 usage, 130 Ctrl-C)."""
    started = time.perf_counter()
    try:
        return _publish(request, progress, say, started)
    except Refused as refused:
        progress.close()
        print(("用法错误：" if refused.code == 2 else "错误：") + str(refused), file=sys.stderr)
        return refused.code
    except PublishError as failed:
        progress.close()
        print(f"错误：{failed}", file=sys.stderr)
        return 1
    except WriteError:  # output_lock: a build is writing the output
        print("错误：正在生成网站（另一个 build 正在写入输出文件夹），请等它结束后再发布。", file=sys.stderr)
        return 1
    except RecordBusy as busy:
        print(f"错误：另一个 publish 正在发布到 {busy}，请等它结束后再试。", file=sys.stderr)
        return 1
    except OSError as exc:  # this machine's disk, not the target: reading the output, writing the record
        progress.close()
        from ..messages import os_problem
        print(f"错误：{os_problem(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.close()
        print("已中断：已经传完的文件都已完整放好，远端每个文件都是旧版或新版；再运行一次 publish 即可完成发布。",
              file=sys.stderr)
        return 130


def _publish(request: Request, progress, say: Callable[[str], None], started: float) -> int:
    config, problems = load_config(request.site)
    if config is None or problems.errors:
        for p in problems.errors:
            print(p.format(), file=sys.stderr)
        raise Refused("site.yaml 有错误，没有发布。")
    target = choose_target(config.publish, request.target)
    out = request.out or request.site / "public"
    with output_lock(out):  # no build swaps the output while its files are being sent
        files, token = current_output(request.site, out, request.today or china_today())
        strict_check(request.site, token, say)
        job = Job(target, make_backend(target), out, files, config.publish.max_deletes, request.site / RECORDS)
        try:
            plan = _send(job, request, progress, say)
        finally:
            job.backend.close()
    if plan is not None:
        progress.close()
        seconds = time.perf_counter() - started
        say(f"已发布到 {target.name}（{job.backend.where}）：{describe(plan)}，用时 {seconds:.1f} 秒。")
    return 0


@dataclass
class Job:
    """One publish of one output to one target."""

    target: Target
    backend: Backend
    out: Path
    files: Files
    max_deletes: int
    records: Path


def _send(job: Job, request: Request, progress, say: Callable[[str], None]) -> Plan | None:
    """Under the target's lock: compare if need be, plan, guard, run, record (None: a dry run)."""
    backend, target = job.backend, job.target
    with target_lock(job.records, target.name):
        record = Record(job.records, target.name, target.identity)
        remote = record.load()
        backend.probe()
        if remote is None:
            say(f"第一次发布到 {target.name}（{backend.where}）：正在与目标上已有的文件比对……")
            remote = backend.compare(job.out, job.files)
            same = sum(1 for p, (stamp, _) in remote.items() if stamp and p in job.files)
            say(f"目标上已有 {len(remote)} 个文件，其中 {same} 个与本次相同。")
        plan = make_plan(job.files, remote, backend.stamp)
        if request.dry_run:
            for line in report(plan, target, backend.where, job.max_deletes):
                say(line)
            return None
        why = plan.too_many_deletes(job.max_deletes)
        if why and not request.yes:
            raise Refused(f"这次发布要删除目标上的 {len(plan.deletes)} 个文件，{why}，所以没有发布。"
                          f"先用 --dry-run 看看要删除哪些文件；确认无误后加 --yes 再运行。")
        record.begin(remote)
        try:
            run_plan(plan, backend, record, job.out, job.files, progress)
        finally:
            record.close()
        record.finish()
    return plan
