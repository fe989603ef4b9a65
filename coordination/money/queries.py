"""Read-only queries behind the money lists (pages and API share them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from coordination.accounts.models import User
from coordination.donations.access import donation_clause
from coordination.donations.models import (
    BatchFunding,
    MoneyDonation,
    MoneyStatus,
    Purchase,
    PurchaseFunding,
)
from coordination.kernel.paging import search_clause
from coordination.parties.models import Party


def money_list(
    actor: User | None, q: str, status: MoneyStatus | None, currency: str
) -> Select[Any]:
    """Donations `actor` may see, newest first; q matches public id, earmark or donor name."""
    donor = aliased(Party)
    stmt = (
        select(MoneyDonation)
        .outerjoin(donor, donor.id == MoneyDonation.donor_id)
        .where(donation_clause(actor))
        .order_by(MoneyDonation.received_on.desc(), MoneyDonation.id.desc())
    )
    if q:
        stmt = stmt.where(
            search_clause(q, MoneyDonation.public_id, MoneyDonation.earmark, donor.display_name)
        )
    if status is not None:
        stmt = stmt.where(MoneyDonation.status == status)
    if currency:
        stmt = stmt.where(MoneyDonation.currency == currency)
    return stmt


def where_spent(session: Session, donation: MoneyDonation) -> dict[str, list[Any]]:
    """What a donation paid for: purchases, batch materials, and money passed on."""
    bought = session.execute(
        select(Purchase, PurchaseFunding.amount_minor)
        .join(PurchaseFunding)
        .where(PurchaseFunding.donation_id == donation.id)
        .order_by(Purchase.bought_on, Purchase.id)
    ).all()
    batches = list(
        session.scalars(
            select(BatchFunding)
            .where(BatchFunding.donation_id == donation.id)
            .order_by(BatchFunding.id)
        )
    )
    passed = list(
        session.scalars(
            select(MoneyDonation)
            .where(MoneyDonation.passed_from_id == donation.id)
            .order_by(MoneyDonation.id)
        )
    )
    return {"purchases": [tuple(r) for r in bought], "batches": batches, "passed": passed}
