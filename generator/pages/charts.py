"""Charts drawn at build time as inline SVG: data -> markup. Pure, escaped, deterministic.

No chart library and no JavaScript: a page carries its figures as plain SVG that
any browser shows, prints and scales. Every chart is a horizontal bar chart read
from top to bottom (Chinese labels of any length fit above their bars, which
phones need); every bar carries its number as text beside it, and each series
has its own pattern as well as its own colour, so nothing depends on telling
colours apart. `<title>` and `<desc>` name the chart and say its numbers for
screen readers; the page puts the same numbers in a table beside it.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from typing import Sequence

# (colour, pattern): every colour is at least 7:1 on white, so bars and their edges stand out.
STYLES = (
    ("#9b1c1c", "solid"),    # red
    ("#1f4e79", "hatch"),    # blue, diagonal stripes
    ("#2e5e31", "dots"),     # green, dots
    ("#6b4a00", "cross"),    # brown, cross-hatching
    ("#4a4540", "back"),     # grey, stripes the other way
)
INK = "#1d1d1f"
AXIS = "#6b645c"  # 5.7:1 on white: a graphical object needs 3:1
FONT = 16  # user units; the SVG scales with the column it sits in
WIDTH = 320
PAD = 4
BAR = 22  # bar height of a one-bar group
GROUPED_BAR = 16
SIDE_LABEL = 6.5 * FONT  # labels up to this wide stand left of their bars


@dataclass(frozen=True)
class Bar:
    """One bar: its value, the text drawn beside it ("7 件（58.3%）") and its style (index into STYLES)."""

    value: int
    text: str
    style: int = 0


@dataclass(frozen=True)
class Group:
    """A category: its label, drawn above its bars (one bar, or one per series)."""

    label: str
    bars: tuple[Bar, ...]


def text_width(text: str, size: float = FONT) -> float:
    """The width a line of text takes: CJK and full-width characters 1 em, the rest narrower."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch in " .,:;|'!il":
            width += 0.32
        elif ch in "%MW":
            width += 0.9
        else:
            width += 0.6
    return width * size


def _n(x: float) -> str:
    """A coordinate, written the same way every time."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _pattern(chart_id: str, index: int) -> str:
    colour, kind = STYLES[index % len(STYLES)]
    if kind == "solid":
        return ""
    marks = {
        "hatch": '<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#fff" stroke-width="1.6"/>',
        "back": '<path d="M-2 6l4 4M0 0l8 8M6-2l4 4" stroke="#fff" stroke-width="1.6"/>',
        "dots": '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
        "cross": '<path d="M0 0l8 8M8 0l-8 8" stroke="#fff" stroke-width="1.2"/>',
    }[kind]
    return (f'<pattern id="{chart_id}-p{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>')


def _fill(chart_id: str, index: int) -> str:
    colour, kind = STYLES[index % len(STYLES)]
    return colour if kind == "solid" else f"url(#{chart_id}-p{index})"


def _legend(legend: Sequence[tuple[str, int]], y: float, bars: dict[int, list[str]], texts: list[str]) -> float:
    """The legend's swatches and names in one row at `y`; returns where the bars start."""
    x = PAD
    for name, style in legend:
        bars.setdefault(style, []).append(f'<rect x="{_n(x)}" y="{_n(y + 4)}" width="18" height="18"/>')
        texts.append(f'<text x="{_n(x + 24)}" y="{_n(y + 19)}">{_e(name)}</text>')
        x += text_width(name) + 34
    return y + 32


def bar_chart(chart_id: str, title: str, desc: str, groups: Sequence[Group], *,
              headline: str = "", legend: Sequence[tuple[str, int]] = ()) -> str:
    """A horizontal bar chart as one `<svg>` element.

    `chart_id` must be unique on the page (it prefixes the ids of title, desc and
    patterns); `headline` is a key figure drawn above the bars ("解决率 57.1%");
    `legend` lists (series name, style) where groups hold more than one bar.
    Short labels (status, topics) stand left of their bars; longer ones above them.
    """
    grouped = any(len(g.bars) > 1 for g in groups)
    bar_h = GROUPED_BAR if grouped else BAR
    widest_text = max((text_width(b.text) for g in groups for b in g.bars), default=0)
    widest_label = max((text_width(g.label) for g in groups), default=0)
    side = widest_label <= SIDE_LABEL
    x0 = PAD + (widest_label + 10 if side else 0)
    legend_w = sum(text_width(name) + 34 for name, _ in legend)
    width = max(WIDTH, widest_label + 2 * PAD, legend_w + 2 * PAD)
    room = max(width - x0 - PAD - widest_text - 8, 80)
    top = max((b.value for g in groups for b in g.bars), default=0)
    scale = room / top if top else 0

    texts: list[str] = []
    bars: dict[int, list[str]] = {}
    y = 4.0
    if headline:
        texts.append(f'<text x="{PAD}" y="24" font-size="22" font-weight="700">{_e(headline)}</text>')
        y = 38
    if legend:
        y = _legend(legend, y, bars, texts)
    first = y + (0 if side else 23)
    for group in groups:
        if not side:
            texts.append(f'<text x="{PAD}" y="{_n(y + 17)}">{_e(group.label)}</text>')
            y += 23
        start = y
        for b in group.bars:
            w = b.value * scale
            if w > 0:
                bars.setdefault(b.style, []).append(f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(w)}" height="{bar_h}"/>')
            texts.append(f'<text x="{_n(x0 + w + 8)}" y="{_n(y + bar_h / 2 + 5.5)}">{_e(b.text)}</text>')
            y += bar_h + 4
        if side:
            texts.append(f'<text x="{PAD}" y="{_n((start + y - 4) / 2 + 5.5)}">{_e(group.label)}</text>')
        y += 10 if side and grouped else 6 if side else 10
    parts = [f'<path d="M{_n(x0 - 0.5)} {_n(first - 3)}V{_n(y - 7)}" stroke="{AXIS}" stroke-width="1.5"/>'] if groups else []
    for style in sorted(bars):
        colour = STYLES[style % len(STYLES)][0]
        parts.append(f'<g fill="{_fill(chart_id, style)}" stroke="{colour}" stroke-width="1.5">'
                     + "".join(bars[style]) + "</g>")
    parts.append(f'<g fill="{INK}">' + "".join(texts) + "</g>")
    height = max(y, 1)
    defs = "".join(p for p in (_pattern(chart_id, s) for s in sorted(bars)) if p)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'width="{_n(width)}" height="{_n(height)}" font-size="{FONT}">'
            f'<title id="{chart_id}-t">{_e(title)}</title><desc id="{chart_id}-d">{_e(desc)}</desc>'
            + (f"<defs>{defs}</defs>" if defs else "") + "".join(parts) + "</svg>")
