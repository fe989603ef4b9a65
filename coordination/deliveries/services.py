"""Deliveries: create a draft, change its details, cancel it. Shared helpers for the others.

Allocation (allocation.py), the status steps (status.py), handovers (handovers.py) and
receipts (receipts.py) build on the helpers here. Every change checks the form's `version`
on the locked delivery row (stale → 409), bumps it, appends its ledger entry and flushes.
A coordinator changes only deliveries leaving its region; an admin any (access.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.access import DELIVERY_STAFF, can_manage, can_manage_region
from coordination.deliveries.models import Delivery, DeliveryLine, DeliveryStatus
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.ids import get_or_404, valid_id
from coordination.kernel.text import N_, STALE, has_nul
from coordination.ledger.canonical import canonical_json
from coordination.ledger.describe import register
from coordination.ledger.privacy import Sealed
from coordination.ledger.services import append
from coordination.needs import services as needs
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.parties.access import in_region
from coordination.parties.models import Location, Party, PartyKind
from coordination.parties.services import ledger_ref
from coordination.stock.origins import origin_public_id

RECIPIENT_KINDS = (PartyKind.UNIT, PartyKind.HOUSEHOLD, PartyKind.GROUP)
MAX_TEXT = 2000
MAX_PACKAGES = 10_000

SENTENCES = {
    "delivery.created": _l("Delivery %(delivery)s was started (%(to_kind)s, region %(region)s)."),
    "delivery.allocated": _l(
        "%(quantity)s × %(item)s from lot %(lot)s were allocated to delivery %(delivery)s."
    ),
    "delivery.released": _l(
        "%(quantity)s × %(item)s from lot %(lot)s were released from delivery %(delivery)s."
    ),
    "delivery.packed": _l("Delivery %(delivery)s was packed (%(line_count)s line(s))."),
    "delivery.dispatched": _l(
        "Delivery %(delivery)s was dispatched with %(line_count)s line(s); "
        "verification code %(code)s."
    ),
    "delivery.delivered": _l("Delivery %(delivery)s arrived."),
    "delivery.handover": _l(
        "Handover in delivery %(delivery)s: %(from_kind)s %(from)s as %(from_role)s to "
        "%(to_kind)s %(to)s as %(to_role)s, region %(region)s."
    ),
    "delivery.receipt": _l("Receipt of delivery %(delivery)s was recorded: %(outcome)s."),
    "delivery.cancelled": _l("Delivery %(delivery)s was cancelled before dispatch."),
}
for _kind, _sentence in SENTENCES.items():
    register(_kind, _sentence)


def require_staff(actor: User | None) -> None:
    if actor is not None and actor.role not in DELIVERY_STAFF:
        raise Forbidden(N_("Only coordinators and admins build deliveries."))


def require_manager(actor: User | None, delivery: Delivery) -> None:
    require_staff(actor)
    if not can_manage(actor, delivery):
        raise NotFound(N_("Not found."))


def locked(session: Session, delivery: Delivery, version: Any) -> Delivery:
    """The delivery row, locked for this transaction, if the caller saw its latest version."""
    if isinstance(version, bool) or not isinstance(version, int):
        raise Invalid(N_("The form is missing its version; reload the page."), "version")
    stmt = select(Delivery).where(Delivery.id == delivery.id).with_for_update()
    row = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    if row.version != version:
        raise Conflict(STALE)
    return row


def bump(session: Session, delivery: Delivery) -> None:
    delivery.version += 1
    session.flush()


def require_status(delivery: Delivery, *allowed: DeliveryStatus) -> None:
    if delivery.status not in allowed:
        template = N_("This cannot be done to a delivery that is %(status)s.")
        exc = Conflict(template % {"status": delivery.status.value})
        # Pages translate the template first, then put in the status, itself a message
        # ("draft", "packed"... are catalogued by the documents' labels) translated lazily.
        exc.template, exc.params = template, {"status": _l(delivery.status.value)}  # type: ignore[attr-defined]
        raise exc


def line_view(session: Session, line: DeliveryLine, **extra: Any) -> dict[str, Any]:
    """A delivery line for the ledger: public ids, item code, quantity, origin. No names."""
    lot = line.lot
    return {
        "lot": lot.public_id,
        "item": lot.item.code,
        "size": lot.size,
        "quantity": line.quantity,
        "origin_kind": lot.origin_kind.value,
        "origin": origin_public_id(session, lot),
        **extra,
    }


def base_view(delivery: Delivery) -> dict[str, Any]:
    to_kind = delivery.to_party.kind.value if delivery.to_party else "hub"
    return {"delivery": delivery.public_id, "region": delivery.region.code, "to_kind": to_kind}


def progress(
    session: Session, line: NeedLine, *, allocated: int = 0, dispatched: int = 0, received: int = 0
) -> None:
    """Move a need line's fulfilment projection by these amounts (needs.record_progress).

    The need may sit in another region than the delivery (a hub serves several), so the
    delivery service, having checked its own rights, records the progress as the system.
    """
    need = session.execute(
        select(Need)
        .where(Need.id == line.need_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    current = next(ln for ln in need.lines if ln.id == line.id)
    session.refresh(current)
    alloc = min(max(current.quantity_allocated + allocated, 0), current.quantity)
    sent = min(max(current.quantity_dispatched + dispatched, 0), alloc)
    got = min(max(current.quantity_received + received, 0), sent)
    if need.status not in OPEN_DEMAND:
        return  # a need closed meanwhile (cancelled, fulfilled) keeps its own record
    needs.record_progress(
        session, None, need, line.id, allocated=alloc, dispatched=sent, received=got
    )


@dataclass
class DraftInput:
    from_location_id: int | None
    need_line_ids: list[int] = field(default_factory=list)
    to_party_id: int | None = None  # without need lines: goods for a unit, household or group
    to_location_id: int | None = None  # a move to a hub or warehouse
    expected_on: date | None = None
    allocate: bool = True  # reserve the proposed lots for each need line at once


def _from_location(session: Session, actor: User | None, location_id: int | None) -> Location:
    try:
        location = get_or_404(session, Location, location_id)
    except NotFound:
        raise Invalid(N_("Choose where the goods leave from."), "from_location_id") from None
    if not location.active or not can_manage_region(actor, location.region_id):
        raise Invalid(N_("Choose where the goods leave from."), "from_location_id")
    return location


def open_need_lines(session: Session, ids: list[int]) -> list[NeedLine]:
    if not ids or len(ids) > 200 or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise Invalid(N_("Choose at least one approved need line."), "need_line_ids")
    lines = list(session.scalars(select(NeedLine).where(NeedLine.id.in_(set(ids)))))
    if len(lines) != len(set(ids)):
        raise Invalid(N_("Choose at least one approved need line."), "need_line_ids")
    for line in lines:
        if line.need.status not in OPEN_DEMAND or line.unavailable or line.remaining < 1:
            raise Invalid(
                N_("Only approved lines still waiting for goods can be delivered."), "need_line_ids"
            )
    if len({line.need.party_id for line in lines}) != 1:
        raise Invalid(
            N_("One delivery goes to one recipient: choose lines of one party."), "need_line_ids"
        )
    return sorted(lines, key=lambda ln: ln.id)


def _destination(
    session: Session, data: DraftInput, origin: Location
) -> tuple[Party | None, Location | None]:
    if data.to_location_id is not None:
        dest = session.get(Location, data.to_location_id) if _id_ok(data.to_location_id) else None
        if dest is None or not dest.active or dest.id == origin.id:
            raise Invalid(
                N_("Choose another active location to move the goods to."), "to_location_id"
            )
        return None, dest
    party = session.get(Party, data.to_party_id) if _id_ok(data.to_party_id) else None
    if party is None or not party.active or party.kind not in RECIPIENT_KINDS:
        raise Invalid(N_("Choose a unit, a household or a group to deliver to."), "to_party_id")
    return party, None


def may_address(actor: User | None, party: Party) -> bool:
    """Whether `actor` may send goods to `party` (None: the command line or the demo)."""
    return actor is None or party.kind != PartyKind.HOUSEHOLD or in_region(actor, party.region_id)


def _id_ok(value: Any) -> bool:
    return valid_id(value) is not None


def create_draft(session: Session, actor: User | None, data: DraftInput) -> Delivery:
    """A draft delivery towards approved need lines of one recipient, or a move to a hub."""
    require_staff(actor)
    origin = _from_location(session, actor, data.from_location_id)
    lines: list[NeedLine] = []
    if data.need_line_ids:
        if data.to_location_id is not None:
            raise Invalid(N_("A move to a hub carries no need lines."), "to_location_id")
        lines = open_need_lines(session, data.need_line_ids)
        data.to_party_id = lines[0].need.party_id
    party, dest = _destination(session, data, origin)
    if party is not None and not may_address(actor, party):
        # Its manifest carries the household's name, phone and address (the manager's copy):
        # only staff of its own region may send it goods. Units and groups may be anywhere.
        if lines:
            raise Invalid(N_("Choose at least one approved need line."), "need_line_ids")
        raise Invalid(N_("Choose a unit, a household or a group to deliver to."), "to_party_id")
    delivery = Delivery(
        region_id=origin.region_id,
        from_location_id=origin.id,
        to_party_id=party.id if party else None,
        to_location_id=dest.id if dest else None,
        expected_on=data.expected_on,
        created_by_id=actor.id if actor else None,
    )
    session.add(delivery)
    session.flush()
    append(
        session,
        actor,
        "delivery.created",
        {
            **base_view(delivery),
            "from": origin.public_id,
            **(ledger_ref("to", party) if party else {"to": dest.public_id if dest else None}),
            # The needs it serves belong to one household: named here, two of its needs
            # would be tied together and to the delivery's public items.
            "needs_commitment": _needs_ref(lines),
        },
    )
    if data.allocate and lines:
        from coordination.deliveries.allocation import allocate_proposals

        allocate_proposals(session, actor, delivery, lines)
    session.flush()
    return delivery


def _needs_ref(lines: list[NeedLine]) -> Sealed | None:
    if not lines:
        return None
    needs = sorted({ln.need.public_id for ln in lines})
    return Sealed(canonical_json({"needs": needs}), f"party:{lines[0].need.party.public_id}")


@dataclass
class DetailsInput:
    expected_on: date | None = None
    carrier_id: int | None = None
    vehicle: str | None = None
    driver: str | None = None
    comments: str | None = None
    packages: int | None = None


def update_details(
    session: Session, actor: User | None, delivery: Delivery, version: Any, data: DetailsInput
) -> Delivery:
    """Carrier, vehicle, driver, comments, package count: personal text stays encrypted."""
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT, DeliveryStatus.PACKED)
    carrier = None
    if data.carrier_id is not None:
        carrier = session.get(Party, data.carrier_id) if _id_ok(data.carrier_id) else None
        if carrier is None or carrier.kind != PartyKind.COURIER or not carrier.active:
            raise Invalid(N_("Choose a courier."), "carrier_id")
    for name, limit in (("vehicle", 60), ("driver", 200), ("comments", MAX_TEXT)):
        value = getattr(data, name)
        if value is not None and (len(value) > limit or has_nul(value)):
            raise Invalid(N_("At most %(n)s characters."), name, n=limit)
    if data.packages is not None and (
        isinstance(data.packages, bool) or not 1 <= data.packages <= MAX_PACKAGES
    ):
        raise Invalid(N_("Enter a package count from 1 to %(n)s."), "packages", n=MAX_PACKAGES)
    delivery.expected_on, delivery.carrier_id = data.expected_on, carrier.id if carrier else None
    delivery.vehicle = (data.vehicle or "").strip() or None
    delivery.driver = (data.driver or "").strip() or None
    delivery.comments = (data.comments or "").strip() or None
    delivery.packages = data.packages
    bump(session, delivery)
    return delivery


def cancel(session: Session, actor: User | None, delivery: Delivery, version: Any) -> Delivery:
    """Give every reservation back; only before dispatch (afterwards goods are on the road)."""
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT, DeliveryStatus.PACKED)
    from coordination.deliveries.allocation import release_line

    for line in list(delivery.lines):
        release_line(session, actor, delivery, line, record=False)
    delivery.status, delivery.closed_at = DeliveryStatus.CANCELLED, utcnow()
    append(
        session,
        actor,
        "delivery.cancelled",
        {
            **base_view(delivery),
            "lines": [line_view(session, ln) for ln in delivery.lines],
        },
    )
    bump(session, delivery)
    return delivery
