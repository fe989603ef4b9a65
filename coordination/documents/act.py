"""The handover act (акт приёма-передачи): what the recipient signs for, line by line.

Recipients in Russia sign an act listing the goods, their quantities and condition, with
both parties' signatures. It carries the same ledger proof as the manifest.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from coordination.documents.codes import codes_width, draw_codes
from coordination.documents.data import DeliveryDoc
from coordination.documents.document import document_sheet
from coordination.documents.entry import print_entry_appendix, print_entry_table
from coordination.documents.fonts import esc
from coordination.documents.labels import condition_label, day, number, role_label, unit_label
from coordination.documents.manifest import party_pairs
from coordination.documents.pdfkit import Column

URL_SIDE = 80.0
PROOF_SIDE = 130.0


def act_columns() -> list[Column]:
    return [
        Column(_("No."), 24, right=True),
        Column(_("Item code"), 60),
        Column(_("Description"), 115, wrap=True),
        Column(pgettext("unit of measure", "Unit"), 35),
        Column(_("Sent"), 40, right=True),
        Column(_("Received"), 45, right=True),
        Column(_("Condition"), 60, wrap=True),
        Column(_("Source"), 160, wrap=True),
    ]


def act_rows(doc: DeliveryDoc) -> list[list[str]]:
    return [
        [
            str(n),
            line.code,
            f"{line.description} {line.size}".strip(),
            unit_label(line.unit),
            str(line.sent),
            number(line.received),
            condition_label(line.condition),
            line.source,
        ]
        for n, line in enumerate(doc.lines, start=1)
    ]


def handover_columns() -> list[Column]:
    """Every custody role in a column of its own: a presenter must read as one."""
    return [
        Column(_("Date"), 62, wrap=True),
        Column(_("From"), 135, wrap=True),
        Column(_("Role"), 55, wrap=True),
        Column(_("To"), 135, wrap=True),
        Column(_("Role"), 55, wrap=True),
        Column(_("Place"), 97, wrap=True),
    ]


def handover_rows(doc: DeliveryDoc) -> list[list[str]]:
    return [
        [day(h.at), h.giver, role_label(h.giver_role), h.taker, role_label(h.taker_role), h.place]
        for h in doc.handovers
    ]


def render_act(doc: DeliveryDoc) -> bytes:
    title = _("Handover act No. %(number)s", number=doc.number)

    sheet = document_sheet(title, doc.printed_at, doc.number)
    top = bottom = sheet.y
    if doc.proof is not None:
        bottom = draw_codes(sheet, doc.proof, top, URL_SIDE, PROOF_SIDE)
    width = sheet.width - codes_width(URL_SIDE, PROOF_SIDE) - 10
    sheet.pairs(
        [
            (_("Verification code"), doc.code or "\u2014"),
            (_("Date"), day(doc.received or doc.sent)),
        ],
        120,
        width - 120,
    )
    sheet.pairs(party_pairs(_("Handed over by"), doc.consignor), 120, width - 120)
    sheet.pairs(party_pairs(_("Received by"), doc.consignee), 120, width - 120)
    sheet.y = min(sheet.y, bottom)
    sheet.gap(6)
    sheet.para(
        esc(
            _(
                "The handing-over party has handed over, and the receiving party has "
                "received, the following goods:"
            )
        )
    )
    sheet.table(act_columns(), act_rows(doc), size=7, row_height=11)
    received = doc.total_received
    sheet.line(
        _(
            "Total: sent %(sent)s, received %(received)s, lines %(lines)s",
            sent=doc.total_sent,
            lines=len(doc.lines),
            received="\u2014" if received is None else received,
        ),
        bold=True,
    )
    if doc.handovers:
        sheet.gap(6)
        sheet.line(_("Custody chain"), size=9, bold=True)
        sheet.table(handover_columns(), handover_rows(doc))
    sheet.gap(6)
    sheet.para(esc(_("Remarks on quantity and condition:")) + " " + "_" * 60)
    sheet.gap(10)
    sheet.grid(
        [
            Column(_("Party"), 110),
            Column(_("Function"), 100),
            Column(pgettext("a person's", "Name"), 130),
            Column(_("Signature"), 110),
            Column(_("Date"), 89),
        ],
        [[_("Handed over"), "", "", "", ""], [_("Received"), "", "", "", ""]],
        row_height=30,
    )
    if doc.proof is not None:
        print_entry_table(sheet, doc.proof)
        print_entry_appendix(sheet, doc.proof)
    return sheet.finish()
