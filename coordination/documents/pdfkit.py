"""PDF building blocks: a page cursor that breaks pages, tables (tables.py) and QR codes
(fonts, escaping and page numbers: fonts.py).

Long tables are drawn row by row on the canvas (one text object per page) rather than as
one platypus Table, whose layout of 10,000 rows costs seconds and grows faster than linearly.
User text reaches ReportLab markup (Paragraph) only through esc(); canvas strings are literal.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Paragraph

from coordination.documents import tables
from coordination.documents.fonts import (
    BOLD,
    FONT,
    MARGIN,
    MONO,
    NumberedCanvas,
    esc,
    register_fonts,
    style,
)
from coordination.documents.qr import draw_qr


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    right: bool = False
    wrap: bool = False  # the cell wraps over lines instead of being cut with an ellipsis


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
        self.left = MARGIN
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
        tables.table(self, columns, rows, size, row_height)

    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        size: float = 8,
        row_height: float = 22,
    ) -> None:
        tables.grid(self, columns, rows, size, row_height)

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
