"""Money donations: integer minor units in an ISO 4217 currency, never floats.

Totals are by currency (amounts in different currencies are never added together) and
count received money only: a pledge is not money yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.accounts.models import Role, User
from coordination.donations.models import MoneyDonation, MoneyStatus
from coordination.errors import Conflict, Forbidden
from coordination.ledger.services import append
from coordination.parties.models import Party, PartyKind
from coordination.parties.shared import N_, Invalid, has_nul
from coordination.production.services import check_date

CURRENCY = re.compile(r"[A-Z]{3}")
MAX_AMOUNT_MINOR = 10**13  # 100 billion in major units: far above any real donation
MONEY_KINDS = (PartyKind.DONOR, PartyKind.CAMPAIGN, PartyKind.GROUP)
RECORDERS = (Role.COORDINATOR, Role.ADMIN)
TEXT_LIMIT = 120


@dataclass
class MoneyInput:
    amount_minor: int | None
    received_on: date | None
    currency: str = "RUB"
    donor_id: int | None = None
    channel: str | None = None
    earmark: str | None = None
    received: bool = False


def _text(value: str | None, field: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and (len(value) > TEXT_LIMIT or has_nul(value)):
        raise Invalid(N_("Enter at most %(n)s characters."), field, n=TEXT_LIMIT)
    return value


def record_money_donation(session: Session, actor: User | None, data: MoneyInput) -> MoneyDonation:
    if actor is not None and actor.role not in RECORDERS:
        raise Forbidden(N_("Only coordinators and admins record money."))
    amount = data.amount_minor
    whole = isinstance(amount, int) and not isinstance(amount, bool)
    if not whole or not 0 < amount <= MAX_AMOUNT_MINOR:  # type: ignore[operator]
        raise Invalid(N_("Enter a positive amount."), "amount_minor")
    currency = (data.currency or "").strip().upper()
    if not CURRENCY.fullmatch(currency):
        raise Invalid(N_("Enter a three-letter currency code such as RUB."), "currency")
    donor = session.get(Party, data.donor_id) if data.donor_id else None
    if data.donor_id and (donor is None or donor.kind not in MONEY_KINDS or not donor.active):
        raise Invalid(N_("Choose a donor, or none for an anonymous donor."), "donor_id")
    donation = MoneyDonation(
        donor_id=donor.id if donor else None, amount_minor=amount, currency=currency,
        received_on=check_date(data.received_on, "received_on"),
        channel=_text(data.channel, "channel"), earmark=_text(data.earmark, "earmark"),
        status=MoneyStatus.RECEIVED if data.received else MoneyStatus.PLEDGED,
        created_by_id=actor.id if actor else None,
    )  # fmt: skip
    session.add(donation)
    session.flush()
    # The channel is free text and may name a person: it stays out of the ledger.
    append(session, actor, "origin.money", {
        "donation": donation.public_id, "donor": donor.public_id if donor else None,
        "amount_minor": amount, "currency": currency, "status": donation.status.value,
        "earmark": donation.earmark, "date": donation.received_on.isoformat(),
    })  # fmt: skip
    session.flush()
    return donation


def receive_money_donation(session: Session, actor: User | None, donation: MoneyDonation) -> None:
    if actor is not None and actor.role not in RECORDERS:
        raise Forbidden(N_("Only coordinators and admins record money."))
    if donation.status != MoneyStatus.PLEDGED:
        raise Conflict(N_("This donation was already received."))
    donation.status = MoneyStatus.RECEIVED
    append(session, actor, "money.received", {"donation": donation.public_id})
    session.flush()


def totals_by_currency(session: Session) -> dict[str, int]:
    """Received money by currency, in minor units."""
    stmt = (select(MoneyDonation.currency, func.sum(MoneyDonation.amount_minor))
            .where(MoneyDonation.status == MoneyStatus.RECEIVED)
            .group_by(MoneyDonation.currency).order_by(MoneyDonation.currency))  # fmt: skip
    return {currency: int(total) for currency, total in session.execute(stmt)}
