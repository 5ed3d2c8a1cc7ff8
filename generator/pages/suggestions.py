"""Deputies' suggestions in figures: the rates, and the charts and tables that show them. Pure.

`suggestion_rates` is the one place that counts: 解决率 is the share of answered
suggestions whose result class counts as solved (site.yaml `suggestion_results`);
满意率 is (满意 + 基本满意) over the answered suggestions the deputies have rated.
`summarize` turns a set of suggestions (a session's, or the whole site's) into the
figures a page shows: each a chart (charts.py) and a table of the same numbers,
or, where there is nothing to count yet, a sentence saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Sequence

from markupsafe import Markup

from ..model.models import SATISFACTION_LEVELS, SUGGESTION_STATUSES, Suggestion, Topic, Voice
from ..read.config import ResultClass
from .charts import Bar, Group, bar_chart

UNTAGGED = "其他"  # suggestions and voices without a topic, as in the session's voices index


def percent(part: int, whole: int) -> str:
    """part/whole as a percentage with one decimal, rounded half up: 4/7 -> "57.1%"; "" when whole is 0."""
    if not whole:
        return ""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class SuggestionStats:
    """How a set of suggestions stands: counts by status, result and satisfaction."""

    total: int
    key: int  # under key supervision (重点督办)
    by_status: tuple[tuple[str, int], ...]
    answered: int
    by_result: tuple[tuple[ResultClass, int], ...]
    solved: int
    rated: int  # answered and rated by the deputies
    by_satisfaction: tuple[tuple[str, int], ...]
    satisfied: int  # 满意 + 基本满意

    @property
    def solve_rate(self) -> Fraction | None:
        return Fraction(self.solved, self.answered) if self.answered else None

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.rated) if self.rated else None

    @property
    def solve_percent(self) -> str:
        return percent(self.solved, self.answered)

    @property
    def satisfaction_percent(self) -> str:
        return percent(self.satisfied, self.rated)


def suggestion_rates(suggestions: Iterable[Suggestion], results: Sequence[ResultClass]) -> SuggestionStats:
    """Count suggestions by status, result and satisfaction; the rates follow from the counts."""
    items = list(suggestions)
    answered = [s for s in items if s.status == "已答复"]
    by_result = tuple((c, sum(1 for s in answered if s.result is not None and s.result.code == c.code))
                      for c in results)
    rated = [s for s in answered if s.satisfaction]
    by_satisfaction = tuple((level, sum(1 for s in rated if s.satisfaction == level)) for level in SATISFACTION_LEVELS)
    return SuggestionStats(
        total=len(items), key=sum(1 for s in items if s.key),
        by_status=tuple((status, sum(1 for s in items if s.status == status)) for status in SUGGESTION_STATUSES),
        answered=len(answered), by_result=by_result, solved=sum(n for c, n in by_result if c.solved),
        rated=len(rated), by_satisfaction=by_satisfaction,
        satisfied=sum(n for level, n in by_satisfaction if level in ("满意", "基本满意")))


def topic_counts(suggestions: Sequence[Suggestion], voices: Sequence[Voice],
                 topics: Sequence[Topic]) -> list[tuple[str, int, int]]:
    """(topic, suggestions, voices) in site.yaml's order, topics with neither left out; 其他 last.

    An item appears under each of its topics, as in the session's voices index.
    """
    rows = [(t.name, sum(1 for s in suggestions if t in s.topics), sum(1 for v in voices if t in v.topics))
            for t in topics]
    rows = [r for r in rows if r[1] or r[2]]
    other = (UNTAGGED, sum(1 for s in suggestions if not s.topics), sum(1 for v in voices if not v.topics))
    return rows + ([other] if other[1] or other[2] else [])


@dataclass(frozen=True)
class Table:
    """The numbers of a chart as a table: a header row, body rows (first cell a row header), footer rows."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    foot: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Figure:
    """One figure of a page: a chart and its table, or the sentence said instead."""

    id: str
    title: str
    lead: str = ""  # the key figure, in words: "解决率 57.1%"
    note: str = ""  # how it is counted
    svg: Markup | None = None
    table: Table | None = None
    empty: str = ""  # said instead of drawing an empty chart


@dataclass(frozen=True)
class Summary:
    """The figures of a set of suggestions, with the entries they count (a page depends on them)."""

    stats: SuggestionStats
    figures: tuple[Figure, ...]
    suggestions: tuple[Suggestion, ...]
    voices: tuple[Voice, ...]


def _status_figure(prefix: str, st: SuggestionStats) -> Figure:
    fid = f"{prefix}-status"
    if not st.total:
        return Figure(fid, "办理状态", empty="还没有公开的代表建议。")
    rows = [(status, n, percent(n, st.total)) for status, n in st.by_status if n]  # no "0 件（0.0%）" bars
    if len(rows) == 1:  # one bar of 100% says nothing a sentence does not
        return Figure(fid, "办理状态", lead=f"共 {st.total} 件", empty=f"{st.total} 件建议均为“{rows[0][0]}”。")
    words = "，".join(f"{status} {n} 件" for status, n, _ in rows)
    svg = bar_chart(fid, "代表建议办理状态", f"共 {st.total} 件：{words}。",
                    [Group(status, (Bar(n, f"{n} 件（{p}）", i),)) for i, (status, n, p) in enumerate(rows)])
    key = f"，其中重点督办 {st.key} 件" if st.key else ""
    return Figure(fid, "办理状态", lead=f"共 {st.total} 件{key}", svg=Markup(svg),
                  table=Table("代表建议办理状态", ("状态", "件数", "占比"),
                              tuple((status, str(n), p) for status, n, p in rows),
                              (("合计", str(st.total), percent(st.total, st.total)),)))


