"""The slips a Chinese keyboard makes in YAML, found line by line before PyYAML parses it.

PyYAML reports where its parser stopped, often the line after the mistake, in English
("could not find expected ':'"). An editor needs the line where the mistake *is*, what is
wrong in their words, and that line written right. Each slip here is one such line: a
full-width colon (`title：…`), no space after the colon, a tab or an ideographic space
(U+3000) as indentation, `，` or `、` between the items of `[…]`, full-width brackets,
a value holding `: ` without quotes, a quote that covers only the start of a value.
PyYAML stays the parser: the corrected text is parsed again to find what else is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Slip:
    """One line written wrong: 1-based line, what is wrong (Chinese), the line written right."""

    line: int
    what: str
    corrected: str


KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
# `title：…`, `- name ： 张三`: an ASCII key followed by a full-width colon
FULLWIDTH_COLON = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>{KEY})[ \u3000]*：[ \u3000]*(?P<rest>.*)$")
# `reporter:记者`: no space after the colon (`https://` is not a key: the rest would start with //)
NO_SPACE = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>{KEY}):(?P<rest>(?!//)[^\s#].*)$")
# `key: value`: a mapping line whose value is checked further
KEY_LINE = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>{KEY}):(?P<gap>[ \t\u3000]+|$)(?P<rest>.*)$")
BLOCK_SCALAR = re.compile(r"^[|>][+-]?[0-9]?[+-]?\s*(#.*)?$")  # `summary: |`: the lines below are text
SEPARATORS = "，、"  # a Chinese keyboard's comma and enumeration comma
BRACKETS = {"［": "[", "］": "]", "【": "[", "】": "]", "｛": "{", "｝": "}"}


def find_slips(text: str) -> list[Slip]:
    """Every line of YAML text written in one of the usual wrong ways, in line order."""
    slips: list[Slip] = []
    block_indent: int | None = None  # inside a block scalar (`|`, `>`): lines indented more than this
    wanted = 0  # the indentation the next line most likely wants (to correct a wrong one)
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t\u3000")
        if block_indent is not None:
            if not stripped or len(line[:len(line) - len(stripped)].expandtabs(2)) > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        said: list[str] = []
        for _ in range(4):  # a line may hold more than one slip: `title：会议开幕: 代表报到`
            step = _fix_once(line, wanted)
            if step is None:
                break
            said.append(step[0])
            line = step[1]
        if said:
            slips.append(Slip(number, "；另外，".join(said), line))
        indent = len(line) - len(line.lstrip(" "))
        match = KEY_LINE.match(line)
        if match and BLOCK_SCALAR.match(match.group("rest")):
            block_indent = indent
        empty = match is not None and not _strip_comment(match.group("rest")).strip()
        wanted = len(match.group("lead")) + 2 if match and empty else indent
    return slips


def _fix_once(line: str, wanted: int) -> tuple[str, str] | None:
    """(what is wrong, the line with that corrected) for the first slip of one line, or None."""
    stripped = line.lstrip(" \t\u3000")
    indent_text = line[:len(line) - len(stripped)]
    if "\t" in indent_text or "\u3000" in indent_text:
        what = "行首用了 Tab 缩进" if "\t" in indent_text else "行首用了全角空格（中文输入法下的空格）缩进"
        return what + "；只能用半角空格缩进", " " * wanted + stripped
    match = FULLWIDTH_COLON.match(line)
    if match:
        return ("字段名后面的冒号是中文全角的“：”；要用英文半角冒号“:”，后面再空一格",
                f"{match.group('lead')}{match.group('key')}: {match.group('rest')}")
    match = NO_SPACE.match(line)
    if match and not match.group("rest").startswith(":"):
        return ("冒号后面缺少空格；“字段: 值”的冒号后面要空一格",
                f"{match.group('lead')}{match.group('key')}: {match.group('rest')}")
    match = KEY_LINE.match(line)
    if match and match.group("gap").strip(" \n") and match.group("rest"):
        return ("冒号后面用了 Tab 或全角空格；要用一个半角空格",
                f"{match.group('lead')}{match.group('key')}: {match.group('rest')}")
    if match:
        said = _value_slip(match.group("rest"))
        if said is not None:
            return said[0], f"{match.group('lead')}{match.group('key')}: {said[1]}"
    elif stripped.startswith("- "):
        said = _value_slip(stripped[2:])
        if said is not None:
            return said[0], f"{indent_text}- {said[1]}"
    return None


def _value_slip(value: str) -> tuple[str, str] | None:
    """(what is wrong, the value corrected) for a value written wrong, or None."""
    value = value.rstrip()
    if not value:
        return None
    if value[0] in BRACKETS and value[-1] in BRACKETS:
        inner = value[1:-1]
        fixed = BRACKETS[value[0]] + _commas(inner) + BRACKETS[value[-1]]
        return "列表用了中文的全角括号；要用英文方括号 [ ]，各项之间用英文逗号", fixed
    if value[0] in "[{":
        bare = _outside_quotes(value)
        if any(s in bare for s in SEPARATORS):
            comma = "“、”" if "、" in bare and "，" not in bare else "中文逗号“，”"
            return f"列表各项之间用了{comma}；要用英文逗号“,”分隔", _commas(value)
        return None
    if value[0] in "\"'":
        end = _closing_quote(value)
        if end is not None:
            after = value[end + 1:].lstrip()
            if after and not after.startswith("#"):
                return ("引号只包住了值的开头一段，后面还有文字；整段值要放在一对引号里",
                        "'" + value.replace("'", "''") + "'")
        return None
    if value[0] in "|>&*!%@`":
        return None
    plain = _strip_comment(value)
    if ": " in plain or plain.endswith(":"):
        escaped = plain.replace("\\", "\\\\").replace('"', '\\"')
        rest = value[len(plain):]
        return ("值里有英文冒号加空格“: ”，会被当成又一个字段；含冒号的文字要整段加引号",
                f'"{escaped}"{rest}')
    return None


def _commas(text: str) -> str:
    """`，` and `、` outside quotes as ", " (a space already after them is kept as one)."""
    out, quote = [], ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
            out.append(ch)
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif ch in SEPARATORS:
            out.append(", ")
            while i + 1 < len(text) and text[i + 1] in " \u3000":
                i += 1
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _outside_quotes(text: str) -> str:
    """The text with every quoted part taken out."""
    return re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'", "", text)


def _closing_quote(value: str) -> int | None:
    """Index of the quote closing the one `value` starts with, or None when it stays open."""
    quote = value[0]
    i = 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            if quote == "'" and value[i + 1:i + 2] == "'":  # '' is a quote inside single quotes
                i += 2
                continue
            return i
        i += 1
    return None


def _strip_comment(value: str) -> str:
    """A plain value without its trailing `  # comment`."""
    match = re.search(r"\s#", value)
    return value[:match.start()].rstrip() if match else value


def close_quote(line: str) -> str | None:
    """A line whose value opens a quote it never closes, with the quote closed; else None."""
    match = KEY_LINE.match(line) or re.match(r"^(?P<lead>[ ]*-[ ]+)(?P<key>)(?P<gap>)(?P<rest>.*)$", line)
    if match is None:
        return None
    value = match.group("rest").rstrip()
    if not value or value[0] not in "\"'" or _closing_quote(value) is not None:
        return None
    return line.rstrip() + value[0]
