"""The two codes a proven document carries, side by side and labelled.

Left: the verify page's address, a small code a phone camera opens (version 3 or 4 at
error level M, modules of about 1 mm). Right: the c2sp.org/tlog-proof@v1 for the ledger
entry, for offline checking. The proof is 550-700 bytes for the demo's log and grows by
45 bytes for every doubling of the log (a million entries: about 1,100 bytes, plus about
100 per witness cosignature); as an address fragment it would grow by a third again, and
one code holding both would need modules under 0.4 mm on paper, too fine for a phone to
read. Two codes keep the address easy to scan and give the proof a code of its own.
"""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.lib.utils import simpleSplit

from coordination.documents.data import Proof
from coordination.documents.fonts import MARGIN
from coordination.documents.pdfkit import Sheet

GAP = 10.0


def codes_width(url_side: float, proof_side: float) -> float:
    return url_side + GAP + proof_side


def draw_codes(sheet: Sheet, proof: Proof, top: float, url_side: float, proof_side: float) -> float:
    """Draw both codes at the top right from `top`; returns the lowest y they use."""
    right = sheet.size[0] - MARGIN
    proof_x = right - proof_side
    url_x = proof_x - GAP - url_side
    sheet.qr(proof.verify_url, url_x, top, url_side)
    sheet.qr(proof.tlog_proof, proof_x, top, proof_side)
    site, slash, path = proof.verify_url.partition("/verify/")
    address = [site + "/", slash[1:] + path] if slash else [proof.verify_url]
    low = min(
        _caption(
            sheet, url_x, top - url_side, url_side, [_("Scan to open the verify page"), *address]
        ),
        _caption(
            sheet,
            proof_x,
            top - proof_side,
            proof_side,
            [_("Offline proof of the ledger entry"), "c2sp.org/tlog-proof@v1"],
        ),
    )
    return low - 6


def _caption(sheet: Sheet, x: float, y: float, width: float, texts: list[str]) -> float:
    """Centred lines under a code, wrapped to its width; returns the lowest y used."""
    for n, text in enumerate(texts):
        font, size = ("AidSans-Bold", 7.0) if n == 0 else ("AidSans", 6.5)
        sheet.canvas.setFont(font, size)
        for line in simpleSplit(text, font, size, width):
            y -= size + 1.5
            sheet.canvas.drawCentredString(x + width / 2, y, line)
    return y
