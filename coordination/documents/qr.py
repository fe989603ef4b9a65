"""QR codes drawn on a ReportLab canvas as vector rectangles: sharp at any print size."""

from __future__ import annotations

import segno
from reportlab.pdfgen.canvas import Canvas


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, side: float) -> None:
    """The QR code as vector rectangles (one per run of dark modules), quiet zone included."""
    # A fixed mask: segno's choice scores all eight masks in Python (~0.2 s for a proof's
    # 800 bytes, most of a 1,000-line manifest); any mask decodes, the tests scan it.
    code = segno.make(payload, error="m", micro=False, mask=0)
    matrix = code.matrix
    quiet = 4
    count = len(matrix) + 2 * quiet
    module = side / count
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(
                    x + (quiet + start) * module,
                    y + side - (quiet + r + 1) * module,
                    (c - start) * module,
                    module,
                )
            else:
                c += 1
    canvas.saveState()
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
