"""The copy check of `check`: half-width punctuation in Chinese text, and stray spaces, found and fixed.

AutoCorrect (autocorrect-py, the linter CJK copywriting uses) does the work, set up for a
government site: no space is *added* between Chinese and Latin or digits (党政机关 style
writes 2021年, ICP备案号), so its spacing rules are off. A few rules it lacks are added:
half-width `,;:?!` between Chinese (also after a closing quote: `”,`), `(一)` around Chinese,
straight quotes around Chinese, and a space between Chinese and a digit (`2021 年`).

Only prose is touched: the body of each content file and its text fields (title, summary …).
Code, URLs, link targets, HTML tags, ids, keys and references (session, speaker, topics …)
are never changed. Pure functions of text, plus `fix_site`/`lint_site` at the edge.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import autocorrect_py

from .. import RUN
from ..errors import Problems
from ..read import yamltext
from ..read.content import FENCE, discover

autocorrect_py.load_config(json.dumps({"rules": {  # process-wide in the library: set once, here
    "space-word": 0, "space-punctuation": 0, "space-bracket": 0, "space-backticks": 0, "space-dash": 0,
    "spellcheck": 0}}))

# Front-matter fields that hold prose; every other field is an id, a reference, a date or a path.
PROSE_FIELDS = frozenset({"title", "subtitle", "summary", "speaker_title", "place", "column", "reporter",
                          "author", "occupation", "constituency"})

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LEFT = f"{HAN}”’」』）》】…"  # what a Chinese sentence's punctuation follows
RIGHT = f"{HAN}“‘「『（《【"  # what it comes before
FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
PUNCTUATION = re.compile(f"([{LEFT}][*_~]*)([,;:?!])(?=[*_~]*(?:[{RIGHT}]|$))", re.M)
PARENS = re.compile(f"\\(([^()\\n]*[{HAN}][^()\\n]*)\\)")
QUOTES = re.compile(f'"([^"\\n]*[{HAN}][^"\\n]*)"')
DIGIT_SPACE = re.compile(f"(?<=[{HAN}])[ ]+(?=[0-9])|(?<=[0-9])[ ]+(?=[{HAN}])")
CLOSING, OPENING = "，。！？；：、）》」』”’", "（《「『“‘"
PUNCTUATION_SPACE = re.compile(f"(?<=[{CLOSING}])[ ]+(?=[{HAN}{OPENING}{CLOSING}])|(?<=[{HAN}])[ ]+(?=[{CLOSING}])")
# What is never prose: fenced code, inline code, HTML tags, link targets, reference links, addresses
PROTECTED = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$|`[^`\n]+`|<[^>\n]*>|\]\([^)\n]*\)|^[ \t]*\[[^\]\n]+\]:.*$"
                       r"|\b(?:https?|ftp|mailto):[^\s<>\"'）)]+|\bwww\.[^\s<>\"'）)]+|[\w.+-]+@[\w-]+\.[\w.-]+",
                       re.M | re.S)
HOLE = "\ue000"  # a protected part, while the prose around it is corrected


def fix_prose(text: str, quotes: bool = True) -> str:
    """Markdown or plain text with its prose corrected; protected parts stay byte for byte."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group())
        return HOLE

    masked = PROTECTED.sub(hold, text)
    runs = masked.split(HOLE)
    masked = HOLE.join(autocorrect_py.format(run) if re.search(f"[{HAN}]", run) else run for run in runs)
    masked = PUNCTUATION.sub(lambda m: m.group(1) + FULLWIDTH[m.group(2)], masked)
    masked = PARENS.sub(r"（\1）", masked)
    if quotes:
        masked = QUOTES.sub(r"“\1”", masked)
    masked = DIGIT_SPACE.sub("", masked)
    masked = PUNCTUATION_SPACE.sub("", masked)
    parts = masked.split(HOLE)
    if len(parts) != len(kept) + 1:  # a rule swallowed a protected part: leave the text as it was
        return text
    return "".join(p + (kept[i] if i < len(kept) else "") for i, p in enumerate(parts))


