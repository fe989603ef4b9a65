"""What is left of a donation: amount − purchases − batch materials − money passed on.

Spending locks the donation rows first (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers
are serialised by BEGIN IMMEDIATE) and only then sums what was already spent, so two
purchases drawing on one donation at once can never take more than it holds: the second
waits for the first to commit and then sees its funding rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from coordination.donations.models import BatchFunding, MoneyDonation, PurchaseFunding


def _sum(column: Any, where: ColumnElement[bool]) -> ColumnElement[int]:
    return select(func.coalesce(func.sum(column), 0)).where(where).scalar_subquery()


def spent_expr() -> ColumnElement[int]:
    """Per MoneyDonation row: what purchases and batch materials took from it."""
    bought = _sum(PurchaseFunding.amount_minor, PurchaseFunding.donation_id == MoneyDonation.id)
    materials = _sum(BatchFunding.amount_minor, BatchFunding.donation_id == MoneyDonation.id)
    return bought + materials


def passed_on_expr() -> ColumnElement[int]:
    child = aliased(MoneyDonation)
    return (
        select(func.coalesce(func.sum(child.amount_minor), 0))
        .where(child.passed_from_id == MoneyDonation.id)
        .scalar_subquery()
    )


def used(session: Session, donation_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(spent, passed on) in minor units for each donation id."""
    ids = list(donation_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(MoneyDonation.id, spent_expr(), passed_on_expr()).where(MoneyDonation.id.in_(ids))
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def balance(session: Session, donation: MoneyDonation) -> int:
    """The unspent balance of a received donation in minor units (0 for a pledge)."""
    spent, passed = used(session, [donation.id]).get(donation.id, (0, 0))
    if donation.status.value != "received":
        return 0
    return donation.amount_minor - spent - passed


def lock_donations(session: Session, ids: Iterable[int]) -> dict[int, MoneyDonation]:
    """Lock the rows in id order (so two spenders never deadlock) and reload them."""
    wanted = sorted(set(ids))
    stmt = (
        select(MoneyDonation)
        .where(MoneyDonation.id.in_(wanted))
        .order_by(MoneyDonation.id)
        .with_for_update()
    )
    rows = session.scalars(stmt.execution_options(populate_existing=True))
    return {d.id: d for d in rows}
