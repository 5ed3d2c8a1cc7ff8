"""A Word document (mammoth's model of it) made ready for the web, before any HTML exists.

mammoth reads a .docx into paragraphs, runs, tables, notes. Here, working on that model
rather than on HTML or Markdown text, the import decides what the document means:
which lines are its title, subtitle, date and speaker (taken out for the front matter),
which paragraphs are headings (Word's heading styles, or hand-numbered 一、/（一） lines)
and at what level, and what a web page cannot show as Word did (merged table cells,
links to bookmarks or to files on the author's disk, footnote numbers). Pure: a document
in, a document and what was found out about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mammoth import documents
from mammoth.raw_text import extract_raw_text_from_element as raw_text

from . import conventions as cn
from .tables import TableNotes, flatten_table

HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.I)
SUBTITLE_STYLE = re.compile(r"^(?:subtitle|副标题)$", re.I)
# Word's own contents list (its page numbers mean nothing on the web: the site makes its own), and
# header or footer paragraphs pasted into the body.
DROPPED_STYLE = re.compile(r"^(?:toc\b|目录|table of figures|图表目录|header$|footer$|页眉$|页脚$)", re.I)
WEB_LINK = re.compile(r"^(?:https?:|mailto:|tel:)", re.I)
NOTE_MARK = "\ue000{}\ue001"  # where a footnote was referenced: [^n] once the text is Markdown
NOTE_TEXT = "\ue002{}\ue003"  # starts a footnote's own paragraph: [^n]: …
NOTE_REF_TEXT = re.compile(NOTE_MARK.format(r"\d+"))


@dataclass
class Findings:
    """What the model said about the document, for the front matter and the editor's report."""

    head: cn.Head = field(default_factory=cn.Head)
    notes: list[str] = field(default_factory=list)  # things an editor should look at, in Chinese
    footnotes: int = 0


def _text(element) -> str:
    return raw_text(element).strip()


def _has_image(element) -> bool:
    if isinstance(element, documents.Image):
        return True
    return any(_has_image(child) for child in getattr(element, "children", ()) or ())


def _heading_style(paragraph) -> int | None:
    match = HEADING_STYLE.match((paragraph.style_name or paragraph.style_id or "").strip())
    return int(match.group(1)) if match else None


def _role(paragraph) -> str:
    name = (paragraph.style_name or paragraph.style_id or "").strip()
    return "title" if TITLE_STYLE.match(name) else "subtitle" if SUBTITLE_STYLE.match(name) else ""


def _is_plain(paragraph) -> bool:
    return paragraph.numbering is None and _heading_style(paragraph) is None and not _role(paragraph)


# -- runs: indentation, bold, a closing full stop ------------------------------------------------

def _trim_start(children: list) -> list:
    """Children with the indentation typed at the start of a paragraph (spaces, tabs) removed."""
    out, trimming = [], True
    for child in children:
        if trimming and isinstance(child, documents.Tab):
            continue
        if trimming and isinstance(child, documents.Text):
            child = child.copy(value=cn.strip_indent(child.value))
            if not child.value:
                continue
        if trimming and isinstance(child, documents.Run):
            child = child.copy(children=_trim_start(child.children))
            if not _text(child) and not _has_image(child):
                continue
        if trimming and not (isinstance(child, (documents.Bookmark,)) or (
                isinstance(child, documents.Run) and not child.children)):
            trimming = False
        out.append(child)
    return out


def _trim_end(children: list) -> list:
    """Children without a closing full stop (a heading written as a sentence: （一）坚持党的领导。)."""
    children = list(children)
    for index in range(len(children) - 1, -1, -1):
        child = children[index]
        if isinstance(child, documents.Text) and child.value.strip():
            children[index] = child.copy(value=child.value.rstrip().rstrip("。.;；：:"))
            return children
        if isinstance(child, documents.HasChildren) and _text(child):
            children[index] = child.copy(children=_trim_end(child.children))
            return children
    return children