@dataclass(frozen=True)
class LineFix:
    """One line of a file, as it is and as it should be (1-based line; the field, for front matter)."""

    line: int
    old: str
    new: str
    field: str | None = None

    def said(self) -> tuple[str, str]:
        """(what changes, the corrected sentence or sentences) for a message."""
        pairs: list[str] = []
        spans: list[tuple[int, int]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, self.old, self.new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            spans.append((j1, j2))
            old, new = self.old[i1:i2], self.new[j1:j2]
            pair = f"“{old}”改为“{new}”" if old.strip() and new else f"删去“{old}”前后的空格" if not new else f"“{new}”"
            if pair not in pairs:
                pairs.append(pair)
        shown = self.new.strip() if self.field else _sentences(self.new, spans)  # a field: its whole line
        return "、".join(pairs[:6]) + ("等" if len(pairs) > 6 else ""), shown


SHOWN_SENTENCES, SENTENCE_CHARS = 3, 80


def _sentences(text: str, spans: list[tuple[int, int]]) -> str:
    """The sentences of `text` that hold a change, as they will read (a long paragraph: the first few)."""
    found = []
    for match in re.finditer(r"[^。！？；]*[。！？；”’」』]*", text):
        if match.group() and any(match.start() <= j1 < match.end() or match.start() < j2 <= match.end()
                                 for j1, j2 in spans):
            sentence = match.group().strip()
            found.append(sentence if len(sentence) <= SENTENCE_CHARS else sentence[:SENTENCE_CHARS] + "…")
    if len(found) > SHOWN_SENTENCES:
        return "".join(found[:SHOWN_SENTENCES]) + f"……（这一段共有 {len(found)} 句要改）"
    return "".join(found) or text.strip()


def fix_file(text: str) -> tuple[str, list[LineFix]]:
    """A content file's text (LF line ends) with its prose corrected, and the lines that changed."""
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None) \
        if lines and FENCE.match(lines[0]) else None
    fixes: list[LineFix] = []
    if end is not None:
        fixes += _front_matter(lines, end)
    start = end + 1 if end is not None else 0
    body = "\n".join(lines[start:])
    fixed = fix_prose(body).split("\n")
    if len(fixed) == len(lines) - start:
        fixes += [LineFix(start + i + 1, old, new) for i, (old, new) in enumerate(zip(lines[start:], fixed))
                  if old != new]
    out = list(lines)
    for f in fixes:
        out[f.line - 1] = f.new
    return "\n".join(out), fixes


KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):([ ]+)(.*)$")


def _front_matter(lines: list[str], end: int) -> list[LineFix]:
    """The prose fields of the front matter corrected, kept only if YAML reads every other value as before."""
    fixes: list[LineFix] = []
    block: str | None = None  # a prose field written as a block (`summary: |`): its indented lines
    for number in range(1, end):
        line = lines[number]
        if block is not None and (line.startswith((" ", "\t")) or not line.strip()):
            new = fix_prose(line, quotes=False)
            if new != line:
                fixes.append(LineFix(number + 1, line, new, block))
            continue
        block = None
        match = KEY_VALUE.match(line)
        if match is None or match.group(1) not in PROSE_FIELDS:
            continue
        value = match.group(3)
        if re.fullmatch(r"[|>][+-]?[0-9]?[+-]?\s*", value):
            block = match.group(1)
            continue
        if not value or value[0] in "[{&*!%@`":
            continue
        quoted = value[0] in "\"'"  # a YAML quoted value: its own quotes are not prose
        new = f"{match.group(1)}:{match.group(2)}{fix_prose(value, quotes=not quoted)}"
        if new != line:
            fixes.append(LineFix(number + 1, line, new, match.group(1)))
    if not fixes:
        return fixes
    changed = list(lines[1:end])
    for f in fixes:
        changed[f.line - 2] = f.new
    try:
        before, _ = yamltext.load("\n".join(lines[1:end]))
        after, _ = yamltext.load("\n".join(changed))
    except yamltext.YamlSyntaxError:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict) or before.keys() != after.keys() \
            or any(before[k] != after[k] for k in before if k not in PROSE_FIELDS):
        return []
    return fixes


def _files(site_dir: Path) -> list[tuple[str, Path]]:
    return [(rel, path) for _, rel, path in discover(site_dir, Problems())]


def _read(path: Path) -> tuple[str, bool, bool] | None:
    """(text with LF line ends, had a BOM, had CRLF), or None for a file the build refuses anyway."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), bom, crlf


def lint_site(site_dir: Path, problems: Problems) -> None:
    """A warning for every line of the site's content whose prose `check --fix` would correct."""
    for rel, path in _files(site_dir):
        read = _read(path)
        if read is None:
            continue
        for f in fix_file(read[0])[1]:
            what, sentence = f.said()
            problems.warn(rel, f"中文里用了半角标点或多余的空格：{what}。", line=f.line, field=f.field,
                          fix=f"运行 {RUN} check --fix 自动改正，或改为：{sentence}")


def fix_site(site_dir: Path) -> list[tuple[str, LineFix]]:
    """Correct the prose of every content file in place; return what changed, file by file."""
    done: list[tuple[str, LineFix]] = []
    for rel, path in _files(site_dir):
        read = _read(path)
        if read is None:
            continue
        text, bom, crlf = read
        new, fixes = fix_file(text)
        if not fixes:
            continue
        data = ("\ufeff" if bom else "") + (new.replace("\n", "\r\n") if crlf else new)
        tmp = path.with_name(f".{path.name}.fix")
        tmp.write_text(data, encoding="utf-8", newline="")
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
        done += [(rel, f) for f in fixes]
    return done
