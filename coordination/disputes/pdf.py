"""The dispute report as a PDF: what the public page shows (sources, custody chain with roles,
outcome), plus the ledger entry of the dispute's latest step printed in full and proven by a
QR code holding a C2SP tlog-proof, so a printed copy can be checked offline years later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from coordination.disputes.models import Dispute
from coordination.disputes.report import Report
from coordination.documents.data import Proof
from coordination.documents.document import document_sheet
from coordination.documents.fonts import MARGIN, esc
from coordination.documents.labels import day, role_label
from coordination.documents.manifest import print_entry
from coordination.documents.pdfkit import Column

QR = 120


def render_dispute(
    dispute: Dispute,
    report: Report,
    statuses: dict[str, str],
    proof: Proof | None,
    printed_at: datetime,
) -> bytes:
    title = _("Dispute %(id)s", id=dispute.public_id)

    sheet = document_sheet(title, printed_at, title)
    top = sheet.y
    if proof is not None:
        sheet.qr(proof.tlog_proof, sheet.size[0] - MARGIN - QR, top, QR)
    width = sheet.width - QR - 10
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
    if proof is not None:
        sheet.y = min(sheet.y, top - QR - 6)
        sheet.line(proof.verify_url, size=7)
    sheet.gap(6)
    rows = [
        [line["item"], str(line["quantity"]), "; ".join(_source(s) for s in line["sources"])]
        for line in report.lines
    ]
    sheet.table(
        [
            Column(_("Item code"), 100),
            Column(_("Quantity"), 60, right=True),
            Column(_("True source"), 379),
        ],
        rows,
    )
    if report.chain:
        sheet.gap(8)
        sheet.line(_("Custody chain"), size=9, bold=True)
        chain = [
            [
                step["day"],
                f"{step['from']} ({role_label(step['from_role'])})",
                f"{step['to']} ({role_label(step['to_role'])})",
                _("challenged") if step["challenged"] else "",
            ]
            for step in report.chain
        ]
        sheet.table(
            [Column(_("Date"), 70), Column(_("From"), 190), Column(_("To"), 190), Column("", 89)],
            chain,
        )
    if proof is not None:
        print_entry(sheet, proof)
    return sheet.finish()


def _source(source: dict[str, Any]) -> str:
    if source["money"]:
        amount = f"{source['money']} {source['currency'] or ''}".strip()
        return f"{source['label']} ({_('paid %(amount)s', amount=amount)})"
    return f"{source['label']} ({source['quantity']})"
