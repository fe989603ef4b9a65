"""Money totals by campaign, holder group, earmark or month, always per currency.

Only received money counts (a pledge is not money yet). "Raised" is money new to the
system: a donation passed on from one group to another is the same money, so it is never
raised twice; it shows as passed in (for the group that got it) and passed out (for the
group that gave it). Money passed on keeps its source's campaign, earmark and currency.

For every row: raised + passed in − passed out = spent + unspent, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, aliased

from coordination.donations.models import (
    BatchFunding,
    MoneyDonation,
    MoneyStatus,
    PurchaseFunding,
)
from coordination.money.amounts import earmark_key
from coordination.parties.models import Party

GROUPINGS = ("currency", "campaign", "holder", "earmark", "month")


@dataclass
class TotalRow:
    key: str | None  # a campaign's or group's public id, an earmark, "2026-11", or None
    label: str | None  # what a page shows for the key (a public label), None: "none"
    currency: str
    raised_minor: int = 0
    passed_in_minor: int = 0
    passed_out_minor: int = 0
    spent_minor: int = 0
    unspent_minor: int = 0
    donations: int = 0


def _key(by: str, donation: MoneyDonation, parties: dict[int, Party]) -> tuple[Any, Any]:
    if by == "campaign" or by == "holder":
        party = parties.get(getattr(donation, f"{by}_id") or 0)
        return (party.public_id, party.public_label) if party else (None, None)
    if by == "earmark":
        label = " ".join(donation.earmark.split()) if donation.earmark else None
        return earmark_key(label), label
    if by == "month":
        month = donation.received_on.strftime("%Y-%m")
        return month, month
    return donation.currency, donation.currency


def money_totals(
    session: Session, by: str = "currency", where: ColumnElement[bool] | None = None
) -> list[TotalRow]:
    """Rows sorted by currency then key; `where` narrows the donations (e.g. what one sees)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    scope = (MoneyDonation.status == MoneyStatus.RECEIVED, where if where is not None else true())
    donations = list(
        session.scalars(select(MoneyDonation).where(*scope).order_by(MoneyDonation.id))
    )
    spent_by, passed_by = _spent(session, scope), _passed_on(session, scope)
    rows = [(d, spent_by.get(d.id, 0), passed_by.get(d.id, 0)) for d in donations]
    ids = {d.campaign_id for d, *_ in rows} | {d.holder_id for d, *_ in rows}
    ids.discard(None)
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))}
    totals: dict[tuple[str, Any], TotalRow] = {}
    for donation, spent, passed_out in rows:
        key, label = _key(by, donation, parties)
        row = totals.setdefault((donation.currency, key), TotalRow(key, label, donation.currency))
        passed_in = donation.passed_from_id is not None
        row.donations += 1
        row.raised_minor += 0 if passed_in else donation.amount_minor
        row.passed_in_minor += donation.amount_minor if passed_in else 0
        row.passed_out_minor += int(passed_out)
        row.spent_minor += int(spent)
        row.unspent_minor += donation.amount_minor - int(spent) - int(passed_out)
    if by in ("currency", "campaign", "earmark"):
        # Money passed on keeps these keys, so within a row what went out came back in.
        for row in totals.values():
            row.passed_in_minor = row.passed_out_minor = 0
    return sorted(totals.values(), key=lambda r: (r.currency, r.key is None, r.key or ""))


# Per-donation sums are read grouped, once for all the donations in scope, and joined in
# Python: a correlated subquery per donation row (as `balance.used` does for a few ids)
# scanned the passed-on donations once per donation, so totals grew with the square of them.
def _spent(session: Session, scope: tuple[ColumnElement[bool], ...]) -> dict[int, int]:
    """What purchases and batch materials took from each donation in scope."""
    out: dict[int, int] = {}
    for funding in (PurchaseFunding, BatchFunding):
        stmt = (
            select(funding.donation_id, func.sum(funding.amount_minor))
            .join(MoneyDonation, MoneyDonation.id == funding.donation_id)
            .where(*scope)
            .group_by(funding.donation_id)
        )
        for donation_id, amount in session.execute(stmt):
            out[donation_id] = out.get(donation_id, 0) + int(amount or 0)
    return out


def _passed_on(session: Session, scope: tuple[ColumnElement[bool], ...]) -> dict[int, int]:
    """What each donation in scope passed on to other groups (any status, as balance does)."""
    child = aliased(MoneyDonation)
    stmt = (
        select(child.passed_from_id, func.sum(child.amount_minor))
        .join(MoneyDonation, MoneyDonation.id == child.passed_from_id)
        .where(*scope)
        .group_by(child.passed_from_id)
    )
    rows = session.execute(stmt)
    return {parent: int(amount or 0) for parent, amount in rows if parent is not None}
