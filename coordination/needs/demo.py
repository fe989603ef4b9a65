"""The needs part of the demo world (called from coordination.demo._needs).

Both demo families get one need in every status; the units ask for socks and more often
enough that the public board has something to show above its suppression threshold.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import DeliveryKind, Need, NeedStatus, Priority
from coordination.parties.models import Party

if TYPE_CHECKING:
    from coordination.demo import World

Line = tuple[str, int, Priority]


def add_needs(session: Session, world: World) -> None:
    coordinator = world.users["demo-coordinator"]
    items = {i.code: i for i in session.scalars(select(Item))}
    for username, region in (("demo-family", "RU-VLA"), ("demo-family2", "RU-CE")):
        family = world.users[username]
        assert family.party is not None
        _every_status(session, world, family, family.party, region, items, coordinator)
    unit = world.users["demo-unit"]
    socks = [("WOOL-SOCKS", 40, Priority.URGENT), ("BALACLAVA", 20, Priority.HIGH)]
    for n in range(5):
        need = _submit(session, world, unit, world.parties["unit-north"], "RU-BEL", items,
                       [socks[0], socks[1]] if n % 2 else [socks[0]])  # fmt: skip
        services.approve_need(session, coordinator, need, need.version)
    kits = [("MED-KIT", 15, Priority.URGENT), ("TRENCH-CANDLE", 100, Priority.NORMAL)]
    hospital = _submit(session, world, None, world.parties["hospital"], "RU-ROS", items, kits)
    services.approve_need(session, coordinator, hospital, hospital.version)


def _every_status(
    session: Session, world: World, family: User, party: Party, region: str,
    items: dict[str, Item], coordinator: User,
) -> None:  # fmt: skip
    def submit(lines: list[Line]) -> Need:
        return _submit(session, world, family, party, region, items, lines)

    submit([("WOOL-SOCKS", 4, Priority.HIGH), ("TRENCH-CANDLE", 20, Priority.NORMAL)])
    approved = submit([("INSUL-GLOVES", 2, Priority.URGENT)])
    services.approve_need(session, coordinator, approved, approved.version)
    rejected = submit([("ARMOUR-VEST", 1, Priority.URGENT)])
    services.reject_need(session, coordinator, rejected, rejected.version,
                         "Бронежилеты выдаются только подразделениям, не семьям.")  # fmt: skip
    partial = submit([("WOOL-SOCKS", 6, Priority.NORMAL), ("BALACLAVA", 2, Priority.NORMAL)])
    services.approve_need(session, coordinator, partial, partial.version)
    first = partial.lines[0]
    services.record_progress(session, coordinator, partial, first.id,
                             allocated=6, dispatched=6, received=3)  # fmt: skip
    done = submit([("THERMAL-UW", 1, Priority.LOW)])
    services.approve_need(session, coordinator, done, done.version)
    services.record_progress(session, coordinator, done, done.lines[0].id,
                             allocated=1, dispatched=1, received=1)  # fmt: skip
    cancelled = submit([("KNIT-VEST", 1, Priority.LOW)])
    services.cancel_need(session, family, cancelled, cancelled.version)
    assert {n.status for n in (approved, rejected, partial, done, cancelled)} == set(
        NeedStatus
    ) - {NeedStatus.SUBMITTED}


def _submit(
    session: Session, world: World, actor: User | None, party: Party, region: str,
    items: dict[str, Item], lines: list[Line],
) -> Need:  # fmt: skip
    data = NeedInput(
        region_id=world.regions[region].id,
        delivery_kind=DeliveryKind.REGION,
        lines=[
            LineInput(items[code].id, qty, _size(items[code]), priority)
            for code, qty, priority in lines
        ],
    )
    need, _created = services.submit_need(session, actor, data, secrets.token_urlsafe(24), party)
    return need


def _size(item: Item) -> str | None:
    sizes = list(item.sizes or [])
    return sizes[len(sizes) // 2] if sizes else None
