"""The needs part of the demo world (called from coordination.demo._needs).

Both demo families get one need in every status. More households, in several regions, ask
for what a winter at the front takes. In the Vladimir region (demo-coordinator's) six
households have approved requests for wool socks, so the public board shows a row that no
single household can be picked out of, and some requests still wait for demo-coordinator's
decision. The units' and other regions' requests are decided by demo-admin: a coordinator
decides only in its own region. The northern unit asks several times for the same things:
one party, however many needs, stays below the board's threshold.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import DeliveryKind, Need, NeedStatus, Priority
from coordination.parties.models import Party, PartyKind
from coordination.parties.services import PartyFields, register_party

if TYPE_CHECKING:
    from coordination.demo import World

Line = tuple[str, int, Priority]
Submit = Callable[[User | None, Party, str, list[Line]], Need]
COORDINATED = "RU-VLA"  # demo-coordinator's region

# More households (key, region, invented name): names and phones live only in encrypted fields.
HOUSEHOLDS = [
    ("household-vla-2", "RU-VLA", "Морозова Анна Петровна (демо)"),
    ("household-vla-3", "RU-VLA", "Кузнецова Ольга Викторовна (демо)"),
    ("household-vla-4", "RU-VLA", "Белова Татьяна Николаевна (демо)"),
    ("household-vla-5", "RU-VLA", "Никитина Светлана Юрьевна (демо)"),
    ("household-vla-6", "RU-VLA", "Громова Ирина Андреевна (демо)"),
    ("household-kos", "RU-KOS", "Смирнова Людмила Сергеевна (демо)"),
    ("household-ba", "RU-BA", "Галиева Гульнара Ринатовна (демо)"),
    ("household-yan", "RU-YAN", "Лаптева Мария Олеговна (демо)"),
]


def add_needs(session: Session, world: World) -> None:
    items = {i.code: i for i in session.scalars(select(Item))}

    def decider(region: str) -> User:
        return world.users["demo-coordinator" if region == COORDINATED else "demo-admin"]

    def submit(actor: User | None, party: Party, region: str, lines: list[Line]) -> Need:
        return _submit(session, world, actor, party, region, items, lines)

    def approved(party: Party, region: str, lines: list[Line]) -> Need:
        need = submit(None, party, region, lines)
        return services.approve_need(session, decider(region), need, need.version)

    for username, region in (("demo-family", "RU-VLA"), ("demo-family2", "RU-CE")):
        family = world.users[username]
        assert family.party is not None
        _every_status(session, family, family.party, region, decider(region), submit)
    for n, (party, region) in enumerate(_households(session, world)):
        approved(party, region, [("WOOL-SOCKS", 4 + n % 3, Priority.HIGH)])
        if n % 2:  # still waiting for a decision
            submit(
                None,
                party,
                region,
                [("TRENCH-CANDLE", 10, Priority.NORMAL), ("INSUL-GLOVES", 1, Priority.HIGH)],
            )
    unit, north = world.users["demo-unit"], world.parties["unit-north"]
    socks = [("WOOL-SOCKS", 40, Priority.URGENT), ("BALACLAVA", 20, Priority.HIGH)]
    for n in range(5):
        need = submit(unit, north, "RU-BEL", socks if n % 2 else socks[:1])
        services.approve_need(session, decider("RU-BEL"), need, need.version)
    kits = [("MED-KIT", 15, Priority.URGENT), ("TRENCH-CANDLE", 100, Priority.NORMAL)]
    approved(world.parties["hospital"], "RU-ROS", kits)


def _households(session: Session, world: World) -> list[tuple[Party, str]]:
    parties = []
    for n, (key, region, name) in enumerate(HOUSEHOLDS, start=41):
        fields = PartyFields(
            display_name=None,
            name_public=False,
            region_id=world.regions[region].id,
            private_name=name,
            phone=f"+7 900 000-00-{n}",
            address=None,
            note=None,
        )
        world.parties[key] = register_party(session, None, PartyKind.HOUSEHOLD, fields)
        parties.append((world.parties[key], region))
    return parties


def _every_status(
    session: Session, family: User, party: Party, region: str, decider: User, submit: Submit
) -> None:
    def mine(lines: list[Line]) -> Need:
        return submit(family, party, region, lines)

    mine([("WOOL-SOCKS", 4, Priority.HIGH), ("TRENCH-CANDLE", 20, Priority.NORMAL)])
    approved = mine([("INSUL-GLOVES", 2, Priority.URGENT)])
    services.approve_need(session, decider, approved, approved.version)
    # Approved and still waiting for stock, whatever the delivery demo later sends.
    waiting = mine([("NITRILE-GLOVES", 2, Priority.NORMAL)])
    services.approve_need(session, decider, waiting, waiting.version)
    rejected = mine([("ARMOUR-VEST", 1, Priority.URGENT)])
    services.reject_need(
        session,
        decider,
        rejected,
        rejected.version,
        "Бронежилеты выдаются только подразделениям, не семьям.",
    )
    partial = mine([("WOOL-SOCKS", 6, Priority.NORMAL), ("BALACLAVA", 2, Priority.NORMAL)])
    services.approve_need(session, decider, partial, partial.version)
    services.record_progress(
        session, decider, partial, partial.lines[0].id, allocated=6, dispatched=6, received=3
    )
    done = mine([("THERMAL-UW", 1, Priority.LOW)])
    services.approve_need(session, decider, done, done.version)
    services.record_progress(
        session, decider, done, done.lines[0].id, allocated=1, dispatched=1, received=1
    )
    cancelled = mine([("KNIT-VEST", 1, Priority.LOW)])
    services.cancel_need(session, family, cancelled, cancelled.version)
    assert {n.status for n in (approved, rejected, partial, done, cancelled)} == set(NeedStatus) - {
        NeedStatus.SUBMITTED
    }


def _submit(
    session: Session,
    world: World,
    actor: User | None,
    party: Party,
    region: str,
    items: dict[str, Item],
    lines: list[Line],
) -> Need:
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
