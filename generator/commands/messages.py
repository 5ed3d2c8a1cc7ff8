"""Lines more than one command prints: a build's summary, an operating-system failure in Chinese."""

from __future__ import annotations

import errno
from collections import Counter

from ..model.kinds import KIND_LABEL


def summary_line(written: Counter, unchanged: int, warnings: int, seconds: float, where: str = "") -> str:
    """The one line a build ends with: pages written by kind, pages unchanged, warnings, time."""
    total = sum(written.values())
    kinds = "、".join(f"{KIND_LABEL.get(k, '列表')} {n}" for k, n in sorted(written.items(), key=_kind_order) if n)
    text = f"写入 {total} 页" + (f"（{kinds}）" if kinds else "")
    return f"{text}，未变 {unchanged} 页，警告 {warnings} 个，用时 {seconds:.2f} 秒" + (f" → {where}" if where else "")


def _kind_order(item: tuple[str, int]) -> tuple[int, str]:
    order = list(KIND_LABEL) + ["lists"]
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


OS_REASONS = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有权限",
              errno.EPERM: "不允许修改（文件夹只读或被锁定）", errno.EROFS: "文件系统是只读的",
              errno.ENAMETOOLONG: "路径太长", errno.EMFILE: "同时打开的文件太多"}


def os_problem(exc: OSError) -> str:
    """An operating-system failure in one Chinese sentence: what, where, and what to do."""
    reason = OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = f"（{exc.filename}）" if exc.filename else ""
    fix = {errno.ENOSPC: "请清理磁盘后重试。", errno.EDQUOT: "请清理磁盘后重试。"}.get(
        exc.errno or 0, "请检查输出文件夹和网站文件夹的权限后重试。")
    return f"无法读写文件{where}：{reason}。{fix}"