def _unbold(element):
    """A heading's runs without bold: the heading is already bold, and `## **x**` reads badly."""
    if isinstance(element, documents.Run):
        return element.copy(is_bold=False, children=[_unbold(c) for c in element.children])
    if isinstance(element, documents.HasChildren):
        return element.copy(children=[_unbold(c) for c in element.children])
    return element


def as_heading(paragraph, level: int):
    """The paragraph as a Markdown heading of `level` (2 = ##), through the style map's names."""
    children = _trim_end(_trim_start([_unbold(c) for c in paragraph.children]))
    return paragraph.copy(children=children, style_id=None, style_name=f"heading {level - 1}", numbering=None)


def _run_in(paragraph):
    """A paragraph that opens with a bold numbered sentence (（一）加强监督。全年……) split in two."""
    lead, rest = [], list(paragraph.children)
    while rest and isinstance(rest[0], documents.Run) and rest[0].is_bold:
        lead.append(rest.pop(0))
    lead_text = "".join(raw_text(r) for r in lead).strip()
    if not lead or not rest or not _text(paragraph.copy(children=rest)):
        return None
    level = cn.heading_level(lead_text)
    if level is None or not lead_text.endswith(("。", "：", ":")):
        return None
    return [as_heading(paragraph.copy(children=lead), level), paragraph.copy(children=rest)]


# -- the whole document ---------------------------------------------------------------------------

class _Walk:
    """One pass over every element: links a page cannot follow, bookmarks, notes, tables."""

    def __init__(self, document, findings: Findings):
        self.document = document
        self.findings = findings
        self.tables = TableNotes()
        self.note_numbers: dict[tuple[str, str], int] = {}
        self.local_links: list[str] = []

    def visit(self, element) -> list:
        if isinstance(element, documents.Hyperlink):
            children = self.children(element)
            if element.href and WEB_LINK.match(element.href):
                return [element.copy(children=children)]
            if element.href:  # a file on the author's disk (C:\\…, ../附件.xlsx): nobody else can open it
                self.local_links.append(element.href)
            return children  # a link to a bookmark of the Word file: the page has no such place
        if isinstance(element, (documents.Bookmark, documents.CommentReference)):
            return []
        if isinstance(element, documents.NoteReference):
            key = (element.note_type, element.note_id)
            number = self.note_numbers.setdefault(key, len(self.note_numbers) + 1)
            return [documents.Text(NOTE_MARK.format(number))]
        if isinstance(element, documents.Checkbox):
            return [documents.Text("☑" if element.checked else "☐")]
        if isinstance(element, documents.Table):
            return flatten_table(element.copy(children=self.children(element)), self.tables)
        if isinstance(element, documents.Run):
            children = self.children(element)
            if children and all(isinstance(c, documents.Text) and NOTE_REF_TEXT.fullmatch(c.value) for c in children):
                return [element.copy(children=children, vertical_alignment="baseline")]  # [^n] makes its own <sup>
            return [element.copy(children=children)]
        if isinstance(element, documents.HasChildren):
            return [element.copy(children=self.children(element))]
        return [element]

    def children(self, element) -> list:
        return [out for child in element.children for out in self.visit(child)]

    def note_paragraphs(self) -> list:
        """Each referenced note as one paragraph at the end, opened by its number's mark."""
        out = []
        for (note_type, note_id), number in self.note_numbers.items():
            try:
                note = self.document.notes.find_note(note_type, note_id)
            except KeyError:
                continue
            body: list = []
            for part in note.body:
                children = _trim_start([c for child in part.children for c in self.visit(child)])
                if children:
                    body.extend(([documents.Text(" ")] if body else []) + children)
            out.append(documents.paragraph([documents.Text(NOTE_TEXT.format(number))] + body))
        return out


