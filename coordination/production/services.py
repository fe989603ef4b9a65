"""Production services: a group logs a batch it made; the batch becomes a lot at the group's
location with origin = that batch, and one ledger entry records both.

The ledger gets public ids, the group's public id, item codes, sizes, quantities and dates:
never the names of the members who made the batch (those are encrypted in the batch row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.kernel.actors import Role
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.text import N_, has_nul
from coordination.ledger.privacy import PersonalDataError, check_public
from coordination.ledger.services import append
from coordination.parties.access import in_region
from coordination.parties.models import Location, Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.stock.models import OriginKind
from coordination.stock.services import check_quantity, mark_created, open_lot

MEMBERS_LIMIT = 500
SIZE_LIMIT = 32
LOGGERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


@dataclass
class BatchInput:
    group_id: int | None
    item_id: int | None
    quantity: int | None
    made_on: date | None
    size: str | None = None
    members: str | None = None
    members_public: bool = False


def group_location(session: Session, group: Party) -> Location | None:
    """Where a group keeps what it makes: its first active location."""
    stmt = (
        select(Location)
        .where(Location.party_id == group.id, Location.active)
        .order_by(Location.id)
        .limit(1)
    )
    return session.scalar(stmt)


def check_item(
    session: Session, item_id: int | None, size: str | None, field: str = "item_id"
) -> tuple[Item, str | None]:
    item = session.get(Item, item_id) if item_id else None
    if item is None or not item.active:
        raise Invalid(N_("Choose an item from the catalog."), field)
    size = (size or "").strip() or None
    if size is not None and (len(size) > SIZE_LIMIT or has_nul(size)):
        raise Invalid(N_("Enter a size of at most %(n)s characters."), "size", n=SIZE_LIMIT)
    if size is not None:
        try:  # a size goes to the public ledger: nothing that reads like a phone number
            check_public({"size": size})
        except PersonalDataError:
            raise Invalid(N_("Enter a size such as 42-44, L or 52."), "size") from None
    if size is not None and item.sizes and size not in item.sizes:
        raise Invalid(
            N_("Choose one of this item's sizes: %(sizes)s."), "size", sizes=", ".join(item.sizes)
        )
    return item, size


def check_date(value: date | None, field: str) -> date:
    if value is None:
        raise Invalid(N_("Enter a date."), field)
    # A day's grace: a volunteer east of UTC is already in tomorrow.
    if value > utcnow().date() + timedelta(days=1) or value.year < 2014:
        raise Invalid(N_("Enter a date that is not in the future."), field)
    return value


def log_production_batch(session: Session, actor: User | None, data: BatchInput) -> ProductionBatch:
    if actor is not None and actor.role not in LOGGERS:
        raise Forbidden(N_("Only volunteers, coordinators and admins log batches."))
    group = session.get(Party, data.group_id) if data.group_id else None
    if group is None or group.kind != PartyKind.GROUP or not group.active:
        raise Invalid(N_("Choose a volunteer group."), "group_id")
    if actor is not None and actor.role == Role.VOLUNTEER and actor.party_id != group.id:
        raise NotFound(N_("Not found."))
    item, size = check_item(session, data.item_id, data.size)
    quantity = check_quantity(data.quantity)
    made_on = check_date(data.made_on, "made_on")
    members = (data.members or "").strip() or None
    if members is not None and (len(members) > MEMBERS_LIMIT or has_nul(members)):
        raise Invalid(N_("Enter at most %(n)s characters."), "members", n=MEMBERS_LIMIT)
    location = group_location(session, group)
    if location is None:
        raise Invalid(
            N_("This group has no location to keep its stock yet: ask a coordinator to add one."),
            "group_id",
        )
    if (
        actor is not None
        and actor.role == Role.COORDINATOR
        and not in_region(actor, location.region_id)
    ):
        raise NotFound(N_("Not found."))  # stock of another region: not this coordinator's
    batch = ProductionBatch(
        group_id=group.id,
        group=group,
        item_id=item.id,
        item=item,
        size=size,
        quantity=quantity,
        made_on=made_on,
        members=members,
        made_by_members_public=bool(data.members_public and members),
        created_by_id=actor.id if actor else None,
    )
    session.add(batch)
    session.flush()
    lot = open_lot(
        session,
        actor,
        item=item,
        size=size,
        quantity=quantity,
        location=location,
        origin_kind=OriginKind.BATCH,
        origin_id=batch.id,
    )
    entry = append(
        session,
        actor,
        "origin.batch",
        {
            "batch": batch.public_id,
            "group": group.public_id,
            "item": item.code,
            "size": size,
            "quantity": quantity,
            "made_on": made_on.isoformat(),
            "named_members": batch.made_by_members_public,
            "lot": lot.public_id,
            "location": location.public_id,
        },
    )
    mark_created([lot], entry)
    session.flush()
    return batch
