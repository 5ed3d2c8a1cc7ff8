"""mammoth's HTML as the Markdown this site's editors write (Python-Markdown with `extra`).

markdownify does the conversion; a small subclass covers what Python-Markdown reads
differently from the CommonMark it has in mind: a table cell keeps its line breaks as
<br> and its | escaped, superscripts stay <sup>, text that would turn into Markdown or
HTML (1. at the start of a paragraph, <b> typed as text) is escaped. Footnote marks set by
structure.py become [^n] references and definitions.
"""

from __future__ import annotations

import re

from markdownify import MarkdownConverter

from .structure import NOTE_MARK, NOTE_TEXT

NOTE_REF = re.compile(NOTE_MARK.format(r"(\d+)"))
NOTE_DEF = re.compile(r"^" + NOTE_TEXT.format(r"(\d+)") + r"\s*", re.M)
# What Python-Markdown would read as structure at the start of a paragraph's line: a list item,
# a heading, a quotation, a table row.
BLOCK_START = re.compile(r"^(\s*)(\d+)([.)]\s)|^(\s*)([-+*#>|])(?=\s|#|$)", re.M)
TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
LITERAL = re.compile(r"[\[\]{}`]")
BLANK_LINES = re.compile(r"\n{3,}")


def _literal_start(text: str) -> str:
    """Lines that would start a list, heading, quotation or table, escaped to stay text."""
    return BLOCK_START.sub(lambda m: (f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                                      else f"{m.group(4)}\\{m.group(5)}"), text)


class _Converter(MarkdownConverter):
    """markdownify with the adjustments Python-Markdown and nh3 need."""

    def escape(self, text: str, parent_tags) -> str:
        text = super().escape(text.replace("\\", "\\\\"), parent_tags)  # a typed \ stays one
        text = ENTITY_LIKE.sub("&amp;", text)  # &copy; typed in Word is text, not ©
        text = TAG_LIKE.sub("&lt;", text)  # and <b> is text, never a tag
        return LITERAL.sub(r"\\\g<0>", text)  # [附件](一) is no link, {: .x} no attributes, `x` no code

    def convert_br(self, el, text, parent_tags):
        if {"td", "th"} & set(parent_tags):
            return "<br>"
        return super().convert_br(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        alt = LITERAL.sub(r"\\\g<0>", " ".join((el.get("alt") or "").split()))
        return f"![{alt}]({el.get('src') or ''})"

    def convert_sup(self, el, text, parent_tags):
        return f"<sup>{text}</sup>" if text.strip() else ""

    def convert_sub(self, el, text, parent_tags):
        return f"<sub>{text}</sub>" if text.strip() else ""

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, text.replace("|", r"\|"), parent_tags)

    convert_th = convert_td

    def convert_p(self, el, text, parent_tags):
        if not ({"td", "th", "li"} & set(parent_tags)):
            text = _literal_start(text.strip(" \t\r\n"))
        return super().convert_p(el, text, parent_tags)


OPTIONS = {"heading_style": "ATX", "bullets": "-", "strong_em_symbol": "*", "table_infer_header": True,
           "newline_style": "spaces", "escape_misc": False}


def to_markdown(html: str) -> str:
    """Markdown for an HTML fragment of mammoth's, footnotes written as Python-Markdown reads them."""
    text = _Converter(**OPTIONS).convert(html)
    text = NOTE_REF.sub(r"[^\1]", text)
    text = NOTE_DEF.sub(r"[^\1]: ", text)
    lines = [line.rstrip() if not line.endswith("  ") or not line.strip() else line for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


def plain_paragraph(text: str) -> str:
    """One line of plain text as a Markdown paragraph that shows exactly that text."""
    return _literal_start(_Converter(**OPTIONS).escape(text.strip(), set()))