def _find_title(blocks: list) -> tuple[int | None, int]:
    """(index of the title paragraph or None, how many levels Word's headings move up)."""
    first = next((i for i, b in enumerate(blocks) if isinstance(b, documents.Paragraph)), None)
    if first is None or first != next((i for i, b in enumerate(blocks) if _text(b)), None):
        return None, 0
    paragraph = blocks[first]
    if _role(paragraph) == "title":
        return first, 0
    level_ones = [b for b in blocks if isinstance(b, documents.Paragraph) and _heading_style(b) == 1]
    if _heading_style(paragraph) == 1 and len(level_ones) == 1:
        return first, 1  # 标题 1 used for the title: 标题 2 is then the sections' level
    if _is_plain(paragraph) and cn.looks_like_title(_text(paragraph)):
        return first, 0
    return None, 0


def _title_text(blocks: list, index: int) -> tuple[str, set[int]]:
    """The title, joined over the next paragraph when Word's 标题 style was used for two lines."""
    used = {index}
    text = " ".join(_text(blocks[index]).split())
    follow = blocks[index + 1] if index + 1 < len(blocks) else None
    if _role(blocks[index]) == "title" and isinstance(follow, documents.Paragraph) and _role(follow) == "title":
        text += " ".join(_text(follow).split())
        used.add(index + 1)
    return text, used


def _body(blocks: list, shift: int, findings: Findings) -> list:
    """Headings at their Markdown level, hand-numbered headings recognised, the rest as it was."""
    out, numbered = [], 0
    for block in blocks:
        if not isinstance(block, documents.Paragraph):
            out.append(block)
            continue
        level = _heading_style(block)
        if level is not None:
            numbered += block.numbering is not None
            out.append(as_heading(block, min(6, max(2, level + 1 - shift))))
        elif _is_plain(block) and cn.heading_level(_text(block)):
            out.append(as_heading(block, cn.heading_level(_text(block))))
        else:
            out.extend((_is_plain(block) and _run_in(block)) or [block])
    if numbered:
        findings.notes.append(f"{numbered} 个标题在 Word 中用的是自动编号，编号（如“一、”）没有带过来：请在正文的这些标题前补上。")
    return out


def prepare(document) -> tuple[object, Findings]:
    """The document as the web page should have it, and what was recognised on the way."""
    findings = Findings()
    walk = _Walk(document, findings)
    blocks = []
    for child in walk.children(document):
        if isinstance(child, documents.Paragraph):
            if DROPPED_STYLE.match((child.style_name or child.style_id or "").strip()):
                continue
            child = child.copy(children=_trim_start(child.children))
            if not _text(child) and not _has_image(child):
                continue  # empty paragraphs, and paragraphs of spaces
        blocks.append(child)
    index, shift = _find_title(blocks)
    used: set[int] = set()
    if index is not None:
        title, used = _title_text(blocks, index)
        findings.head.take("title", title, "“标题”样式的段落" if _role(blocks[index]) == "title" else "文档第一行")
    lines = [(_text(b), _role(b)) if isinstance(b, documents.Paragraph) and b.numbering is None else ("", "-")
             for b in blocks[:12]]
    head = cn.read_head(lines, max(used) if used else None)
    for name, value in head.values.items():
        findings.head.take(name, value, head.sources[name])
    findings.head.lines.update(head.lines)
    used |= head.used
    body = _body([b for i, b in enumerate(blocks) if i not in used], shift, findings)
    notes = walk.note_paragraphs()
    findings.footnotes = len(notes)
    _table_notes(walk, findings)
    return document.copy(children=body + notes, notes=documents.notes([])), findings


def _table_notes(walk: _Walk, findings: Findings) -> None:
    for number, merged in walk.tables.merged:
        findings.notes.append(f"第 {number} 个表格有 {merged} 处合并的单元格，已拆开（内容留在左上角的格子里），请核对。")
    if walk.local_links:
        shown = "、".join(dict.fromkeys(walk.local_links[:3]))
        findings.notes.append(f"{len(walk.local_links)} 个链接指向作者电脑上的文件（{shown}），"
                              f"网页上无法打开，已只保留文字。")
