"""Who sees which money. Views, the API and services ask here; anything else answers 404.

Coordinators and admins record money. An admin sees all of it; a coordinator sees money
held by the network's coordinators (no holder) and by groups of its own region; a volunteer
sees the money its own group holds. Auditors read totals only; families and unit
representatives see no money at all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from coordination.accounts.models import User
from coordination.donations.models import MoneyDonation, Purchase, PurchaseFunding
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.parties.models import Party

RECORDERS = (Role.COORDINATOR, Role.ADMIN)
MONEY_READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
TOTALS_READERS = (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)


def donation_clause(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause on MoneyDonation selecting what `actor` may see."""
    if actor is None or actor.role == Role.ADMIN:
        return true()
    if actor.role == Role.COORDINATOR and actor.region_id is not None:
        holder = aliased(Party)
        in_region = exists(
            select(holder.id).where(
                holder.id == MoneyDonation.holder_id, holder.region_id == actor.region_id
            )
        )
        return or_(MoneyDonation.holder_id.is_(None), in_region)
    if actor.role == Role.VOLUNTEER and actor.party_id is not None:
        return MoneyDonation.holder_id == actor.party_id
    return false()


def can_see_donation(actor: User | None, donation: MoneyDonation) -> bool:
    if actor is None or actor.role == Role.ADMIN:
        return True
    if actor.role == Role.COORDINATOR:
        holder = donation.holder
        return actor.region_id is not None and (
            holder is None or holder.region_id == actor.region_id
        )
    if actor.role == Role.VOLUNTEER:
        return actor.party_id is not None and donation.holder_id == actor.party_id
    return False


def visible_donation(session: Session, actor: User | None, ident: int | None) -> MoneyDonation:
    donation = get_or_404(session, MoneyDonation, ident)
    if not can_see_donation(actor, donation):
        raise NotFound(N_("Not found."))
    return donation


def totals_scope(actor: User | None) -> ColumnElement[bool] | None:
    """Auditors check the whole network's totals (aggregates, no personal data); others get
    the totals of the money they may see."""
    if actor is not None and actor.role == Role.AUDITOR:
        return None
    return donation_clause(actor)


def purchase_clause(actor: User | None) -> ColumnElement[bool]:
    """A purchase is visible to whoever may see one of the donations that paid for it."""
    if actor is None or actor.role == Role.ADMIN:
        return true()
    paid = (
        select(PurchaseFunding.id)
        .join(MoneyDonation)
        .where(PurchaseFunding.purchase_id == Purchase.id, donation_clause(actor))
    )
    return exists(paid)


def visible_purchase(session: Session, actor: User | None, ident: int | None) -> Purchase:
    purchase = get_or_404(session, Purchase, ident)
    if not any(can_see_donation(actor, f.donation) for f in purchase.funding) and not (
        actor is None or actor.role == Role.ADMIN
    ):
        raise NotFound(N_("Not found."))
    return purchase
