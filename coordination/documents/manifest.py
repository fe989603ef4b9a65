"""The delivery manifest (PDF): what left, from whom, to whom, proven by the ledger.

Two codes (codes.py): the /verify/<code> address for a phone, and a c2sp.org/tlog-proof@v1
for the delivery's "dispatched" ledger entry. The entry's fields are printed as a short
table, and the entry verbatim on an appendix page (entry.py), so a reader can check paper
alone: proofcheck.py does that.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from coordination.documents.codes import codes_width, draw_codes
from coordination.documents.data import DeliveryDoc, PartyBlock
from coordination.documents.document import document_sheet
from coordination.documents.entry import print_entry_appendix, print_entry_table
from coordination.documents.labels import day, kilograms, number, status_label, unit_label
from coordination.documents.pdfkit import Column

URL_SIDE = 100.0  # the address: version 3-4, modules of about 1.1 mm
PROOF_SIDE = 160.0  # the proof: version 16-22 at this log's sizes, modules of 0.6-0.8 mm
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
    top = bottom = sheet.y
    if doc.proof is not None:
        bottom = draw_codes(sheet, doc.proof, top, URL_SIDE, PROOF_SIDE)
    value_width = sheet.width - codes_width(URL_SIDE, PROOF_SIDE) - 20
    sheet.pairs(header_pairs(doc), label_width=130, value_width=value_width - 130)
    sheet.gap(6)
    sheet.pairs(party_pairs(_("Consignor"), doc.consignor), 130, value_width - 130)
    sheet.gap(4)
    sheet.pairs(party_pairs(_("Consignee"), doc.consignee), 130, value_width - 130)
    sheet.y = min(sheet.y, bottom)
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
        print_entry_table(sheet, doc.proof)
        print_entry_appendix(sheet, doc.proof)
    return sheet.finish()
