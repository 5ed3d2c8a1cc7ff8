"""Which pages a build wrote or removed, by title, for the lines under the build's summary.

An editor who saved one file wants to see that its page went out (and nothing else
moved by surprise); counts by kind do not say which. The titles of removed pages
are read from the published output before it is replaced: the model no longer has them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SHOWN = 20  # titles listed; the rest are counted
TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
ORDER = {"新增": 0, "更新": 1, "删除": 2}


@dataclass(frozen=True)
class PageChange:
    """One page a build wrote or removed."""

    what: str  # 新增 | 更新 | 删除
    title: str
    path: str  # site-relative output path (voices/x/index.html)
    entry: bool = True  # a content page (not a list, the home page or the 404 page)

    @property
    def url(self) -> str:
        return "/" + self.path.removesuffix("index.html")


def page_changes(written: Iterable[str], titles: dict[str, str], kinds: dict[str, str],
                 before: Iterable[str], out: Path) -> list[PageChange]:
    """The pages written (new or updated) and those published before that are gone, in a stable order.

    `before`: every file the last build published; `out`: that output, still as it was.
    """
    before = set(before)
    changes = [PageChange("更新" if path in before else "新增", titles.get(path, path), path,
                          kinds.get(path, "lists") != "lists") for path in written]
    gone = sorted(p for p in before if p.endswith(".html") and p not in titles
                  and not p.startswith(("media/", "static/")))
    changes += [PageChange("删除", _published_title(out / path) or path, path) for path in gone[:SHOWN]]
    changes += [PageChange("删除", path, path) for path in gone[SHOWN:]]
    return sorted(changes, key=lambda c: (ORDER[c.what], not c.entry, c.path))


def _published_title(page: Path) -> str:
    """A published page's own title, without the site's name after it."""
    try:
        with open(page, "rb") as handle:
            found = TITLE.search(handle.read(4096))
    except OSError:
        return ""
    return html.unescape(found.group(1).decode("utf-8", "replace")).rsplit(" - ", 1)[0].strip() if found else ""


def change_lines(changes: list[PageChange]) -> list[str]:
    """Up to SHOWN lines `  更新：标题（/voices/x/）`, then how many more."""
    lines = [f"  {c.what}：{' '.join(c.title.split())}（{c.url}）" for c in changes[:SHOWN]]
    if len(changes) > SHOWN:
        lines.append(f"  ……另有 {len(changes) - SHOWN} 页")
    return lines
