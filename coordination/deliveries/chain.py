"""The custody chain's continuity: who may hand goods over next, and where a record has gaps.

- The first handover starts from whoever holds the goods at dispatch: the party that keeps
  the location they left from (a group's workshop), or the delivery's carrier. A hub that no
  party keeps leaves the holder unknown, and then any party may start the chain.
- Each next handover's giver is the previous one's taker, unless the record says why not
  (its note: the goods were split between carriers, a step went unrecorded...).
- "Source" is a role only for a party that is an origin of at least one of the delivery's
  lines (made, gave or paid for them: stock/origins.py); a presenter never is.
- A handover happens after dispatch (to the minute a form can give), never in the future,
  and not before the handover recorded last.

record_handover() refuses what breaks these rules; gaps() flags them in records that predate
the rules, so the public page shows the chain in order with its gaps.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.db import utcnow
from coordination.deliveries.models import Delivery, Handover, HandoverRole
from coordination.donations.models import (
    BatchFunding,
    InKindDonation,
    MoneyDonation,
    Purchase,
    PurchaseFunding,
)
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.parties.models import Party
from coordination.production.models import ProductionBatch
from coordination.stock.models import KitAssembly, Lot
from coordination.stock.origins import origin_of

CLOCK_SLACK = timedelta(minutes=10)  # a phone's clock a little ahead is not "the future"
MAX_DEPTH = 64  # transfers nested deeper than this are a broken record


class Gap(enum.StrEnum):
    NOT_HOLDER = "not_holder"  # the first giver did not hold the goods at dispatch
    BREAK = "break"  # the giver is not the previous taker, and no reason is recorded
    EXPLAINED = "explained"  # the same, with a reason in the record
    NOT_ORIGIN = "not_origin"  # a "source" that is no origin of any line
    BEFORE_DISPATCH = "before_dispatch"


def _money_parties(session: Session, donation_ids: list[int]) -> set[int]:
    """The donor and campaign each donation's money first came in with (passed-on money is
    credited to its first donation, as attribution/credit.py does)."""
    parties: set[int] = set()
    for ident in donation_ids:
        donation = session.get(MoneyDonation, ident)
        seen: set[int] = set()
        while donation is not None and donation.passed_from is not None and donation.id not in seen:
            seen.add(donation.id)
            donation = donation.passed_from
        if donation is not None:
            parties.update(p for p in (donation.donor_id, donation.campaign_id) if p is not None)
    return parties


def origin_parties(session: Session, lot: Lot, kits: set[int] | None = None) -> set[int]:
    """Ids of the parties an origin of `lot` names: the group that made it, the donor who gave
    it, the donors and campaigns whose money bought it or paid for its materials, and those of
    a kit's components. These, and only these, can be the "source" of a handover of it."""
    root, seen = lot, {lot.id}
    while root.parent is not None and root.parent.id not in seen and len(seen) < MAX_DEPTH:
        root = root.parent
        seen.add(root.id)
    origin = origin_of(session, root)
    kits = set() if kits is None else kits
    if isinstance(origin, ProductionBatch):
        paid = select(BatchFunding.donation_id).where(BatchFunding.batch_id == origin.id)
        return {origin.group_id} | _money_parties(session, list(session.scalars(paid)))
    if isinstance(origin, InKindDonation):
        return {origin.donor_id} if origin.donor_id is not None else set()
    if isinstance(origin, Purchase):
        paid = select(PurchaseFunding.donation_id).where(PurchaseFunding.purchase_id == origin.id)
        return _money_parties(session, list(session.scalars(paid)))
    if not isinstance(origin, KitAssembly) or origin.id in kits:
        return set()  # a missing record, or a kit that would contain itself, adds nobody
    kits.add(origin.id)
    found: set[int] = set()
    for use in origin.components:
        found |= origin_parties(session, use.lot, kits)
    return found


def holders(delivery: Delivery) -> set[int]:
    """Who holds the goods at dispatch (empty: a hub no party keeps, and no carrier)."""
    found = {delivery.carrier_id} if delivery.carrier_id is not None else set()
    if delivery.from_location.party_id is not None:
        found.add(delivery.from_location.party_id)
    return found


def sources(session: Session, delivery: Delivery) -> set[int]:
    """The parties that are an origin of at least one of the delivery's lines."""
    found: set[int] = set()
    for line in delivery.lines:
        found |= origin_parties(session, line.lot)
    return found


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def ordered(handovers: Sequence[Handover]) -> list[Handover]:
    return sorted(handovers, key=lambda h: (h.at, h.id or 0))


def check_next(
    session: Session,
    delivery: Delivery,
    giver: Party,
    from_role: HandoverRole,
    at: datetime,
    reason: str | None,
) -> None:
    """Refuse a handover that would break the chain (see the module's docstring)."""
    if at > utcnow() + CLOCK_SLACK:
        raise Invalid(N_("A handover cannot be in the future."), "at")
    if delivery.dispatched_at is None:
        raise Invalid(N_("Goods are handed over once the delivery is dispatched."), "at")
    if at < _minute(delivery.dispatched_at):
        raise Invalid(
            N_("A handover cannot be before the dispatch (%(when)s UTC)."),
            "at",
            when=delivery.dispatched_at.strftime("%Y-%m-%d %H:%M"),
        )
    if from_role == HandoverRole.SOURCE and giver.id not in sources(session, delivery):
        raise Invalid(
            N_("Only a party that made, gave or paid for goods of this delivery is their source."),
            "from_role",
        )
    chain = ordered(delivery.handovers)
    if not chain:
        held = holders(delivery)
        if held and giver.id not in held:
            raise Invalid(
                N_(
                    "The first handover starts from whoever holds the goods at dispatch: "
                    "the keeper of the place they left or the delivery's carrier."
                ),
                "from_party_id",
            )
        return
    last = chain[-1]
    if at < last.at:
        raise Invalid(
            N_("A handover cannot be before the one recorded last (%(when)s UTC)."),
            "at",
            when=last.at.strftime("%Y-%m-%d %H:%M"),
        )
    if giver.id != last.to_party_id and not reason:
        raise Invalid(
            N_(
                "The goods are with the one who took them last; if another party hands "
                "them over (a split, a step not recorded), say why in the note."
            ),
            "from_party_id",
        )


def gaps(session: Session, delivery: Delivery) -> list[tuple[Handover, list[Gap]]]:
    """The handovers in order, each with the rules its record breaks (empty: none)."""
    out: list[tuple[Handover, list[Gap]]] = []
    origin = sources(session, delivery)
    held = holders(delivery)
    previous: Handover | None = None
    for h in ordered(delivery.handovers):
        found: list[Gap] = []
        if previous is None:
            if held and h.from_party_id not in held:
                found.append(Gap.NOT_HOLDER)
        elif h.from_party_id != previous.to_party_id:
            found.append(Gap.EXPLAINED if h.note else Gap.BREAK)
        if h.from_role == HandoverRole.SOURCE and h.from_party_id not in origin:
            found.append(Gap.NOT_ORIGIN)
        if delivery.dispatched_at is not None and h.at < _minute(delivery.dispatched_at):
            found.append(Gap.BEFORE_DISPATCH)
        out.append((h, found))
        previous = h
    return out
