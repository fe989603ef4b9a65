"""Type for AidTrail's PDFs: embedded Cyrillic fonts, markup escaping, fitting text into a
cell, and a canvas that prints "page X of Y" on every page once the document is complete.

User text reaches ReportLab markup (Paragraph) only through esc(); canvas strings are literal.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT, BOLD, MONO = "AidSans", "AidSans-Bold", "AidMono"
_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
MARGIN = 28.0
ELLIPSIS = "\u2026"


def register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
    # <b> inside a Paragraph in FONT switches to BOLD.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def esc(text: object) -> str:
    """Text safe inside ReportLab Paragraph markup: tags, entities and quotes print literally."""
    return html.escape("" if text is None else str(text), quote=True)


def style(size: float = 9, bold: bool = False, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(
        "aid", fontName=BOLD if bold else FONT, fontSize=size, leading=leading or size * 1.25
    )


def fit(text: str, width: float, font: str, size: float) -> str:
    """`text` cut with an ellipsis so it fits `width` points (a table cell is one line)."""
    if not text:
        return ""
    # DejaVu's widest glyphs are about 1.0 em: short strings skip the exact measurement.
    if len(text) * size <= width:
        return text
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + ELLIPSIS, font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + ELLIPSIS


class NumberedCanvas(Canvas):
    """Keeps each finished page until save(), then stamps "page X of Y" on every one."""

    page_label = "%(page)s / %(pages)s"
    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._stamp(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _stamp(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        self.setFont(FONT, 7)
        self.drawString(MARGIN, MARGIN / 2, self.footer_left)
        label = self.page_label % {"page": number, "pages": total}
        self.drawRightString(width - MARGIN, MARGIN / 2, label)
