"""PDF building blocks: a page cursor that breaks pages, fast table rows drawn straight on the
canvas, and QR codes (fonts, escaping and page numbers: fonts.py).

Long tables are drawn row by row on the canvas (one text object per page) rather than as
one platypus Table, whose layout of 10,000 rows costs seconds and grows faster than linearly.
User text reaches ReportLab markup (Paragraph) only through esc(); canvas strings are literal.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from coordination.documents.fonts import (
    BOLD,
    FONT,
    MARGIN,
    MONO,
    NumberedCanvas,
    esc,
    fit,
    register_fonts,
    style,
)
from coordination.documents.qr import draw_qr


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    right: bool = False


class Sheet:
    """A page cursor over a NumberedCanvas: y runs down from the top margin."""

    def __init__(
        self,
        *,
        title: str,
        page_label: str,
        footer_left: str,
        wide: bool = False,
        header: Callable[[Sheet], None] | None = None,
    ) -> None:
        register_fonts()
        self.buffer = io.BytesIO()
        self.size = landscape(A4) if wide else A4
        self.canvas = NumberedCanvas(self.buffer, pagesize=self.size, invariant=1)
        self.canvas.page_label = page_label
        self.canvas.footer_left = footer_left
        self.canvas.setTitle(title)
        self.width = self.size[0] - 2 * MARGIN
        self.top = self.size[1] - MARGIN
        self.bottom = MARGIN + 10
        self.header = header
        self.y = self.top
        if header:
            header(self)

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = self.top
        if self.header:
            self.header(self)

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def gap(self, height: float) -> None:
        self.y -= height

    def line(self, text: str, size: float = 9, bold: bool = False, x: float = MARGIN) -> None:
        self.need(size * 1.4)
        self.y -= size * 1.2
        self.canvas.setFont(BOLD if bold else FONT, size)
        self.canvas.drawString(x, self.y, text)
        self.y -= size * 0.2

    def para(
        self,
        markup: str,
        size: float = 9,
        bold: bool = False,
        width: float | None = None,
        x: float = MARGIN,
    ) -> float:
        """Draw Paragraph markup (user parts through esc()); returns the height used."""
        p = Paragraph(markup, style(size, bold))
        _w, h = p.wrap(width or self.width, self.size[1])
        self.need(h + 2)
        p.drawOn(self.canvas, x, self.y - h)
        self.y -= h + 2
        return float(h)

    def pairs(
        self,
        rows: Sequence[tuple[str, str]],
        label_width: float = 150,
        value_width: float | None = None,
        size: float = 9,
    ) -> None:
        """Label: value rows; values are user text, escaped here."""
        for label, value in rows:
            p = Paragraph(esc(value) or "\u2014", style(size))
            _w, h = p.wrap(value_width or self.width - label_width, self.size[1])
            self.need(h + 2)
            self.canvas.setFont(BOLD, size)
            self.canvas.drawString(MARGIN, self.y - size, label)
            p.drawOn(self.canvas, MARGIN + label_width, self.y - h)
            self.y -= h + 2

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[str]],
        size: float = 7,
        row_height: float = 10,
    ) -> None:
        """One line per row, cells cut to their column, the header repeated on every page."""
        canvas = self.canvas

        def start() -> Any:
            self._table_header(columns, size, row_height)
            t = canvas.beginText()
            t.setFont(FONT, size)
            return t

        def finish(t: Any) -> None:
            canvas.drawText(t)

        widths: dict[str, float] = {}  # right-aligned cells repeat (quantities, boxes)
        if self.y - 2 * row_height < self.bottom:
            self.new_page()
        text = start()
        for row in rows:
            if self.y - row_height < self.bottom:
                finish(text)
                self.new_page()
                text = start()
            self.y -= row_height
            x = MARGIN + 2
            for column, value in zip(columns, row, strict=False):
                cell = fit(value, column.width - 4, FONT, size)
                if column.right and cell:
                    width = widths.get(cell)
                    if width is None:
                        width = widths[cell] = pdfmetrics.stringWidth(cell, FONT, size)
                    text.setTextOrigin(x + column.width - 4 - width, self.y + 2.5)
                else:
                    text.setTextOrigin(x, self.y + 2.5)
                text.textOut(cell)
                x += column.width
        finish(text)
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, self.y, MARGIN + sum(c.width for c in columns), self.y)

    def _table_header(self, columns: Sequence[Column], size: float, row_height: float) -> None:
        canvas = self.canvas
        self.y -= row_height
        canvas.setFillGray(0.9)
        canvas.rect(MARGIN, self.y, sum(c.width for c in columns), row_height, stroke=0, fill=1)
        canvas.setFillGray(0)
        canvas.setFont(BOLD, size)
        x = MARGIN + 2
        for column in columns:
            title = fit(column.title, column.width - 4, BOLD, size)
            if column.right:
                canvas.drawRightString(x + column.width - 4, self.y + 2.5, title)
            else:
                canvas.drawString(x, self.y + 2.5, title)
            x += column.width

    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        size: float = 8,
        row_height: float = 22,
    ) -> None:
        """A boxed grid with tall rows for handwriting (signatures)."""
        total = sum(c.width for c in columns)
        self.need(row_height * (len(rows) + 1) + 4)
        canvas = self.canvas
        canvas.setLineWidth(0.5)
        self._table_header(columns, size, 12)
        top = self.y + 12
        canvas.setFont(FONT, size)
        for row in rows:
            self.y -= row_height
            x = MARGIN + 2
            for column, value in zip(columns, row, strict=False):
                canvas.drawString(
                    x, self.y + row_height - size - 2, fit(value, column.width - 4, FONT, size)
                )
                x += column.width
        canvas.rect(MARGIN, self.y, total, top - self.y, stroke=1, fill=0)
        x = MARGIN
        for column in columns[:-1]:
            x += column.width
            canvas.line(x, self.y, x, top)
        for i in range(1, len(rows) + 1):
            y = top - 12 - (i - 1) * row_height
            canvas.line(MARGIN, y, MARGIN + total, y)

    def mono(self, lines: Sequence[str], size: float = 6) -> None:
        for chunk in lines:
            self.need(size * 1.3)
            self.y -= size * 1.2
            self.canvas.setFont(MONO, size)
            self.canvas.drawString(MARGIN, self.y, chunk)

    def qr(self, payload: str, x: float, top: float, side: float) -> None:
        draw_qr(self.canvas, payload, x, top - side, side)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def chunk_text(text: str, width: int) -> list[str]:
    """Cut text into lines of at most `width` characters that neither start nor end with a
    space (text extraction drops those), so the lines joined with "" give the text back.

    Each cut is sought between width/2 and width; ValueError if a stretch has none (only
    strings like "a b c d" of single letters and spaces): print a hash instead.
    """
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        cut = next(
            (
                c
                for c in range(width, max(width // 2, 1) - 1, -1)
                if rest[c - 1] != " " and rest[c] != " "
            ),
            None,
        )
        if cut is None:
            raise ValueError("no safe place to cut the text")
        lines.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        lines.append(rest)
    if lines and (lines[0].startswith(" ") or lines[-1].endswith(" ")):
        raise ValueError("the text starts or ends with a space")
    return lines
