"""How Chinese official documents are laid out, as text rules: pure functions, no Word in sight.

A congress office's document opens with its title, then lines an editor would put in front
matter: a ——subtitle (——2022年1月10日在示例区第一届人民代表大会第二次会议上), a date
line, a speaker line (区人大常委会主任 李明华). Its sections are numbered by hand, 一、 and
（一）, often in plain paragraphs. Indentation is typed as full-width spaces. These rules
say which line is which; structure.py applies them to a Word document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMERAL = "一二三四五六七八九十百"
SECTION = re.compile(f"^[{NUMERAL}]+、")  # 一、 -> ##
SUBSECTION = re.compile(f"^[（(][{NUMERAL}]+[）)]")  # （一） or (一) -> ###
SENTENCE_END = "。！？；!;"
HEADING_MAX = 40  # characters: a longer numbered paragraph is text that starts with a number

ARABIC_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
CHINESE_DATE = re.compile("([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DASHES = re.compile(r"^[—–\-－―]{1,3}\s*")
DATE_LABEL = re.compile(r"^(?:发布日期|发布时间|印发日期|成文日期|日期|时间)\s*[:：]")
POSTS = ("副主任", "主任", "副主席", "主席", "副组长", "组长", "书记", "区长", "市长", "县长", "镇长", "院长",
         "检察长", "局长", "秘书长", "部长", "处长", "委员", "代表", "同志")
SPEAKER = re.compile(r"^(?:报告人[:：]?\s*(?P<only>.+)|(?P<post>.{2,30}?(?:" + "|".join(POSTS) + r"))\s+(?P<name>.+))$")
NAME = re.compile(r"^[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3}$")  # 李明华, 王　强 (spaced to align)
INDENT = re.compile(r"^[\s\u3000\u00a0]+")


def plain(text: str) -> str:
    """Text for matching: full-width letters, digits and spaces made half-width, ends trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def strip_indent(text: str) -> str:
    """Full-width (and other) spaces typed as indentation, removed from the start of a paragraph."""
    return INDENT.sub("", text)


def _chinese_number(text: str) -> int:
    """二〇二二 -> 2022 (digit by digit); 十 -> 10, 十二 -> 12, 二十一 -> 21, 五 -> 5."""
    if "十" not in text:
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)


def find_date(text: str) -> dt.date | None:
    """The first date written in text: 2022年1月10日, 2022-01-10, 2022.1.10 or 二〇二二年一月十日."""
    text = plain(text)
    match = ARABIC_DATE.search(text)
    if match:
        year, month, day = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    else:
        match = CHINESE_DATE.search(text)
        if not match:
            return None
        year, month, day = (_chinese_number(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def is_date_line(text: str) -> bool:
    """A line that is only a date, perhaps in brackets: （2021年7月21日）."""
    text = plain(text).strip("()（）")
    return find_date(text) is not None and (ARABIC_DATE.fullmatch(text) or CHINESE_DATE.fullmatch(text)) is not None


def date_label(text: str) -> dt.date | None:
    """The date of a 发布日期：… / 时间：… line, or None."""
    text = plain(text)
    return find_date(text) if DATE_LABEL.match(text) and len(text) <= 60 else None


def subtitle_of(text: str) -> str | None:
    """The subtitle a ——line gives (without its dashes), or None."""
    stripped = text.strip()
    if DASHES.match(stripped) and len(stripped) <= 120:
        rest = DASHES.sub("", stripped).strip()
        return rest or None
    return None


def speaker_of(text: str) -> tuple[str, str] | None:
    """(post, name) of a speaker line: 区人大常委会主任 李明华, 报告人：李明华; else None."""
    match = SPEAKER.match(" ".join(text.replace("\u3000", " ").split()))
    if not match:
        return None
    name = match.group("only") or match.group("name")
    if not NAME.match(name):
        return None
    return (match.group("post") or ""), name.replace(" ", "")


def heading_level(text: str) -> int | None:
    """2 for a short 一、… line, 3 for a short （一）… line; None for anything else.

    A numbered paragraph that goes on past one sentence is text that happens to start with
    a number: it stays a paragraph.
    """
    text = strip_indent(text).strip()
    level = 2 if SECTION.match(text) else 3 if SUBSECTION.match(text) else None
    if level is None or len(text) > HEADING_MAX or any(ch in text[:-1] for ch in SENTENCE_END):
        return None
    return level


def heading_text(text: str) -> str:
    """A heading's words: indentation and a closing full stop removed (（一）坚持党的领导。)."""
    return strip_indent(text).strip().rstrip("。.;；")


def looks_like_title(text: str) -> bool:
    """Whether a first line can be the title: short, not a sentence, a salutation or a section."""
    text = text.strip()
    return (2 <= len(text) <= 80 and not any(ch in text[:-1] for ch in "。；;") and not text.endswith(("：", ":"))
            and heading_level(text) is None and not is_date_line(text) and subtitle_of(text) is None)


@dataclass
class Head:
    """What the opening lines said: values, where each came from, and which lines they were."""

    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # indexes of the lines taken out of the body
    lines: dict[str, tuple[int, str]] = field(default_factory=dict)  # field -> (index, the line as written)

    def take(self, name: str, value: object, source: str, index: int | None = None, line: str = "") -> None:
        if name not in self.values and value:
            self.values[name] = value
            self.sources[name] = source
        if index is not None:
            self.used.add(index)
            if line:
                self.lines.setdefault(name, (index, line))


def read_head(lines: list[tuple[str, str]], title_index: int | None) -> Head:
    """Front-matter lines just under the title: subtitle, date, speaker, in any order.

    `lines` are (text, role) of the document's first paragraphs, role being "subtitle" for
    Word's 副标题 style and "" otherwise; reading stops at the first line that is none of them.
    """
    head = Head()
    start = 0 if title_index is None else title_index + 1
    for index in range(start, min(len(lines), start + 5)):
        text, role = lines[index]
        text = text.strip()
        dashed = subtitle_of(text)
        speaker = speaker_of(text)
        if role == "subtitle" or dashed:
            head.take("subtitle", dashed or text, "“副标题”样式的段落" if role == "subtitle" else "标题下的 —— 行",
                      index, text)
            head.take("date", find_date(text), "副标题中的日期")
        elif is_date_line(text):
            head.take("date", find_date(text), "标题下的日期行", index, text)
        elif date_label(text):
            head.take("date", date_label(text), f"“{text[:20]}”一行", index, text)
        elif speaker:
            head.take("speaker", speaker[1], f"报告人一行（{text}）", index, text)
            head.take("speaker_post", speaker[0], "报告人一行")
        else:
            break
    return head
