"""The attribution certificate of a delivery: who made or paid for each line, from the record.

Credits come from coordination/attribution/services.py (exact fractions, rounded here to
whole pieces by largest remainder so each line's shares add up to the line). The custody
chain is listed with each party's origin credit: a carrier or a presenter gets zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coordination.attribution.credit import Credit, CreditKind, apportion
from coordination.attribution.labels import credit_label, credit_role
from coordination.attribution.services import delivery_attribution, recipient_region
from coordination.deliveries.models import Delivery
from coordination.documents.codes import codes_width, draw_codes
from coordination.documents.data import Proof, manifest_number
from coordination.documents.document import document_sheet
from coordination.documents.entry import print_entry_appendix, print_entry_table
from coordination.documents.fonts import esc
from coordination.documents.labels import day, role_label
from coordination.documents.pdfkit import Column
from coordination.money.amounts import format_amount

URL_SIDE = 80.0
PROOF_SIDE = 130.0


@dataclass
class CertificateDoc:
    number: str
    code: str | None
    recipient: str  # coarse: "a unit, Belgorod region"
    sent: datetime | None
    printed_at: datetime
    rows: list[list[str]] = field(default_factory=list)  # code, item, qty, source, role, share
    totals: list[list[str]] = field(default_factory=list)  # source, role, pieces, money
    custody: list[list[str]] = field(default_factory=list)  # party, roles, credit
    proof: Proof | None = None


def _money(amount: Fraction, currency: str | None) -> str:
    if not amount or currency is None:
        return ""
    return format_amount(round(amount), currency)


def _coarse(label: str) -> str:
    """Parties without a public id print as their kind: a unit, a household, a donor."""
    return {"unit": _("a unit"), "household": _("a household")}.get(label) or (
        credit_label(Credit(None, label, CreditKind.DONOR, "", None, Fraction(0)))
    )


def certificate_doc(
    session: Session,
    delivery: Delivery,
    locale: str,
    printed_at: datetime,
    proof: Proof | None = None,
) -> CertificateDoc:
    report = delivery_attribution(session, delivery)
    region = recipient_region(delivery)
    kind = delivery.to_party.kind.value if delivery.to_party else "hub"
    who = {"unit": _("a unit"), "household": _("a household")}.get(kind, _("a hub or group"))
    doc = CertificateDoc(
        number=manifest_number(delivery),
        code=delivery.code,
        recipient=f"{who}, {region.name(locale)}" if region else who,
        sent=delivery.dispatched_at,
        printed_at=printed_at,
        proof=proof,
    )
    totals: dict[tuple[str, str, str | None], list[Fraction]] = {}
    for line in report.lines:
        item = line.line.lot.item
        credits = line.credits
        shares = apportion(line.quantity, [c.quantity for c in credits])
        for credit, share in zip(credits, shares, strict=True):
            label, role = credit_label(credit), credit_role(credit)
            doc.rows.append(
                [
                    item.code,
                    item.name(locale),
                    str(line.quantity),
                    label,
                    role,
                    str(share),
                    _money(credit.money_minor, credit.currency),
                ]
            )
            total = totals.setdefault((label, role, credit.currency), [Fraction(0), Fraction(0)])
            total[0] += share
            total[1] += credit.money_minor
    doc.totals = [
        [label, role, str(int(q)), _money(m, cur)] for (label, role, cur), (q, m) in totals.items()
    ]
    doc.custody = [
        [
            p.label if p.party else _coarse(p.label),
            ", ".join(role_label(r) for r in p.roles),
            str(round(p.credit)),
        ]
        for p in report.custody
    ]
    return doc


def render_certificate(doc: CertificateDoc) -> bytes:
    title = _("Attribution certificate for delivery %(number)s", number=doc.number)

    sheet = document_sheet(title, doc.printed_at, doc.number)
    top = bottom = sheet.y
    if doc.proof is not None:
        bottom = draw_codes(sheet, doc.proof, top, URL_SIDE, PROOF_SIDE)
    width = sheet.width - codes_width(URL_SIDE, PROOF_SIDE) - 10
    sheet.pairs(
        [
            (_("Verification code"), doc.code or "\u2014"),
            (_("Sent"), day(doc.sent)),
            (_("Recipient"), doc.recipient),
        ],
        120,
        width - 120,
    )
    sheet.para(
        esc(
            _(
                "Credit is computed from the ledger, never typed in: goods are walked "
                "back to the group that made them, the donor who gave them, or the "
                "donations that paid for them."
            )
        ),
        width=width,
    )
    sheet.y = min(sheet.y, bottom)
    sheet.gap(6)
    sheet.table(
        [
            Column(_("Item code"), 60),
            Column(_("Description"), 110, wrap=True),
            Column(_("Quantity"), 45, right=True),
            Column(_("Source"), 140, wrap=True),
            Column(_("Role"), 60, wrap=True),
            Column(_("Share"), 40, right=True),
            Column(_("Money"), 84, right=True),
        ],
        doc.rows,
    )
    sheet.gap(8)
    sheet.line(_("Totals by source"), size=9, bold=True)
    sheet.table(
        [
            Column(_("Source"), 240, wrap=True),
            Column(_("Role"), 100, wrap=True),
            Column(_("Pieces"), 80, right=True),
            Column(_("Money"), 119, right=True),
        ],
        doc.totals,
    )
    if doc.custody:
        sheet.gap(8)
        sheet.line(_("Custody chain (origin credit)"), size=9, bold=True)
        sheet.table(
            [
                Column(_("Party"), 240, wrap=True),
                Column(_("Roles"), 200, wrap=True),
                Column(_("Credit"), 99, right=True),
            ],
            doc.custody,
        )
    if doc.proof is not None:
        print_entry_table(sheet, doc.proof)
        print_entry_appendix(sheet, doc.proof)
    return sheet.finish()
