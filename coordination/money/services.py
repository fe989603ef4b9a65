"""Money donations: record (pledged or received), receive, pass on from one group to another.

Amounts are integer minor units in an ISO 4217 currency, never floats (see amounts.py).
Money passed on is a new MoneyDonation naming the donation it came from: it draws on that
donation's balance and is never counted as raised a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.donations.access import RECORDERS, can_see_donation
from coordination.donations.models import MoneyDonation, MoneyStatus, new_receipt_code
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.money.amounts import (
    CURRENCY,
    MAX_AMOUNT_MINOR,
    TEXT_LIMIT,
    check_amount,
    check_currency,
    clean_text,
    earmark_commitment,
    format_amount,
)
from coordination.money.balance import balance, lock_donations
from coordination.parties.models import Party, PartyKind
from coordination.production.services import check_date

MONEY_KINDS = (PartyKind.DONOR, PartyKind.CAMPAIGN, PartyKind.GROUP)
# Other modules (imports) apply the same rules to many rows at once.
__all__ = ["CURRENCY", "MAX_AMOUNT_MINOR", "MONEY_KINDS", "RECORDERS", "TEXT_LIMIT"]

register(
    "origin.money",
    _l("A donation of %(amount_minor)s minor units of %(currency)s was recorded (%(status)s)."),
)
register("money.received", _l("Donation %(donation)s was received."))
register(
    "money.passed_on",
    _l(
        "%(amount_minor)s minor units of %(currency)s from donation "
        "%(from)s were passed on as donation %(donation)s."
    ),
)


@dataclass
class MoneyInput:
    amount_minor: int | None
    received_on: date | None
    currency: str = "RUB"
    donor_id: int | None = None
    channel: str | None = None
    earmark: str | None = None
    received: bool = False
    campaign_id: int | None = None
    holder_id: int | None = None


def require_recorder(actor: User | None) -> None:
    if actor is not None and actor.role not in RECORDERS:
        raise Forbidden(N_("Only coordinators and admins record money."))


def _party(
    session: Session, ident: int | None, kinds: tuple[PartyKind, ...], field: str, message: str
) -> Party | None:
    if not ident:
        return None
    whole = valid_id(ident) is not None
    party = session.get(Party, ident) if whole else None
    if party is None or party.kind not in kinds or not party.active:
        raise Invalid(message, field)
    return party


def check_holder(session: Session, actor: User | None, holder_id: int | None) -> Party | None:
    holder = _party(
        session,
        holder_id,
        (PartyKind.GROUP,),
        "holder_id",
        N_("Choose a volunteer group, or none for the coordinators."),
    )
    if (
        holder is not None
        and actor is not None
        and actor.role.value == "coordinator"
        and (holder.region_id != actor.region_id)
    ):
        raise Invalid(N_("Choose a group of your own region."), "holder_id")
    return holder


def record_money_donation(session: Session, actor: User | None, data: MoneyInput) -> MoneyDonation:
    require_recorder(actor)
    amount = check_amount(data.amount_minor)
    currency = check_currency(data.currency)
    donor = _party(
        session,
        data.donor_id,
        MONEY_KINDS,
        "donor_id",
        N_("Choose a donor, or none for an anonymous donor."),
    )
    campaign = _party(
        session,
        data.campaign_id,
        (PartyKind.CAMPAIGN,),
        "campaign_id",
        N_("Choose a campaign or event, or none."),
    )
    holder = check_holder(session, actor, data.holder_id)
    donation = MoneyDonation(
        donor_id=donor.id if donor else None,
        campaign_id=campaign.id if campaign else None,
        holder_id=holder.id if holder else None,
        amount_minor=amount,
        currency=currency,
        received_on=check_date(data.received_on, "received_on"),
        channel=clean_text(data.channel, "channel", 40),
        earmark=clean_text(data.earmark, "earmark"),
        receipt_code=new_receipt_code(),
        status=MoneyStatus.RECEIVED if data.received else MoneyStatus.PLEDGED,
        created_by_id=actor.id if actor else None,
    )
    session.add(donation)
    session.flush()
    # The channel and the earmark are free text and may name a person, and the receipt code
    # is the donor's private key to its gift: none of them enters the ledger as text.
    append(
        session,
        actor,
        "origin.money",
        {
            "donation": donation.public_id,
            "donor": donor.public_id if donor else None,
            "campaign": campaign.public_id if campaign else None,
            "holder": holder.public_id if holder else None,
            "amount_minor": amount,
            "currency": currency,
            "status": donation.status.value,
            "earmark_commitment": earmark_commitment(donation),
            "date": donation.received_on.isoformat(),
        },
    )
    session.flush()
    return donation


def receive_money_donation(session: Session, actor: User | None, donation: MoneyDonation) -> None:
    require_recorder(actor)
    if not can_see_donation(actor, donation):
        raise NotFound(N_("Not found."))
    donation = lock_donations(session, [donation.id])[donation.id]
    if donation.status != MoneyStatus.PLEDGED:
        raise Conflict(N_("This donation was already received."))
    donation.status = MoneyStatus.RECEIVED
    append(session, actor, "money.received", {"donation": donation.public_id})
    session.flush()


def pass_on_money(
    session: Session,
    actor: User | None,
    source: MoneyDonation,
    to_group_id: Any,
    amount_minor: Any,
    on: date | None,
) -> MoneyDonation:
    """Give part of a donation's balance to another group; it stays the same money."""
    require_recorder(actor)
    if not can_see_donation(actor, source):
        raise NotFound(N_("Not found."))
    amount = check_amount(amount_minor)
    target = check_holder(session, actor, to_group_id if isinstance(to_group_id, int) else None)
    if target is None:
        raise Invalid(N_("Choose the group that receives the money."), "holder_id")
    if target.id == source.holder_id:
        raise Invalid(N_("That group already holds this money."), "holder_id")
    on = check_date(on, "received_on")
    source = lock_donations(session, [source.id])[source.id]
    if source.status != MoneyStatus.RECEIVED:
        raise Invalid(N_("Only received money can be passed on."), "amount_minor")
    left = balance(session, source)
    if amount > left:
        raise Invalid(
            N_("Only %(left)s is left in this donation."),
            "amount_minor",
            left=format_amount(left, source.currency),
        )
    passed = MoneyDonation(
        donor_id=source.holder_id,
        campaign_id=source.campaign_id,
        holder_id=target.id,
        passed_from_id=source.id,
        amount_minor=amount,
        currency=source.currency,
        received_on=on,
        earmark=source.earmark,
        status=MoneyStatus.RECEIVED,
        receipt_code=new_receipt_code(),
        created_by_id=actor.id if actor else None,
    )
    session.add(passed)
    session.flush()
    append(
        session,
        actor,
        "money.passed_on",
        {
            "donation": passed.public_id,
            "from": source.public_id,
            "from_holder": source.holder.public_id if source.holder else None,
            "to_holder": target.public_id,
            "amount_minor": amount,
            "currency": source.currency,
            "earmark_commitment": earmark_commitment(passed),
            "date": on.isoformat(),
        },
    )
    session.flush()
    return passed


def totals_by_currency(session: Session) -> dict[str, int]:
    """Money new to the system and received, by currency, in minor units."""
    stmt = (
        select(MoneyDonation.currency, func.sum(MoneyDonation.amount_minor))
        .where(MoneyDonation.status == MoneyStatus.RECEIVED, MoneyDonation.passed_from_id.is_(None))
        .group_by(MoneyDonation.currency)
        .order_by(MoneyDonation.currency)
    )
    return {currency: int(total) for currency, total in session.execute(stmt)}
