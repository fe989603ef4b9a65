"""Demo deliveries along the custody chain (called from coordination.demo._deliveries).

1. Kostroma socks through the Vladimir hub to the northern unit: the knitting circle's last
   socks move from its workshop to the hub, then the hub sends socks to the unit, confirmed.
2. Gloves and a balaclava for a Vladimir household, partly received (disputed shortfall).
3. The Vladimir case: goods the volunteers collected are handed to the regional official,
   who presents them at a ceremony (recorded as presenter, never a source); the unit
   confirms what arrived.
Dates are relative to today.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.allocation import add_line, candidate_lots
from coordination.deliveries.handovers import HandoverInput, record_handover
from coordination.deliveries.models import Delivery, Handover, HandoverRole, LineCondition
from coordination.deliveries.receipts import ReceiptInput, record_receipt
from coordination.deliveries.services import DraftInput, create_draft
from coordination.deliveries.status import dispatch, mark_delivered, pack
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.parties.models import Party
from coordination.stock.models import Lot, OriginKind

if TYPE_CHECKING:
    from coordination.demo import World

S, C, CA, P, R = (
    HandoverRole.SOURCE,
    HandoverRole.COLLECTOR,
    HandoverRole.CARRIER,
    HandoverRole.PRESENTER,
    HandoverRole.RECIPIENT,
)


def add_deliveries(session: Session, world: World) -> None:
    coordinator = world.users["demo-coordinator"]
    _hub_move(session, world, coordinator)
    lines = _open_lines(session, world, "unit-north", 0)
    socks = _unit_delivery(session, world, coordinator, lines, days=3)
    world.things["delivery-socks"] = socks
    world.things["handover-socks-unit"] = _handover(
        session,
        coordinator,
        socks,
        world.parties["courier-vla"],
        CA,
        world.parties["unit-north"],
        R,
        "Белгород",
        world,
        "RU-BEL",
        days=2,
    )
    _receive(session, world.users["demo-unit"], socks, short=0)
    world.things["delivery-household"] = _household(session, world, coordinator)
    world.things["delivery-vladimir-case"] = _vladimir_case(session, world, coordinator)


def _open_lines(session: Session, world: World, party: str, index: int) -> list[NeedLine]:
    needs = list(
        session.scalars(
            select(Need)
            .where(Need.party_id == world.parties[party].id, Need.status.in_(OPEN_DEMAND))
            .order_by(Need.id)
        )
    )
    return [ln for ln in needs[index].lines if ln.remaining > 0 and not ln.unavailable]


def _go(session: Session, actor: User | None, delivery: Delivery, days: int) -> Delivery:
    """Pack and dispatch; the demo's story left `days` days ago, so the dispatch time is set
    back to then: its handovers (dated days ago) must follow the dispatch (chain.py)."""
    pack(session, actor, delivery, delivery.version)
    dispatch(session, actor, delivery, delivery.version)
    delivery.dispatched_at = utcnow() - timedelta(days=days)
    session.flush()
    return delivery


def _handover(
    session: Session,
    actor: User | None,
    delivery: Delivery,
    giver: Party,
    from_role: HandoverRole,
    taker: Party,
    to_role: HandoverRole,
    town: str,
    world: World,
    region: str,
    days: int,
) -> Handover:
    return record_handover(
        session,
        actor,
        delivery,
        delivery.version,
        HandoverInput(
            from_party_id=giver.id,
            from_role=from_role,
            to_party_id=taker.id,
            to_role=to_role,
            place=town,
            region_id=world.regions[region].id,
            at=utcnow() - timedelta(days=days),
        ),
    )


def _receive(session: Session, actor: User, delivery: Delivery, short: int) -> None:
    """Everything arrived, except `short` missing from the first line."""
    answers = {}
    for n, line in enumerate(delivery.lines):
        got = max(line.quantity - short, 0) if n == 0 else line.quantity
        answers[line.id] = (got, LineCondition.OK if got == line.quantity else LineCondition.SHORT)
    record_receipt(session, actor, delivery, delivery.version, ReceiptInput(lines=answers))


def _hub_move(session: Session, world: World, coordinator: User) -> None:
    """The knitting circle's socks left at its workshop travel to the Vladimir hub."""
    room = world.locations["knitting-room"]
    lots = list(
        session.scalars(
            select(Lot)
            .where(
                Lot.location_id == room.id,
                Lot.quantity > Lot.reserved,
                Lot.origin_kind == OriginKind.BATCH,
            )
            .order_by(Lot.id)
        )
    )
    if not lots:
        return
    move = create_draft(
        session,
        None,
        DraftInput(from_location_id=room.id, to_location_id=world.locations["hub-vla"].id),
    )
    for lot in lots:
        add_line(session, None, move, move.version, lot.id, lot.quantity - lot.reserved)
    _go(session, None, move, days=7)
    _handover(
        session,
        None,
        move,
        world.parties["knitting"],
        S,
        world.parties["courier-vla"],
        CA,
        "Кострома",
        world,
        "RU-KOS",
        days=6,
    )
    mark_delivered(session, None, move, move.version)
    _receive(session, coordinator, move, short=0)
    world.things["delivery-hub-move"] = move


