"""Custody chain: one handover = from a party in a role to a party in a role, place, time, lines.

A presenter (an official at a ceremony) is recorded as presenter and can never be a source:
only the ones who made, gave or funded goods (groups, donors, campaigns) are sources, and
only as the giving side. The chain is continuous and follows the dispatch (chain.py).
The place is a town (≤120 characters); the ledger gets its region
code only, since a town could point at a family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.chain import check_next
from coordination.deliveries.models import (
    Delivery,
    DeliveryStatus,
    Handover,
    HandoverLine,
    HandoverRole,
)
from coordination.deliveries.services import (
    _id_ok,
    base_view,
    bump,
    locked,
    require_manager,
    require_status,
)
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_, has_nul
from coordination.ledger.services import append
from coordination.parties.models import SOURCE_KINDS, Party, PartyKind, Region
from coordination.parties.services import ledger_ref

NAMED_KINDS = (PartyKind.GROUP, PartyKind.CAMPAIGN, PartyKind.DONOR)  # if they agreed
# Goods change hands once they left: a handover needs the dispatch it follows.
OPEN = (DeliveryStatus.DISPATCHED, DeliveryStatus.DELIVERED)
MAX_PLACE = 120
MAX_NOTE = 2000


@dataclass
class HandoverInput:
    from_party_id: Any
    from_role: Any
    to_party_id: Any
    to_role: Any
    place: Any
    region_id: Any = None
    at: datetime | None = None
    note: str | None = None
    # (delivery line id, quantity); empty: every line in full
    lines: list[tuple[Any, Any]] = field(default_factory=list)


def _party(session: Session, party_id: Any, fld: str) -> Party:
    party = session.get(Party, party_id) if _id_ok(party_id) else None
    if party is None:
        raise Invalid(N_("Choose a party."), fld)
    return party


def _role(value: Any, fld: str) -> HandoverRole:
    try:
        return HandoverRole(value)
    except ValueError:
        raise Invalid(N_("Choose a role."), fld) from None


def check_roles(
    session: Session,
    delivery: Delivery,
    giver: Party,
    from_role: HandoverRole,
    taker: Party,
    to_role: HandoverRole,
) -> None:
    if giver.id == taker.id:
        raise Invalid(N_("A party cannot hand goods over to itself."), "to_party_id")
    if to_role == HandoverRole.SOURCE:
        raise Invalid(N_("The receiving side is never the source."), "to_role")
    if from_role == HandoverRole.RECIPIENT:
        raise Invalid(N_("The giving side is not the recipient."), "from_role")
    if from_role == HandoverRole.SOURCE:
        presented = any(
            (h.from_party_id == giver.id and h.from_role == HandoverRole.PRESENTER)
            or (h.to_party_id == giver.id and h.to_role == HandoverRole.PRESENTER)
            for h in delivery.handovers
        )
        if giver.kind not in SOURCE_KINDS or presented:
            raise Invalid(
                N_(
                    "Only a group, a donor or a campaign that made or gave the goods "
                    "is their source; a presenter never is."
                ),
                "from_role",
            )


def _lines(delivery: Delivery, raw: list[tuple[Any, Any]]) -> list[tuple[Any, int]]:
    if not raw:
        return [(line, line.quantity) for line in delivery.lines]
    by_id = {line.id: line for line in delivery.lines}
    chosen: dict[int, int] = {}
    for line_id, quantity in raw:
        line = by_id.get(line_id) if _id_ok(line_id) else None
        if line is None or line_id in chosen:
            raise Invalid(N_("That line is not part of this delivery."), "lines")
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not (0 <= quantity <= line.quantity)
        ):
            raise Invalid(N_("Enter a quantity from 0 to %(n)s."), "lines", n=line.quantity)
        chosen[line_id] = quantity
    picked = [(by_id[i], q) for i, q in chosen.items() if q > 0]
    if not picked:
        raise Invalid(N_("Hand over at least one line."), "lines")
    return picked


def _label(party: Party) -> str | None:
    if party.kind not in NAMED_KINDS or (party.kind == PartyKind.DONOR and not party.name_public):
        return None
    return party.display_name


def record_handover(
    session: Session, actor: User | None, delivery: Delivery, version: Any, data: HandoverInput
) -> Handover:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, *OPEN)
    giver, taker = (
        _party(session, data.from_party_id, "from_party_id"),
        _party(session, data.to_party_id, "to_party_id"),
    )
    from_role, to_role = _role(data.from_role, "from_role"), _role(data.to_role, "to_role")
    check_roles(session, delivery, giver, from_role, taker, to_role)
    place = data.place.strip() if isinstance(data.place, str) else ""
    if not place or len(place) > MAX_PLACE or has_nul(place):
        raise Invalid(N_("Enter the town (at most %(n)s characters)."), "place", n=MAX_PLACE)
    region = session.get(Region, data.region_id) if _id_ok(data.region_id) else None
    if data.region_id is not None and region is None:
        raise Invalid(N_("Choose a region."), "region_id")
    at = data.at or utcnow()
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    note = (data.note or "").strip() or None
    if note is not None and (len(note) > MAX_NOTE or has_nul(note)):
        raise Invalid(N_("At most %(n)s characters."), "note", n=MAX_NOTE)
    check_next(session, delivery, giver, from_role, at, note)
    lines = _lines(delivery, data.lines)
    handover = Handover(
        delivery_id=delivery.id,
        from_party_id=giver.id,
        from_role=from_role,
        to_party_id=taker.id,
        to_role=to_role,
        place=place,
        region_id=region.id if region else None,
        at=at,
        note=note,
        created_by_id=actor.id if actor else None,
    )
    handover.lines = [HandoverLine(delivery_line_id=ln.id, quantity=q) for ln, q in lines]
    delivery.handovers.append(handover)
    session.flush()
    entry = append(
        session,
        actor,
        "delivery.handover",
        {
            **base_view(delivery),
            "handover": handover.public_id,
            # Sources, carriers, presenters and officials by public id (attribution names
            # them); a household or unit only as a commitment with a fresh salt.
            **ledger_ref("from", giver),
            "from_kind": giver.kind.value,
            "from_role": from_role.value,
            "from_label": _label(giver),
            **ledger_ref("to", taker),
            "to_kind": taker.kind.value,
            "to_role": to_role.value,
            "to_label": _label(taker),
            "region": region.code if region else delivery.region.code,
            "on": at.date().isoformat(),
            "lines": [
                {"lot": ln.lot.public_id, "item": ln.lot.item.code, "quantity": q}
                for ln, q in lines
            ],
        },
    )
    handover.entry_index = entry.index
    bump(session, delivery)
    return handover
