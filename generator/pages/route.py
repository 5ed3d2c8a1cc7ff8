"""A Route: one page to render (where it goes, its template, its context), and a list's Pager.

Plain data every kind's routes are made of (routes.py, committee_routes.py) and every
later stage reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..model.models import Entry
from ..model.urls import list_url, output_path


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


@dataclass
class Route:
    """One output page: where it goes, what renders it, with what."""

    url: str
    template: str
    title: str
    section: str  # navigation key; "" for home and standalone pages
    source: str  # the content file (or "生成的页面") it comes from, for collision errors
    context: dict[str, Any] = field(default_factory=dict)
    crumbs: tuple[Crumb, ...] = ()
    entry: Entry | None = None

    @property
    def path(self) -> str:
        return output_path(self.url)


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list."""

    number: int
    count: int
    items: Sequence[Any]
    urls: tuple[str, ...]  # URL of every page of the list

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


def paginate(items: Sequence[Any], size: int, section: str) -> list[Pager]:
    """Split a list into pages; an empty list still gets its first page."""
    count = max(1, -(-len(items) // size))
    urls = tuple(list_url(section, n) for n in range(1, count + 1))
    return [Pager(n, count, items[(n - 1) * size:n * size], urls) for n in range(1, count + 1)]
