"""Purchases: goods bought with money from one or more received donations.

Rules, checked with the donation rows locked (balance.py):
- every funding donation is received, in the purchase's currency, and holds at least the
  amount taken from it (amount − purchases − batch materials − money passed on);
- earmarks: a purchase names what it was for (its earmark, e.g. "medical kits"). A donation
  with an earmark funds only purchases with the same earmark (case and spacing ignored); a
  donation without one funds anything;
- the funding amounts add up exactly to the total, which is the sum of the lines' prices.
Each line becomes one lot with origin = the purchase, at the purchase's location.

Credit is pro rata to what each donation paid (`shares.purchase_shares`); splitting a smaller
figure such as a line's price uses the largest-remainder rule (`shares.split_pro_rata`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.donations.access import can_see_donation
from coordination.donations.models import (
    MoneyDonation,
    MoneyStatus,
    Purchase,
    PurchaseFunding,
    PurchaseLine,
)
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.money.amounts import (
    MAX_AMOUNT_MINOR,
    check_amount,
    check_currency,
    clean_text,
    earmark_commitment,
    earmark_key,
    format_amount,
)
from coordination.money.balance import lock_donations, used
from coordination.money.services import require_recorder
from coordination.parties.models import Location, Party, PartyKind
from coordination.production.services import check_date, check_item
from coordination.stock.access import can_stock_at
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import check_quantity, open_lot

MAX_LINES = 20
MAX_FUNDING = 20

register(
    "purchase.recorded",
    _l(
        "Purchase %(purchase)s was recorded: %(total_minor)s minor "
        "units of %(currency)s from named donations."
    ),
)


@dataclass
class PurchaseLineInput:
    item_id: int | None
    quantity: Any
    price_minor: Any
    size: str | None = None


@dataclass
class FundingInput:
    donation_id: int | None
    amount_minor: Any


@dataclass
class PurchaseInput:
    location_id: int | None
    bought_on: date | None
    currency: str = "RUB"
    earmark: str | None = None
    supplier: str | None = None
    buyer_id: int | None = None
    lines: list[PurchaseLineInput] = field(default_factory=list)
    funding: list[FundingInput] = field(default_factory=list)


def _location(session: Session, actor: User | None, ident: int | None) -> Location:
    location = session.get(Location, valid_id(ident)) if valid_id(ident) else None
    if location is None or not location.active:
        raise Invalid(N_("Choose a location."), "location_id")
    if not can_stock_at(actor, location):
        raise NotFound(N_("Not found."))
    return location


def check_price(value: Any, field: str = "price_minor") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_MINOR:
        raise Invalid(N_("Enter a price of zero or more."), field)
    return value


def check_spending(
    session: Session,
    actor: User | None,
    amounts: dict[int, int],
    currency: str,
    earmark: str | None,
) -> dict[int, MoneyDonation]:
    """Lock the donations and check each can give its amount; answer them by id."""
    locked = lock_donations(session, amounts)
    spent = used(session, amounts)
    for ident, amount in amounts.items():
        donation = locked.get(ident)
        if donation is None or not can_see_donation(actor, donation):
            raise Invalid(N_("Choose donations from the list."), "funding")
        if donation.status != MoneyStatus.RECEIVED:
            raise Invalid(
                N_("Donation %(id)s is only pledged: it cannot be spent yet."),
                "funding",
                id=donation.public_id,
            )
        if donation.currency != currency:
            raise Invalid(
                N_("Donation %(id)s is in %(currency)s: spend it in that currency."),
                "funding",
                id=donation.public_id,
                currency=donation.currency,
            )
        if donation.earmark and earmark_key(donation.earmark) != earmark_key(earmark):
            raise Invalid(
                N_("Donation %(id)s is earmarked for “%(earmark)s” only."),
                "funding",
                id=donation.public_id,
                earmark=donation.earmark,
            )
        taken, passed = spent.get(ident, (0, 0))
        left = donation.amount_minor - taken - passed
        if amount > left:
            raise Invalid(
                N_("Only %(left)s is left in donation %(id)s."),
                "funding",
                left=format_amount(left, currency),
                id=donation.public_id,
            )
    return locked


def _funding_amounts(data: list[FundingInput]) -> dict[int, int]:
    if not 1 <= len(data) <= MAX_FUNDING:
        raise Invalid(N_("Name from 1 to %(n)s donations that paid."), "funding", n=MAX_FUNDING)
    amounts: dict[int, int] = {}
    for row in data:
        ident = valid_id(row.donation_id)
        if ident is None:
            raise Invalid(N_("Choose donations from the list."), "funding")
        if ident in amounts:
            raise Invalid(N_("Name each donation once."), "funding")
        amounts[ident] = check_amount(row.amount_minor, "funding")
    return amounts


def record_purchase(session: Session, actor: User | None, data: PurchaseInput) -> Purchase:
    require_recorder(actor)
    location = _location(session, actor, data.location_id)
    currency = check_currency(data.currency)
    bought_on = check_date(data.bought_on, "bought_on")
    buyer = session.get(Party, valid_id(data.buyer_id)) if valid_id(data.buyer_id) else None
    if data.buyer_id and (buyer is None or buyer.kind != PartyKind.GROUP or not buyer.active):
        raise Invalid(N_("Choose a volunteer group, or none for the coordinators."), "buyer_id")
    if not 1 <= len(data.lines) <= MAX_LINES:
        raise Invalid(N_("Enter from 1 to %(n)s lines."), "lines", n=MAX_LINES)
    purchase = Purchase(
        buyer_id=buyer.id if buyer else None,
        location_id=location.id,
        bought_on=bought_on,
        currency=currency,
        earmark=clean_text(data.earmark, "earmark"),
        supplier=clean_text(data.supplier, "supplier"),
        created_by_id=actor.id if actor else None,
    )
    for line in data.lines:
        item, size = check_item(session, valid_id(line.item_id), line.size)
        purchase.lines.append(
            PurchaseLine(
                item_id=item.id,
                item=item,
                size=size,
                quantity=check_quantity(line.quantity),
                price_minor=check_price(line.price_minor),
            )
        )
    purchase.total_minor = sum(line.price_minor for line in purchase.lines)
    if not 0 < purchase.total_minor <= MAX_AMOUNT_MINOR:
        raise Invalid(N_("Enter the price of at least one line."), "lines")
    amounts = _funding_amounts(data.funding)
    if sum(amounts.values()) != purchase.total_minor:
        raise Invalid(
            N_("The donations must add up to the total, %(total)s."),
            "funding",
            total=format_amount(purchase.total_minor, currency),
        )
    donations = check_spending(session, actor, amounts, currency, purchase.earmark)
    for ident, amount in amounts.items():
        purchase.funding.append(
            PurchaseFunding(donation_id=ident, donation=donations[ident], amount_minor=amount)
        )
    session.add(purchase)
    session.flush()
    _record(session, actor, purchase, location)
    return purchase


def _record(session: Session, actor: User | None, purchase: Purchase, location: Location) -> None:
    lots: list[Lot] = []
    lines = []
    for row in purchase.lines:
        lot = open_lot(
            session,
            actor,
            item=row.item,
            size=row.size,
            quantity=row.quantity,
            location=location,
            origin_kind=OriginKind.PURCHASE,
            origin_id=purchase.id,
        )
        lots.append(lot)
        lines.append(
            {
                "item": row.item.code,
                "size": row.size,
                "quantity": row.quantity,
                "price_minor": row.price_minor,
                "lot": lot.public_id,
            }
        )
    # The supplier and the earmark are free text: they stay out of the ledger like every
    # other note (the earmark as a commitment).
    entry = append(
        session,
        actor,
        "purchase.recorded",
        {
            "purchase": purchase.public_id,
            "buyer": purchase.buyer.public_id if purchase.buyer else None,
            "location": location.public_id,
            "date": purchase.bought_on.isoformat(),
            "currency": purchase.currency,
            "total_minor": purchase.total_minor,
            "earmark_commitment": earmark_commitment(purchase),
            "lines": lines,
            "funding": [
                {"donation": f.donation.public_id, "amount_minor": f.amount_minor}
                for f in purchase.funding
            ],
        },
    )
    for lot in lots:
        lot.entry_index = entry.index
    session.flush()


def purchase_lots(session: Session, purchase: Purchase) -> list[Lot]:
    """The lots the purchase created (not lots later split off them by transfers)."""
    stmt = (
        select(Lot)
        .where(
            Lot.origin_kind == OriginKind.PURCHASE,
            Lot.origin_id == purchase.id,
            Lot.parent_lot_id.is_(None),
        )
        .order_by(Lot.id)
    )
    return list(session.scalars(stmt))
