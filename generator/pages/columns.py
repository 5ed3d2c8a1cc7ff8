"""The site's columns (栏目) in the main navigation, the way 人大 sites order them, and which exist.

A column is shown, and its list pages published, only where it has content: a site without
suggestions has no 代表建议 in its navigation and no empty suggestions/ page.
"""

from __future__ import annotations

from ..model.models import Site

# (section, label) in the order of the main navigation; 依法履职 holds 决定决议 and 人事任免.
COLUMNS = (
    ("sessions", "会议"),
    ("deputies", "代表委员"),
    ("voices", "心声"),
    ("duties", "依法履职"),
    ("notices", "通知公告"),
    ("suggestions", "代表建议"),
    ("reports", "工作报告"),
    ("news", "新闻"),
    ("topics", "专题"),
)


def present(site: Site) -> frozenset[str]:
    """The columns with content (published entries, or declared topics)."""
    has = {"sessions": site.sessions, "deputies": site.people, "voices": site.voices,
           "duties": site.resolutions or site.appointments, "notices": site.notices,
           "suggestions": site.suggestions, "reports": site.reports, "news": site.news, "topics": site.topics}
    return frozenset(key for key, _ in COLUMNS if has[key])


def navigation(site: Site) -> list[tuple[str, str]]:
    """(label, site-relative URL) of the main navigation: home, the columns with content, then the
    standalone pages that give an `order`."""
    shown = present(site)
    return [("首页", "")] + [(label, f"{key}/") for key, label in COLUMNS if key in shown] + \
        [(p.title, p.url) for p in site.pages if p.order is not None]
