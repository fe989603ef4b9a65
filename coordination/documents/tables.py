"""Tables on a Sheet: headers that wrap instead of being cut, rows drawn straight on the
canvas, and columns that wrap their cells (names of sources, custody roles) over as many
lines as they need.

A table without wrapping columns keeps one line per row and one text object per page: a
10,000-line manifest is drawn in well under a second that way. Wrapping columns are for
the short tables where every word matters (the act's sources, a dispute's custody chain).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics

from coordination.documents.fonts import BOLD, FONT, fit

if TYPE_CHECKING:
    from coordination.documents.pdfkit import Column, Sheet

MIN_TITLE_SIZE = 5.0


def _title_lines(title: str, width: float, size: float) -> tuple[list[str], float]:
    """A column title split at spaces to fit `width`; a single word too wide for it is set
    smaller (down to 5 pt) rather than cut, so every header prints whole."""
    while True:
        lines = simpleSplit(title, BOLD, size, width) or [""]
        widest = max(pdfmetrics.stringWidth(line, BOLD, size) for line in lines)
        if widest <= width or size <= MIN_TITLE_SIZE:
            return lines, size
        size -= 0.5


def header(sheet: Sheet, columns: Sequence[Column], size: float, row_height: float) -> float:
    """Draw the grey header row at the cursor; returns its height."""
    canvas = sheet.canvas
    titles = [_title_lines(c.title, c.width - 4, size) for c in columns]
    count = max(len(lines) for lines, _size in titles)
    leading = size * 1.15
    height = max(row_height, count * leading + 3)
    sheet.y -= height
    x0 = sheet.left
    canvas.setFillGray(0.9)
    canvas.rect(x0, sheet.y, sum(c.width for c in columns), height, stroke=0, fill=1)
    canvas.setFillGray(0)
    x = x0 + 2
    for column, (lines, title_size) in zip(columns, titles, strict=True):
        canvas.setFont(BOLD, title_size)
        y = sheet.y + height - title_size - 1.5
        for line in lines:
            if column.right:
                canvas.drawRightString(x + column.width - 4, y, line)
            else:
                canvas.drawString(x, y, line)
            y -= leading
        x += column.width
    return height


def table(
    sheet: Sheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    size: float = 7,
    row_height: float = 10,
) -> None:
    """The header repeated on every page; cells cut to their column unless it wraps."""
    if any(c.wrap for c in columns):
        _wrapped(sheet, columns, rows, size, row_height)
        return
    canvas = sheet.canvas

    def start() -> Any:
        header(sheet, columns, size, row_height)
        t = canvas.beginText()
        t.setFont(FONT, size)
        return t

    widths: dict[str, float] = {}  # right-aligned cells repeat (quantities, boxes)
    sheet.need(3 * row_height)
    text = start()
    for row in rows:
        if sheet.y - row_height < sheet.bottom:
            canvas.drawText(text)
            sheet.new_page()
            text = start()
        sheet.y -= row_height
        x = sheet.left + 2
        for column, value in zip(columns, row, strict=False):
            cell = fit(value, column.width - 4, FONT, size)
            if column.right and cell:
                width = widths.get(cell)
                if width is None:
                    width = widths[cell] = pdfmetrics.stringWidth(cell, FONT, size)
                text.setTextOrigin(x + column.width - 4 - width, sheet.y + 2.5)
            else:
                text.setTextOrigin(x, sheet.y + 2.5)
            text.textOut(cell)
            x += column.width
    canvas.drawText(text)
    _rule(sheet, columns)


def _wrapped(
    sheet: Sheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    size: float,
    row_height: float,
) -> None:
    canvas = sheet.canvas
    leading = size * 1.2
    sheet.need(3 * row_height)
    header(sheet, columns, size, row_height)
    for row in rows:
        cells = [
            (simpleSplit(value, FONT, size, column.width - 4) or [""])
            if column.wrap
            else [fit(value, column.width - 4, FONT, size)]
            for column, value in zip(columns, row, strict=False)
        ]
        height = max(row_height, max(len(c) for c in cells) * leading + 2.5)
        if sheet.y - height < sheet.bottom:
            sheet.new_page()
            header(sheet, columns, size, row_height)
        top = sheet.y
        sheet.y -= height
        # One text object, line by line across the row: text extraction then reads each
        # printed line of the row in order ("name  role  credit"), as the eye does.
        text = canvas.beginText()
        text.setFont(FONT, size)
        for k in range(max(len(c) for c in cells)):
            x = sheet.left + 2
            y = top - size - 1.5 - k * leading
            for column, lines in zip(columns, cells, strict=False):
                if k < len(lines) and lines[k]:
                    shift = column.width - 4 - pdfmetrics.stringWidth(lines[k], FONT, size)
                    text.setTextOrigin(x + (shift if column.right else 0), y)
                    text.textOut(lines[k])
                x += column.width
        canvas.drawText(text)
        canvas.setLineWidth(0.2)
        canvas.line(sheet.left, sheet.y, sheet.left + sum(c.width for c in columns), sheet.y)
    _rule(sheet, columns)


def _rule(sheet: Sheet, columns: Sequence[Column]) -> None:
    sheet.canvas.setLineWidth(0.3)
    sheet.canvas.line(sheet.left, sheet.y, sheet.left + sum(c.width for c in columns), sheet.y)


def grid(
    sheet: Sheet,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    size: float = 8,
    row_height: float = 22,
) -> None:
    """A boxed grid with tall rows for handwriting (signatures)."""
    total = sum(c.width for c in columns)
    sheet.need(row_height * (len(rows) + 1) + 16)
    canvas = sheet.canvas
    canvas.setLineWidth(0.5)
    top = sheet.y
    head = header(sheet, columns, size, 12)
    canvas.setFont(FONT, size)
    for row in rows:
        sheet.y -= row_height
        x = sheet.left + 2
        for column, value in zip(columns, row, strict=False):
            canvas.drawString(
                x, sheet.y + row_height - size - 2, fit(value, column.width - 4, FONT, size)
            )
            x += column.width
    left = sheet.left
    canvas.rect(left, sheet.y, total, top - sheet.y, stroke=1, fill=0)
    x = left
    for column in columns[:-1]:
        x += column.width
        canvas.line(x, sheet.y, x, top)
    for i in range(len(rows)):
        y = top - head - i * row_height
        canvas.line(left, y, left + total, y)
