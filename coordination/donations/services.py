"""Donation services: goods brought by a donor become lots with origin = that donation.

The donor gets a receipt code to follow its goods later (kept out of the ledger).
The ledger gets the donation's and the donor's public ids (pseudonymous; None for an
anonymous donor), the location's public id, item codes, sizes and quantities: no names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.donations.models import InKindDonation, InKindLine, new_receipt_code
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.text import N_
from coordination.ledger.services import append
from coordination.parties.models import Location, Party, PartyKind
from coordination.production.services import check_date, check_item
from coordination.stock.access import can_stock_at
from coordination.stock.models import OriginKind
from coordination.stock.services import (
    check_quantity,
    mark_created,
    open_lot,
    require_stock_user,
)

MAX_LINES = 20
DONOR_KINDS = (PartyKind.DONOR, PartyKind.CAMPAIGN, PartyKind.GROUP)


@dataclass
class InKindLineInput:
    item_id: int | None
    quantity: int | None
    size: str | None = None


@dataclass
class InKindInput:
    location_id: int | None
    received_on: date | None
    donor_id: int | None = None
    lines: list[InKindLineInput] = field(default_factory=list)


def record_in_kind_donation(
    session: Session, actor: User | None, data: InKindInput
) -> InKindDonation:
    require_stock_user(actor)
    location = session.get(Location, data.location_id) if data.location_id else None
    if location is None or not location.active:
        raise Invalid(N_("Choose a location."), "location_id")
    if not can_stock_at(actor, location):
        raise NotFound(N_("Not found."))
    donor = session.get(Party, data.donor_id) if data.donor_id else None
    if data.donor_id and (donor is None or donor.kind not in DONOR_KINDS or not donor.active):
        raise Invalid(N_("Choose a donor, or none for an anonymous donor."), "donor_id")
    received_on = check_date(data.received_on, "received_on")
    if not 1 <= len(data.lines) <= MAX_LINES:
        raise Invalid(N_("Enter from 1 to %(n)s lines."), "lines", n=MAX_LINES)
    donation = InKindDonation(
        donor_id=donor.id if donor else None,
        location_id=location.id,
        received_on=received_on,
        receipt_code=new_receipt_code(),
        created_by_id=actor.id if actor else None,
    )
    for line in data.lines:
        item, size = check_item(session, line.item_id, line.size)
        donation.lines.append(
            InKindLine(
                item_id=item.id, item=item, size=size, quantity=check_quantity(line.quantity)
            )
        )
    session.add(donation)
    session.flush()
    recorded, lots = [], []
    for row in donation.lines:
        lot = open_lot(
            session,
            actor,
            item=row.item,
            size=row.size,
            quantity=row.quantity,
            location=location,
            origin_kind=OriginKind.IN_KIND,
            origin_id=donation.id,
        )
        recorded.append(
            {
                "item": row.item.code,
                "size": row.size,
                "quantity": row.quantity,
                "lot": lot.public_id,
            }
        )
        lots.append(lot)
    entry = append(
        session,
        actor,
        "origin.in_kind",
        {
            "donation": donation.public_id,
            "donor": donor.public_id if donor else None,
            "location": location.public_id,
            "received_on": received_on.isoformat(),
            "lines": recorded,
        },
    )
    mark_created(lots, entry)  # so a later correction names the entry it supersedes
    session.flush()
    return donation
