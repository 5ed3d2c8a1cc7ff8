"""Content problems as data: collected, never raised one by one.

Editors fix a whole batch of mistakes per build, so every stage appends to a
`Problems` collector instead of stopping at the first error (MkDocs strict
mode, Lektor's failure page). The CLI and the preview server format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or doubtful) in the content, located for an editor."""

    path: str  # relative to the site folder, POSIX separators
    line: int | None
    field: str | None
    message: str  # what is wrong, in Chinese
    fix: str = ""  # what would be right, in Chinese
    warning: bool = False

    def format(self) -> str:
        """Render as one line an editor can act on: file, line, field, problem, fix."""
        where = self.path + (f":{self.line}" if self.line else "")
        what = f"字段 {self.field}：" if self.field else ""
        kind = "警告" if self.warning else "错误"
        text = f"{where}: {kind}: {what}{self.message}"
        if self.fix:
            text += f" 改法：{self.fix}"
        return text


@dataclass
class Problems:
    """Collects every error and warning of one build."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, message: str, *, line: int | None = None,
              field: str | None = None, fix: str = "") -> None:
        """Record a problem that stops publishing."""
        self.items.append(Problem(path, line, field, message, fix))

    def warn(self, path: str, message: str, *, line: int | None = None,
             field: str | None = None, fix: str = "") -> None:
        """Record a doubt that does not stop publishing."""
        self.items.append(Problem(path, line, field, message, fix, warning=True))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return sorted({p for p in self.items if not p.warning},
                      key=lambda p: (p.path, p.line or 0, p.field or "", p.message))

    @property
    def warnings(self) -> list[Problem]:
        return sorted({p for p in self.items if p.warning},
                      key=lambda p: (p.path, p.line or 0, p.field or "", p.message))

    def __bool__(self) -> bool:  # true when there is at least one error
        return any(not p.warning for p in self.items)


class BuildFailed(Exception):
    """Raised at the end of a stage when the content has errors; carries them all."""

    def __init__(self, problems: Problems):
        super().__init__(f"{len(problems.errors)} content error(s)")
        self.problems = problems

    def __reduce__(self):  # pickled whole (commands/build.py passes it from the rendering process)
        return (BuildFailed, (self.problems,))
