"""Materials funding: money from a received donation that paid for a production batch.

Same rules as a purchase (balance.py, purchases.py): the donation is locked, received, holds
enough, and its earmark (if any) matches what the money was for. The batch's goods then
credit the donation as well as the group that made them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.donations.models import BatchFunding, MoneyDonation
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.money.amounts import check_amount, clean_text, earmark_commitment
from coordination.money.purchases import check_spending
from coordination.money.services import require_recorder
from coordination.production.models import ProductionBatch
from coordination.production.services import check_date

register(
    "batch.funded",
    _l(
        "Donation %(donation)s paid %(amount_minor)s minor units of "
        "%(currency)s for the materials of batch %(batch)s."
    ),
)


def fund_batch(
    session: Session,
    actor: User | None,
    batch_id: Any,
    donation_id: Any,
    amount_minor: Any,
    on: date | None,
    earmark: str | None = None,
) -> BatchFunding:
    require_recorder(actor)
    batch = session.get(ProductionBatch, valid_id(batch_id)) if valid_id(batch_id) else None
    if batch is None:
        raise Invalid(N_("Choose a production batch."), "batch_id")
    if (
        actor is not None
        and actor.role == Role.COORDINATOR
        and (batch.group.region_id != actor.region_id)
    ):
        raise NotFound(N_("Not found."))
    ident = valid_id(donation_id)
    if ident is None:
        raise Invalid(N_("Choose donations from the list."), "funding")
    amount = check_amount(amount_minor, "amount_minor")
    earmark = clean_text(earmark, "earmark")
    funded_on = check_date(on, "funded_on")
    donation: MoneyDonation = check_spending(
        session, actor, {ident: amount}, _currency(session, ident), earmark
    )[ident]
    row = BatchFunding(
        batch_id=batch.id,
        batch=batch,
        donation_id=donation.id,
        donation=donation,
        amount_minor=amount,
        earmark=earmark,
        funded_on=funded_on,
    )
    session.add(row)
    session.flush()
    append(
        session,
        actor,
        "batch.funded",
        {
            "batch": batch.public_id,
            "group": batch.group.public_id,
            "donation": donation.public_id,
            "amount_minor": amount,
            "currency": donation.currency,
            "earmark_commitment": earmark_commitment(row),
            "date": funded_on.isoformat(),
        },
    )
    session.flush()
    return row


def _currency(session: Session, ident: int) -> str:
    # A batch is paid in whatever currency the donation holds: there is nothing to mismatch.
    donation = session.get(MoneyDonation, ident)
    return donation.currency if donation is not None else ""
