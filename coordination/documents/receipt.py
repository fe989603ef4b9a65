"""A donation receipt for the donor: what it gave (money or goods) and where it went.

"Where it went" is the attribution walk over the deliveries that left (region, month and
item, never which unit or household), so a donor can see its gift reached the front.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.attribution.labels import party_label
from coordination.attribution.services import donation_attribution
from coordination.documents.document import document_sheet
from coordination.documents.fonts import esc
from coordination.documents.labels import day
from coordination.documents.pdfkit import Column
from coordination.donations.access import can_see_donation
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.money.amounts import format_amount
from coordination.parties.models import Party, Region

KINDS = ("money", "in-kind")


@dataclass
class ReceiptDoc:
    kind: str  # money or in-kind
    number: str  # the donation's public id
    receipt_code: str | None
    received_on: date
    donor: str
    public_as: str
    amount: str = ""
    goods: list[list[str]] = field(default_factory=list)  # code, item, size, quantity
    went: list[list[str]] = field(default_factory=list)  # region, month, item, qty, money
    printed_at: datetime | None = None


def visible_gift(
    session: Session, actor: User, kind: str, ident: int
) -> MoneyDonation | InKindDonation:
    """Staff only: money as the money pages allow; goods received in a coordinator's region."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN) or kind not in KINDS:
        raise NotFound(N_("Not found."))
    if kind == "money":
        money = get_or_404(session, MoneyDonation, ident)
        if not can_see_donation(actor, money):
            raise NotFound(N_("Not found."))
        return money
    goods = get_or_404(session, InKindDonation, ident)
    if actor.role != Role.ADMIN and goods.location.region_id != actor.region_id:
        raise NotFound(N_("Not found."))
    return goods


def _donor_name(party: Party | None) -> str:
    if party is None:
        return _("anonymous donor")
    return party.private_name or party.display_name


def _region(session: Session, code: str | None, locale: str) -> str:
    if code is None:
        return "\u2014"
    region = session.query(Region).filter_by(code=code).one_or_none()
    return region.name(locale) if region else code


def receipt_doc(
    session: Session, gift: MoneyDonation | InKindDonation, locale: str, printed_at: datetime
) -> ReceiptDoc:
    donor = gift.donor if isinstance(gift, InKindDonation) else (gift.donor or gift.campaign)
    doc = ReceiptDoc(
        kind="money" if isinstance(gift, MoneyDonation) else "in-kind",
        number=gift.public_id,
        receipt_code=gift.receipt_code,
        received_on=gift.received_on,
        donor=_donor_name(donor),
        public_as=party_label(donor),
        printed_at=printed_at,
    )
    if isinstance(gift, MoneyDonation):
        doc.amount = format_amount(gift.amount_minor, gift.currency)
    else:
        doc.goods = [
            [ln.item.code, ln.item.name(locale), ln.size or "", str(ln.quantity)]
            for ln in gift.lines
        ]
    for place in donation_attribution(session, gift):
        money = ""
        if place.money_minor and place.currency:
            money = format_amount(round(place.money_minor), place.currency)
        doc.went.append(
            [
                _region(session, place.region, locale),
                place.month or "\u2014",
                place.item,
                str(round(place.quantity)),
                money,
            ]
        )
    return doc


def render_receipt(doc: ReceiptDoc) -> bytes:
    title = _("Donation receipt %(number)s", number=doc.number)

    sheet = document_sheet(title, doc.printed_at, doc.number)
    kind = _("money") if doc.kind == "money" else _("goods (in kind)")
    sheet.pairs(
        [
            (_("Receipt code"), doc.receipt_code or "\u2014"),
            (_("Donation"), kind),
            (_("Received on"), day(doc.received_on)),
            (_("Donor"), doc.donor),
            (_("Named publicly as"), doc.public_as),
        ]
        + ([(_("Amount"), doc.amount)] if doc.amount else []),
        140,
    )
    if doc.goods:
        sheet.gap(6)
        sheet.line(_("Goods received"), size=9, bold=True)
        sheet.table(
            [
                Column(_("Item code"), 80),
                Column(_("Description"), 260),
                Column(_("Size"), 80),
                Column(_("Quantity"), 119, right=True),
            ],
            doc.goods,
        )
    sheet.gap(8)
    sheet.line(_("Where it went"), size=9, bold=True)
    if doc.went:
        sheet.table(
            [
                Column(_("Region"), 160),
                Column(_("Month"), 70),
                Column(_("Item code"), 110),
                Column(_("Quantity"), 80, right=True),
                Column(_("Money"), 119, right=True),
            ],
            doc.went,
        )
    else:
        sheet.para(esc(_("Nothing from this donation has been delivered yet.")))
    sheet.gap(8)
    sheet.para(
        esc(
            _(
                "Thank you. Recipients are named only by region and month, to keep "
                "families and units safe."
            )
        )
    )
    return sheet.finish()
