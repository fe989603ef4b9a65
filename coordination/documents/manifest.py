"""The delivery manifest (PDF): what left, from whom, to whom, proven by the ledger.

The QR code holds a c2sp.org/tlog-proof@v1 for the delivery's "dispatched" ledger entry,
with the /verify/<code> address as its extra data. The entry itself is printed in small
monospaced type between ENTRY_BEGIN and ENTRY_END, cut into lines that join with "" back
into the canonical JSON, so a reader can check paper alone: proofcheck.py does that.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from flask_babel import pgettext

from coordination.documents.data import DeliveryDoc, PartyBlock, Proof
from coordination.documents.document import document_sheet
from coordination.documents.fonts import MARGIN
from coordination.documents.labels import day, kilograms, number, status_label, unit_label
from coordination.documents.pdfkit import Column, Sheet, chunk_text
from coordination.documents.proofcheck import ENTRY_BEGIN, ENTRY_END

# Longer entries (deliveries of hundreds of lines) would fill pages: the leaf hash is
# printed instead, and the entry is read from /ledger/entries.
MAX_PRINTED_ENTRY = 12_000
ENTRY_WIDTH = 140  # characters per printed line of the entry (6 pt mono fits portrait A4)
QR_SIDE = 170.0
# Stages of custody, each signed by the person who did it.
STAGES = ("loaded", "transported", "handed over", "received")


def stage_labels() -> list[str]:
    return [_("Loaded"), _("Transported"), _("Handed over"), _("Received")]


def line_columns() -> list[Column]:
    return [
        Column(_("Item code"), 70),
        Column(_("Description"), 165),
        Column(_("Size"), 40),
        Column(pgettext("unit of measure", "Unit"), 40),
        Column(_("Sent"), 45, right=True),
        Column(_("Received"), 50, right=True),
        Column(_("Box"), 35, right=True),
        Column(_("Weight, g"), 50, right=True),
        Column(_("Source"), 291),
    ]


def line_rows(doc: DeliveryDoc) -> list[list[str]]:
    units: dict[str, str] = {}
    rows = []
    for line in doc.lines:
        unit = units.get(line.unit)
        if unit is None:
            unit = units[line.unit] = unit_label(line.unit)
        rows.append(
            [
                line.code,
                line.description,
                line.size,
                unit,
                str(line.sent),
                number(line.received),
                number(line.box),
                number(line.weight_grams),
                line.source,
            ]
        )
    return rows


def header_pairs(doc: DeliveryDoc) -> list[tuple[str, str]]:
    return [
        (_("Manifest number"), doc.number),
        (_("Verification code"), doc.code or "\u2014"),
        (_("Status"), status_label(doc.status)),
        (_("Sent"), day(doc.sent)),
        (_("Expected"), day(doc.expected)),
        (_("Received"), day(doc.received)),
        (_("Carrier"), doc.carrier),
        (_("Vehicle"), doc.vehicle),
        (_("Driver"), doc.driver),
        (_("Linked needs"), ", ".join(doc.needs)),
    ]


def party_pairs(title: str, block: PartyBlock) -> list[tuple[str, str]]:
    pairs = [(title, block.name), (_("Place"), block.place)]
    if block.contact:
        pairs.append((_("Contact"), block.contact))
    if block.address:
        pairs.append((_("Address"), block.address))
    return pairs


def totals_text(doc: DeliveryDoc) -> str:
    received = doc.total_received
    return _(
        "Totals: %(lines)s lines, sent %(sent)s, received %(received)s, weight %(kg)s kg, "
        "packages %(n)s/%(total)s",
        lines=len(doc.lines),
        sent=doc.total_sent,
        received="\u2014" if received is None else received,
        kg=kilograms(doc.total_weight),
        n=doc.boxes,
        total="\u2014" if doc.packages is None else doc.packages,
    )


def signature_rows() -> list[list[str]]:
    return [[label, "", "", "", "", "", ""] for label in stage_labels()]


def signature_columns() -> list[Column]:
    return [
        Column(_("Stage"), 100),
        Column(_("Date"), 80),
        Column(_("Function"), 120),
        Column(pgettext("a person's", "Name"), 150),
        Column(_("Signature"), 110),
        Column(_("Place"), 110),
        Column(_("Condition"), 116),
    ]


def render_manifest(doc: DeliveryDoc) -> bytes:
    title = _("Delivery manifest %(number)s", number=doc.number)

    sheet = document_sheet(title, doc.printed_at, doc.number, wide=True)
    top = sheet.y
    if doc.proof is not None:
        x = sheet.size[0] - MARGIN - QR_SIDE
        sheet.qr(doc.proof.tlog_proof, x, top, QR_SIDE)
        sheet.canvas.setFont("AidSans", 7)
        sheet.canvas.drawString(x + 6, top - QR_SIDE - 4, doc.proof.verify_url)
    value_width = sheet.width - QR_SIDE - 20
    sheet.pairs(header_pairs(doc), label_width=130, value_width=value_width - 130)
    sheet.gap(6)
    sheet.pairs(party_pairs(_("Consignor"), doc.consignor), 130, value_width - 130)
    sheet.gap(4)
    sheet.pairs(party_pairs(_("Consignee"), doc.consignee), 130, value_width - 130)
    sheet.y = min(sheet.y, top - QR_SIDE - 14)
    sheet.gap(6)
    sheet.table(line_columns(), line_rows(doc))
    sheet.gap(4)
    sheet.line(totals_text(doc), size=9, bold=True)
    if doc.comments:
        sheet.gap(4)
        sheet.pairs([(_("Comments"), doc.comments)], 130)
    sheet.gap(8)
    sheet.grid(signature_columns(), signature_rows())
    if doc.proof is not None:
        print_entry(sheet, doc.proof)
    return sheet.finish()


def print_entry(sheet: Sheet, proof: Proof) -> None:
    sheet.gap(10)
    sheet.line(
        _(
            "Ledger entry %(index)s, proven by the QR code (c2sp.org/tlog-proof@v1):",
            index=proof.index,
        ),
        size=8,
        bold=True,
    )
    body = proof.entry_body
    try:
        lines = chunk_text(body, ENTRY_WIDTH) if len(body) <= MAX_PRINTED_ENTRY else None
    except ValueError:
        lines = None
    if lines is None:
        leaf = hashlib.sha256(b"\x00" + body.encode("utf-8")).hexdigest()
        sheet.line(
            _("The entry cannot be printed here; its leaf hash is %(hash)s.", hash=leaf), size=7
        )
        return
    sheet.mono([f"{ENTRY_BEGIN} {proof.index}"])
    sheet.mono(lines)
    sheet.mono([ENTRY_END])
