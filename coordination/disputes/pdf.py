"""The dispute report as a PDF: what the public page shows (sources, custody chain with roles,
outcome), plus the ledger entry of the dispute's latest step, proven by a code holding a
C2SP tlog-proof beside a code with the page's address, so a printed copy can be checked
offline years later. Names and roles wrap rather than being cut: "(presenter)" is the word
a dispute is usually about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from coordination.disputes.models import Dispute
from coordination.disputes.report import Report
from coordination.documents.codes import codes_width, draw_codes
from coordination.documents.data import Proof
from coordination.documents.document import document_sheet
from coordination.documents.entry import print_entry_appendix, print_entry_table
from coordination.documents.fonts import esc
from coordination.documents.labels import day, role_label
from coordination.documents.pdfkit import Column

URL_SIDE = 80.0
PROOF_SIDE = 130.0


def render_dispute(
    dispute: Dispute,
    report: Report,
    statuses: dict[str, str],
    proof: Proof | None,
    printed_at: datetime,
) -> bytes:
    title = _("Dispute %(id)s", id=dispute.public_id)

    sheet = document_sheet(title, printed_at, title)
    top = bottom = sheet.y
    if proof is not None:
        bottom = draw_codes(sheet, proof, top, URL_SIDE, PROOF_SIDE)
    width = sheet.width - codes_width(URL_SIDE, PROOF_SIDE) - 10
    about = (
        _("a handover recorded here")
        if dispute.claim_kind.value == "handover"
        else _("a claim made elsewhere")
    )
    sheet.pairs(
        [
            (_("Opened"), day(dispute.created_at)),
            (_("Opened by"), dispute.group.public_label if dispute.group else _("an auditor")),
            (_("About"), about),
            (_("Outcome"), statuses[dispute.status.value]),
            (_("Resolved"), day(dispute.resolved_at)),
            (
                _("Delivery"),
                dispute.delivery.code if dispute.delivery and dispute.delivery.code else "\u2014",
            ),
        ],
        120,
        width - 120,
    )
    sheet.para(
        esc(
            _(
                "Credit is computed from the ledger, never typed in. A presenter hands "
                "goods over in public and gets no origin credit."
            )
        ),
        width=width,
    )
    sheet.y = min(sheet.y, bottom)
    sheet.gap(6)
    rows = [
        [line["item"], str(line["quantity"]), "; ".join(_source(s) for s in line["sources"])]
        for line in report.lines
    ]
    sheet.table(
        [
            Column(_("Item code"), 100),
            Column(_("Quantity"), 60, right=True),
            Column(_("True source"), 379, wrap=True),
        ],
        rows,
    )
    if report.chain:
        sheet.gap(8)
        sheet.line(_("Custody chain"), size=9, bold=True)
        chain = [
            [
                step["day"],
                step["from"],
                role_label(step["from_role"]),
                step["to"],
                role_label(step["to_role"]),
                _("challenged") if step["challenged"] else "",
            ]
            for step in report.chain
        ]
        sheet.table(
            [
                Column(_("Date"), 62),
                Column(_("From"), 145, wrap=True),
                Column(_("Role"), 62, wrap=True),
                Column(_("To"), 145, wrap=True),
                Column(_("Role"), 62, wrap=True),
                Column(_("Status"), 63, wrap=True),
            ],
            chain,
        )
    if proof is not None:
        print_entry_table(sheet, proof)
        print_entry_appendix(sheet, proof)
    return sheet.finish()


def _source(source: dict[str, Any]) -> str:
    if source["money"]:
        amount = f"{source['money']} {source['currency'] or ''}".strip()
        return f"{source['label']} ({_('paid %(amount)s', amount=amount)})"
    return f"{source['label']} ({source['quantity']})"