def _result_figure(prefix: str, st: SuggestionStats) -> Figure:
    fid = f"{prefix}-result"
    if not st.answered:
        return Figure(fid, "办理结果与解决率", empty="还没有已答复的建议，暂无办理结果和解决率可以统计。")
    solved = [c for c, _ in st.by_result if c.solved]
    solved_names = "、".join(f"{c.code}（{c.label}）" for c in solved) or "（本站的分类中没有算作解决的一类）"
    rows = [(f"{c.code} {c.label}", n, percent(n, st.answered)) for c, n in st.by_result]
    lead = f"解决率 {st.solve_percent}"
    words = "，".join(f"{label} {n} 件" for label, n, _ in rows)
    svg = bar_chart(fid, "代表建议办理结果", f"已答复 {st.answered} 件：{words}。{lead}。",
                    [Group(label, (Bar(n, f"{n} 件（{p}）", i),)) for i, (label, n, p) in enumerate(rows)],
                    headline=lead)
    return Figure(fid, "办理结果与解决率", lead=lead,
                  note=f"解决率 = {solved_names}件数 ÷ 已答复件数 = {st.solved} ÷ {st.answered}。",
                  svg=Markup(svg),
                  table=Table("代表建议办理结果", ("结果", "件数", "占已答复"),
                              tuple((label, str(n), p) for label, n, p in rows),
                              (("已答复合计", str(st.answered), percent(st.answered, st.answered)),
                               (f"解决率（{'、'.join(c.code for c in solved)}类）", str(st.solved), st.solve_percent))))


def _satisfaction_figure(prefix: str, st: SuggestionStats) -> Figure:
    fid = f"{prefix}-satisfaction"
    title = "代表满意度与满意率"
    if not st.answered:
        return Figure(fid, title, empty="还没有已答复的建议，暂无满意度和满意率可以统计。")
    if not st.rated:
        return Figure(fid, title, empty=f"已答复的 {st.answered} 件建议，代表还没有评价办理结果，暂无满意率。")
    rows = [(level, n, percent(n, st.rated)) for level, n in st.by_satisfaction]
    lead = f"满意率 {st.satisfaction_percent}"
    words = "，".join(f"{level} {n} 件" for level, n, _ in rows)
    unrated = st.answered - st.rated
    pending = f"；另有 {unrated} 件已答复、尚未评价，不计入" if unrated else ""
    svg = bar_chart(fid, "代表对办理结果的满意度", f"已评价 {st.rated} 件：{words}。{lead}。",
                    [Group(level, (Bar(n, f"{n} 件（{p}）", i),)) for i, (level, n, p) in enumerate(rows)],
                    headline=lead)
    return Figure(fid, title, lead=lead,
                  note=f"满意率 =（满意 + 基本满意）÷ 已评价件数 = {st.satisfied} ÷ {st.rated}{pending}。",
                  svg=Markup(svg),
                  table=Table("代表对办理结果的满意度", ("满意度", "件数", "占已评价"),
                              tuple((level, str(n), p) for level, n, p in rows),
                              (("已评价合计", str(st.rated), percent(st.rated, st.rated)),
                               ("满意率（满意＋基本满意）", str(st.satisfied), st.satisfaction_percent))))


def _topic_figure(prefix: str, suggestions: Sequence[Suggestion], voices: Sequence[Voice],
                  topics: Sequence[Topic]) -> Figure:
    fid = f"{prefix}-topics"
    title = "建议与心声的专题分布"
    rows = topic_counts(suggestions, voices, topics)
    if not rows:
        return Figure(fid, title, empty="还没有代表建议和心声，暂无专题分布。")
    words = "；".join(f"{name}：建议 {s} 件，心声 {v} 条" for name, s, v in rows)
    svg = bar_chart(fid, "代表建议与心声按专题分布", f"{words}。",
                    [Group(name, (Bar(s, f"建议 {s} 件", 0), Bar(v, f"心声 {v} 条", 1))) for name, s, v in rows],
                    legend=(("代表建议", 0), ("心声", 1)))
    return Figure(fid, title, note="一件建议或一条心声涉及几个专题，就计入几个专题；没有专题的计入“其他”。",
                  svg=Markup(svg),
                  table=Table("代表建议与心声按专题分布", ("专题", "建议（件）", "心声（条）"),
                              tuple((name, str(s), str(v)) for name, s, v in rows)))


def summarize(prefix: str, suggestions: Sequence[Suggestion], voices: Sequence[Voice],
              results: Sequence[ResultClass], topics: Sequence[Topic]) -> Summary:
    """The figures of a page: status, result with 解决率, satisfaction with 满意率, topics.

    `prefix` keeps the ids of the charts on one page apart ("session", "all").
    """
    st = suggestion_rates(suggestions, results)
    figures = (_status_figure(prefix, st), _result_figure(prefix, st), _satisfaction_figure(prefix, st),
               _topic_figure(prefix, suggestions, voices, topics))
    return Summary(st, figures, tuple(suggestions), tuple(voices))
