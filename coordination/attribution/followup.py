"""Follow-up: where a gift went (for a donor, with its receipt code) and where a source's
goods went (for a group, donor or campaign, signed in).

By the recipient's region and the month the goods left, by item: small counts are fine here
(it is the donor's own gift, the group's own work) but never which unit or household
received them. The donor's own name is not shown either: whoever holds the code sees the
page.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.attribution.services import (
    Placement,
    Stage,
    apportion,
    approx,
    donation_attribution,
    fraction_text,
    party_attribution,
)
from coordination.catalog.models import Item
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import CODE, get_or_404
from coordination.kernel.text import N_
from coordination.parties.models import SOURCE_KINDS, Party, Region

Donation = InKindDonation | MoneyDonation
# Who may see where a source's goods went: staff, auditors, and a volunteer for its own group.
SOURCE_READERS = (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR, Role.VOLUNTEER)


def readable_source(session: Session, user: User, party_id: int) -> Party:
    """The party whose deliveries `user` may follow, else 404: only a group, donor or campaign
    (a recipient, courier or official is never a source), and for a volunteer only its own
    group."""
    party = get_or_404(session, Party, party_id)
    if (
        party.kind not in SOURCE_KINDS
        or user.role not in SOURCE_READERS
        or (user.role == Role.VOLUNTEER and user.party_id != party.id)
    ):
        raise NotFound(N_("Not found."))
    return party


def donation_by_receipt(session: Session, code: str) -> Donation | None:
    if not CODE.fullmatch(code or ""):
        return None
    gift = session.scalar(select(InKindDonation).where(InKindDonation.receipt_code == code))
    if gift is not None:
        return gift
    return session.scalar(select(MoneyDonation).where(MoneyDonation.receipt_code == code))


def _names(
    session: Session, placements: list[Placement], locale: str
) -> tuple[dict[str, str], dict[str, str]]:
    codes = {p.item for p in placements}
    regions = {p.region for p in placements if p.region}
    items = {
        i.code: i.name(locale) for i in session.scalars(select(Item).where(Item.code.in_(codes)))
    }
    places = {
        r.code: r.name(locale)
        for r in session.scalars(select(Region).where(Region.code.in_(regions)))
    }
    return items, places


def _went(
    session: Session, placements: list[Placement], locale: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rows of a follow-up page, and the money they hold in all, per currency."""
    items, places = _names(session, placements, locale)
    # Whole minor units for the page, rounded per currency so that each currency's rows add
    # up to its exact total (a kopeck never moves into a dollar row).
    whole = [0] * len(placements)
    spent: dict[str, int] = {}
    for currency in sorted({p.currency for p in placements if p.currency}):
        mine = [i for i, p in enumerate(placements) if p.currency == currency]
        total = round(sum((placements[i].money_minor for i in mine), Fraction(0)))
        for i, amount in zip(
            mine, apportion(total, [placements[i].money_minor for i in mine]), strict=True
        ):
            whole[i] = amount
        if total:
            spent[currency] = total
    rows = [
        {
            "region": p.region,
            "region_name": places.get(p.region or "", None),
            "month": p.month,
            "item": p.item,
            "item_name": items.get(p.item, p.item),
            "quantity": fraction_text(p.quantity),
            "quantity_approx": approx(p.quantity),
            "money_minor": w,
            "currency": p.currency,
        }
        for p, w in zip(placements, whole, strict=True)
    ]
    return rows, spent


# A follow-up lists what recipients received, and says how much is still on the way: each
# piece once, at the stage it reached (a move to a hub is neither: reports/stages.py).
FOLLOWED = (Stage.RECEIVED, Stage.IN_TRANSIT)


def _split(placements: list[Placement]) -> tuple[list[Placement], dict[str, str]]:
    """The received rows, and the pieces (and money) still on the way, in all."""
    received = [p for p in placements if p.stage == Stage.RECEIVED]
    moving = [p for p in placements if p.stage == Stage.IN_TRANSIT]
    on_the_way = {
        "quantity": fraction_text(sum((p.quantity for p in moving), Fraction(0))),
        "quantity_approx": approx(sum((p.quantity for p in moving), Fraction(0))),
    }
    return received, on_the_way


def party_follow_up(session: Session, party: Party, locale: str) -> dict[str, Any]:
    """JSON-ready: what a group made, or a donor or campaign gave or paid for, that reached
    recipients, by region, month and item; and how much more is on the way."""
    placements, on_the_way = _split(party_attribution(session, party, FOLLOWED))
    rows, spent = _went(session, placements, locale)
    return {
        "party": party.public_id,
        "label": party.public_label,
        "kind": party.kind.value,
        "went": rows,
        "spent_minor": spent,
        "delivered_quantity": approx(sum((p.quantity for p in placements), Fraction(0))),
        "on_the_way": on_the_way,
    }


def follow_up(session: Session, donation: Donation, locale: str) -> dict[str, Any]:
    """JSON-ready: what was given, and where it went by region, month and item."""
    placements, on_the_way = _split(donation_attribution(session, donation, FOLLOWED))
    rows, spent = _went(session, placements, locale)
    given: dict[str, Any]
    if isinstance(donation, InKindDonation):
        given = {
            "kind": "in_kind",
            "received_on": donation.received_on.isoformat(),
            "lines": [
                {
                    "item": ln.item.code,
                    "item_name": ln.item.name(locale),
                    "size": ln.size,
                    "quantity": ln.quantity,
                }
                for ln in donation.lines
            ],
        }
    else:
        given = {
            "kind": "money",
            "received_on": donation.received_on.isoformat(),
            "amount_minor": donation.amount_minor,
            "currency": donation.currency,
            "status": donation.status.value,
        }
    # One donation's money is in one currency (spending checks it), so one total.
    return {
        "donation": donation.public_id,
        "given": given,
        "went": rows,
        "delivered_quantity": approx(sum((p.quantity for p in placements), Fraction(0))),
        "spent_minor": sum(spent.values()),
        "on_the_way": on_the_way,
    }