def _unit_delivery(
    session: Session, world: World, coordinator: User, lines: list[NeedLine], days: int
) -> Delivery:
    delivery = create_draft(
        session,
        coordinator,
        DraftInput(
            from_location_id=world.locations["hub-vla"].id,
            need_line_ids=[ln.id for ln in lines],
            expected_on=utcnow().date() - timedelta(days=2),
        ),
    )
    return _go(session, coordinator, delivery, days)


def _household(session: Session, world: World, coordinator: User) -> Delivery:
    hub = world.locations["hub-vla"]
    party = world.parties["household-vla"]
    needs = session.scalars(
        select(Need)
        .where(Need.party_id == party.id, Need.status.in_(OPEN_DEMAND))
        .order_by(Need.id)
    )
    probe = Delivery(region_id=hub.region_id, from_location_id=hub.id)
    wanted = [
        ln.id
        for need in needs
        for ln in need.lines
        if ln.remaining > 0 and candidate_lots(session, probe, ln, limit=1)
    ]
    delivery = create_draft(
        session,
        coordinator,
        DraftInput(
            from_location_id=hub.id,
            need_line_ids=wanted,
            expected_on=utcnow().date() - timedelta(days=1),
        ),
    )
    _go(session, coordinator, delivery, days=2)
    world.things["handover-household"] = _handover(
        session,
        coordinator,
        delivery,
        world.parties["courier-vla"],
        CA,
        party,
        R,
        "Владимир",
        world,
        "RU-VLA",
        days=1,
    )
    _receive(session, world.users["demo-family"], delivery, short=1)
    return delivery


def _vladimir_case(session: Session, world: World, coordinator: User) -> Delivery:
    p = world.parties
    delivery = _unit_delivery(
        session, world, coordinator, _open_lines(session, world, "unit-north", 1), days=5
    )
    _handover(
        session,
        coordinator,
        delivery,
        p["knitting"],
        S,
        p["courier-vla"],
        C,
        "Владимир",
        world,
        "RU-VLA",
        days=4,
    )
    _handover(
        session,
        coordinator,
        delivery,
        p["courier-vla"],
        CA,
        p["official"],
        P,
        "Владимир",
        world,
        "RU-VLA",
        days=3,
    )
    world.things["handover-ceremony"] = _handover(
        session,
        coordinator,
        delivery,
        p["official"],
        P,
        p["unit-north"],
        R,
        "Владимир",
        world,
        "RU-VLA",
        days=3,
    )
    mark_delivered(session, coordinator, delivery, delivery.version)
    _receive(session, world.users["demo-unit"], delivery, short=0)
    return delivery
