"""Chinese line breaking that a browser cannot work out alone, decided at build time.

A browser may end a line between any two Chinese characters, and between a number and its
unit (2021|年, 43.3|万). Two helpers say what belongs together:

- `phrases`: an organisation's name with break hints between its parts (杭州市|钱塘区|人民代表大会|
  常务委员会); the theme keeps each part whole (word-break: keep-all), so a name on two lines
  breaks between parts, never inside 代表;
- `keep_numbers`: in finished HTML, each number with its unit (2021年7月19日, 43.3万余名, 98.5%)
  wrapped in <span class="nw">, which the theme keeps on one line;
- `clauses`: a headline whose clauses a space separates (以优质医疗资源为引领 全面提升…), each
  clause in <span class="clause">, which the theme keeps whole on its line where it fits: a
  balanced heading would otherwise break inside a word (…引领 全 / 面提升…).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Where an official name may break: after a place (…省 …市 …区 …县), before the body's name.
NAME_BREAK = re.compile(r"(?<=[省市区县旗盟])(?=[\u4e00-\u9fff]{2})(?!民|场|委|政|区|级)"
                        r"|(?=人民代表大会|人大常委会|常务委员会|政治协商会议)")
# A number and the unit or measure word after it, as running Chinese text writes them.
UNITS = "年月日时分秒号件名人个位元角万亿千百条项次家所户届岁米吨倍天周期批辆座间套台张份篇票余多"
NUMBER_UNIT = re.compile(rf"\d{{4}}年\d{{1,2}}月(?:\d{{1,2}}日)?|\d{{1,2}}月\d{{1,2}}日"  # a date, whole
                         rf"|\d[\d,.]*(?:\s?[%％‰]|[{UNITS}]{{1,3}})")
SKIP = re.compile(r"<(pre|code|script|style|textarea|svg)\b.*?</\1>", re.S | re.I)
TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
DIGIT = re.compile(r"\d")


def phrases(name: str) -> Markup:
    """An organisation's name, escaped, with <wbr> between its parts."""
    parts = [p for p in NAME_BREAK.split(name) if p]
    return Markup("<wbr>").join(escape(p) for p in parts)


# A space between two clauses of Chinese (not between Latin words, not inside a number)
CLAUSE_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff01-\uff5e，。！？：；”’）》」』])([ \u3000]+)(?=[\u3400-\u9fff“‘（《「『])")


def clauses(title: str) -> Markup:
    """A headline, escaped, its space-separated Chinese clauses each in <span class="clause">,
    all in one <span class="clauses"> (a link laid out as a flex box then holds one item, not a
    row of them; the theme passes the link's underline down through it to each clause)."""
    parts = CLAUSE_GAP.split(title)  # clause, the space as written, clause, …
    if len(parts) == 1:
        return escape(title)
    inner = Markup("").join(Markup('<span class="clause">{}</span>').format(p) if i % 2 == 0 else escape(p)
                            for i, p in enumerate(parts))
    return Markup('<span class="clauses">{}</span>').format(inner)


def _wrap_text(text: str) -> str:
    return NUMBER_UNIT.sub(lambda m: f'<span class="nw">{m.group()}</span>', text)


def keep_numbers(html: str) -> str:
    """Wrap number-and-unit runs of the text (not of tags, code or attributes) in <span class="nw">."""
    if not DIGIT.search(html):  # (a scan in C: a generator over every character cost more than the wrapping)
        return html
    out: list[str] = []
    last = 0
    for match in SKIP.finditer(html):
        out.append(_wrap_outside_tags(html[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_wrap_outside_tags(html[last:]))
    return "".join(out)


def _wrap_outside_tags(html: str) -> str:
    pieces = TAG_OR_TEXT.split(html)
    pieces[::2] = map(_wrap_text, pieces[::2])  # the text between tags
    return "".join(pieces)
