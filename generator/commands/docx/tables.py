"""Word tables as Markdown can hold them: a plain grid, one line per cell, a header row.

A Markdown table has no merged cells, no paragraphs inside a cell and always a header
row. Word's tables have all three, and offices use a one-cell table as a frame around
text. Each is made plain here, on mammoth's model, and counted so the editor is told.
"""

from __future__ import annotations

from dataclasses import dataclass

from mammoth import documents
from mammoth.raw_text import extract_raw_text_from_element as raw_text


@dataclass
class TableNotes:
    """What flattening changed, for the report."""

    tables: int = 0
    merged: list[tuple[int, int]] = None  # (table number, merged cells) where any were merged

    def __post_init__(self) -> None:
        self.merged = self.merged or []


def _cell_line(cell) -> list:
    """A cell's content as one paragraph's children: its paragraphs joined by line breaks."""
    parts: list[list] = []
    for child in cell.children:
        if isinstance(child, documents.Paragraph):
            parts.append(list(child.children))
        elif isinstance(child, documents.Table):  # a table inside a cell: its rows as lines of text
            rows = (" ".join(raw_text(row).split()) for row in child.children)
            parts.extend([documents.Text(text)] for text in rows if text)
        else:
            parts.append([child])
    parts = [p for p in parts if raw_text(documents.paragraph(p)).strip() or _has_image(p)]
    out: list = []
    for index, part in enumerate(parts):
        if index:
            out.append(documents.line_break)
        out.extend(part)
    return out


def _has_image(children: list) -> bool:
    return any(isinstance(c, documents.Image) or _has_image(getattr(c, "children", []) or []) for c in children)


def _grid(table) -> tuple[dict[tuple[int, int], object], int, int, int]:
    """Cells by (row, column), each merged cell kept in its top-left place; width, height, merges."""
    grid: dict[tuple[int, int], object] = {}
    merged = 0
    for r, row in enumerate(table.children):
        c = 0
        for cell in getattr(row, "children", []):
            while (r, c) in grid:
                c += 1
            span_c, span_r = max(1, cell.colspan or 1), max(1, cell.rowspan or 1)
            merged += span_c * span_r > 1
            for dr in range(span_r):
                for dc in range(span_c):
                    grid[(r + dr, c + dc)] = cell if dr == dc == 0 else None
            c += span_c
    width = 1 + max((c for _, c in grid), default=-1)
    height = 1 + max((r for r, _ in grid), default=-1)
    return grid, width, height, merged


def flatten_table(table, notes: TableNotes) -> list:
    """The blocks that stand for `table`: a plain grid table, or a framed cell's own paragraphs."""
    grid, width, height, merged = _grid(table)
    if width == 1 and height == 1:  # a frame around text, not a table
        return list(grid[(0, 0)].children)
    notes.tables += 1
    if merged:
        notes.merged.append((notes.tables, merged))
    rows = []
    for r in range(height):
        cells = [documents.table_cell([documents.paragraph(_cell_line(grid[(r, c)]))] if grid.get((r, c)) else [])
                 for c in range(width)]
        if any(raw_text(cell).strip() or _has_image(cell.children) for cell in cells):
            rows.append(documents.table_row(cells, is_header=not rows))
    return [table.copy(children=rows)] if rows else []
