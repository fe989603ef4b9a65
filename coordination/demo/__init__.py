"""The demo world: the real story AidTrail was built for, with one account per role.

Knitters in Kostroma, vocational students sewing balaclavas and gloves in Chechnya, a vest
maker in Kusimovo (Bashkortostan), a school fair in Novy Urengoy that raised 59,000 RUB for
medical kits, a hub in the Vladimir region, couriers, two units, two households, donors, and
a regional official who will later be photographed "presenting" what others made.

Everything goes through the services, so the ledger records the world as it is built. Each
part of the world has its own function and lands in `World`, so later capabilities
(production, donations, deliveries) can add their part by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.accounts import passwords
from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.catalog.seed import SeedReport, seed_catalog
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.parties import places
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.parties.services import PartyFields, register_party

DEFAULT_PASSWORD = "aidtrail-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_USERNAMES = (
    "demo-admin",
    "demo-coordinator",
    "demo-volunteer",
    "demo-family",
    "demo-family2",
    "demo-unit",
    "demo-auditor",
)
FAIR_RAISED_RUB = 59_000  # what the Novy Urengoy school fair raised for medical kits

REGIONS = [
    ("RU-KOS", "Костромская область", "Kostroma Oblast"),
    ("RU-CE", "Чеченская Республика", "Chechen Republic"),
    ("RU-BA", "Республика Башкортостан", "Republic of Bashkortostan"),
    ("RU-YAN", "Ямало-Ненецкий автономный округ", "Yamalo-Nenets Autonomous Okrug"),
    ("RU-VLA", "Владимирская область", "Vladimir Oblast"),
    ("RU-ROS", "Ростовская область", "Rostov Oblast"),
    ("RU-BEL", "Белгородская область", "Belgorod Oblast"),
]


# Both: services and tests see a DomainError; `flask demo` (which does not catch it) prints
# the message as a click error instead of a traceback. Both bases set the same `message`.
class DemoRefused(DomainError, click.ClickException):  # type: ignore[misc]
    """The demo cannot be built here."""


@dataclass
class World:
    """What the demo built, by short name, for the report and for later builders."""

    regions: dict[str, Region] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    catalog: SeedReport = field(default_factory=SeedReport)
    # Objects later builders hand on to each other by name (a delivery, a donation...).
    things: dict[str, Any] = field(default_factory=dict)


def build_demo(session: Session, password: str | None = None) -> str:
    """Build the demo world and return a printable report. Flushes; the caller commits."""
    existing = session.scalar(
        select(func.count()).select_from(User).where(User.username.in_(DEMO_USERNAMES))
    )
    if existing:
        raise DemoRefused("The demo accounts already exist; the demo was not built again.")
    chosen = password or DEFAULT_PASSWORD
    problem = passwords.policy_error(chosen)
    if problem:
        raise DemoRefused(f"The demo password is refused: {problem}")
    world = World()
    add_regions(session, world)
    world.catalog = seed_catalog(session)
    add_makers(session, world)
    add_campaign_and_official(session, world)
    add_couriers(session, world)
    add_recipients(session, world)
    add_donors(session, world)
    add_locations(session, world)
    add_accounts(session, world, chosen)
    _needs(session, world)
    _origins(session, world)
    _money(session, world)
    _deliveries(session, world)
    _evidence(session, world)
    _disputes(session, world)
    return report(world, custom_password=password is not None)


def add_regions(session: Session, world: World) -> None:
    for code, name_ru, name_en in REGIONS:
        region = session.scalar(select(Region).where(Region.code == code))
        world.regions[code] = region or places.create_region(session, None, code, name_ru, name_en)


def _party(
    session: Session,
    world: World,
    key: str,
    kind: PartyKind,
    region: str,
    *,
    display_name: str | None = None,
    private_name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    note: str | None = None,
    name_public: bool = True,
) -> Party:
    fields = PartyFields(
        display_name=display_name,
        name_public=name_public,
        region_id=world.regions[region].id,
        private_name=private_name,
        phone=phone,
        address=address,
        note=note,
    )
    world.parties[key] = register_party(session, None, kind, fields)
    return world.parties[key]


def add_makers(session: Session, world: World) -> None:
    _party(
        session,
        world,
        "knitting",
        PartyKind.GROUP,
        "RU-KOS",
        display_name="Кружок вязания «Тёплые руки», Кострома",
    )
    _party(
        session,
        world,
        "sewing",
        PartyKind.GROUP,
        "RU-CE",
        display_name="Швейная мастерская колледжа, Грозный",
    )
    _party(
        session,
        world,
        "vests",
        PartyKind.GROUP,
        "RU-BA",
        display_name="Мастерская жилетов, Кусимово",
    )


def add_campaign_and_official(session: Session, world: World) -> None:
    _party(
        session,
        world,
        "fair",
        PartyKind.CAMPAIGN,
        "RU-YAN",
        display_name="Школьная ярмарка, Новый Уренгой",
    )
    _party(
        session,
        world,
        "official",
        PartyKind.OFFICIAL,
        "RU-VLA",
        display_name="Депутат областного собрания (Владимирская область)",
    )


def add_couriers(session: Session, world: World) -> None:
    _party(
        session,
        world,
        "courier-vla",
        PartyKind.COURIER,
        "RU-VLA",
        display_name="Сергей, водитель (Владимир)",
        phone="+7 900 000-00-11",
    )
    _party(
        session,
        world,
        "courier-ce",
        PartyKind.COURIER,
        "RU-CE",
        display_name="Ахмед, перевозчик (Грозный)",
        phone="+7 900 000-00-12",
    )


def add_recipients(session: Session, world: World) -> None:
    # Real names, phones and addresses are invented, and live only in the encrypted fields.
    _party(
        session,
        world,
        "unit-north",
        PartyKind.UNIT,
        "RU-BEL",
        private_name="Подразделение «Север» (демо)",
        phone="+7 900 000-00-21",
    )
    _party(
        session,
        world,
        "hospital",
        PartyKind.UNIT,
        "RU-ROS",
        private_name="Военный госпиталь (демо)",
        address="Ростов-на-Дону (демо)",
    )
    _party(
        session,
        world,
        "household-vla",
        PartyKind.HOUSEHOLD,
        "RU-VLA",
        private_name="Соколова Елена Ивановна (демо)",
        phone="+7 900 000-00-31",
        address="Владимир, ул. Примерная, д. 1 (демо)",
        note="Муж на лечении в госпитале.",
    )
    _party(
        session,
        world,
        "household-ce",
        PartyKind.HOUSEHOLD,
        "RU-CE",
        private_name="Ахмедова Мадина Руслановна (демо)",
        phone="+7 900 000-00-32",
    )


def add_donors(session: Session, world: World) -> None:
    _party(
        session,
        world,
        "yarn-shop",
        PartyKind.DONOR,
        "RU-KOS",
        display_name="Магазин пряжи «Клубок», Кострома",
        name_public=True,
    )
    _party(
        session,
        world,
        "anonymous",
        PartyKind.DONOR,
        "RU-VLA",
        private_name="Петров Иван Сергеевич (демо)",
        name_public=False,
    )


def _location(
    session: Session,
    world: World,
    key: str,
    name: str,
    kind: LocationKind,
    region: str,
    town: str,
    party: str | None = None,
) -> None:
    owner = world.parties[party].id if party else None
    fields = places.LocationFields(name, kind, world.regions[region].id, town, owner)
    world.locations[key] = places.register_location(session, None, fields)


def add_locations(session: Session, world: World) -> None:
    _location(session, world, "hub-vla", "Владимирский хаб", LocationKind.HUB, "RU-VLA", "Владимир")
    _location(
        session,
        world,
        "knitting-room",
        "Мастерская «Тёплых рук»",
        LocationKind.WORKSHOP,
        "RU-KOS",
        "Кострома",
        "knitting",
    )
    _location(
        session,
        world,
        "sewing-room",
        "Швейный цех колледжа",
        LocationKind.WORKSHOP,
        "RU-CE",
        "Грозный",
        "sewing",
    )
    _location(
        session,
        world,
        "vest-room",
        "Мастерская жилетов",
        LocationKind.WORKSHOP,
        "RU-BA",
        "Кусимово",
        "vests",
    )


def add_accounts(session: Session, world: World, password: str) -> None:
    p = world.parties
    specs: list[tuple[str, Role, Party | None, str | None]] = [
        ("demo-admin", Role.ADMIN, None, None),
        ("demo-coordinator", Role.COORDINATOR, None, "RU-VLA"),
        ("demo-volunteer", Role.VOLUNTEER, p["knitting"], "RU-KOS"),
        ("demo-family", Role.FAMILY, p["household-vla"], "RU-VLA"),
        ("demo-family2", Role.FAMILY, p["household-ce"], "RU-CE"),
        ("demo-unit", Role.UNIT_REP, p["unit-north"], "RU-BEL"),
        ("demo-auditor", Role.AUDITOR, None, None),
    ]
    for username, role, party, region in specs:
        world.users[username] = accounts.create_user(
            session,
            None,
            username=username,
            password=password,
            role=role,
            party_id=party.id if party else None,
            region_id=world.regions[region].id if region else None,
        )


def _needs(session: Session, world: World) -> None:
    """Needs in every status for both demo families, and open demand from the units."""
    from coordination.demo.needs import add_needs

    add_needs(session, world)


def _origins(session: Session, world: World) -> None:
    """Batches from the three makers, donations in kind and stock at the Vladimir hub."""
    from coordination.demo.stock import add_origins

    add_origins(session, world)


def _money(session: Session, world: World) -> None:
    """The fair's money and other donations in money, and what they bought."""
    from coordination.demo.donations import add_money

    add_money(session, world)


def _deliveries(session: Session, world: World) -> None:
    """Deliveries along the custody chain, with evidence and receipts."""
    from coordination.demo.deliveries import add_deliveries

    add_deliveries(session, world)


def _evidence(session: Session, world: World) -> None:
    """Photos of the demo handovers (taken with GPS EXIF, which storage strips)."""
    from coordination.demo.evidence import add_photos

    add_photos(session, world)


def _disputes(session: Session, world: World) -> None:
    """The Vladimir case: the group challenges the official's claim."""
    from coordination.demo.disputes import add_disputes

    add_disputes(session, world)


RECIPIENTS = ("unit-north", "hospital", "household-vla", "household-ce")


def report(world: World, custom_password: bool) -> str:
    p = world.parties
    lines = [
        "AidTrail demo world created.",
        "",
        f"Regions: {', '.join(world.regions)}",
        f"{world.catalog}",
        "Makers: " + "; ".join(p[k].display_name for k in ("knitting", "sewing", "vests")),
        f"Campaign: {p['fair'].display_name} (raised {FAIR_RAISED_RUB:,} RUB for medical kits)",
        f"Official (presents goods, never a source): {p['official'].display_name}",
        "Couriers: " + "; ".join(p[k].display_name for k in ("courier-vla", "courier-ce")),
        "Recipients: " + "; ".join(p[k].display_name for k in RECIPIENTS),
        "Donors: " + "; ".join(p[k].display_name for k in ("yarn-shop", "anonymous")),
        "Locations: " + "; ".join(loc.name for loc in world.locations.values()),
        "",
        "Accounts:",
    ]
    for username, user in world.users.items():
        acts_for = f", acts for {user.party.display_name}" if user.party else ""
        coordinates = user.role == Role.COORDINATOR and user.region is not None
        region = f", region {user.region.code}" if coordinates and user.region else ""
        lines.append(f"  {username:<18} {user.role.value}{acts_for}{region}")
    if custom_password:
        lines.append("Password for every demo account: the one given with --password.")
    else:
        lines.append(
            f"Password for every demo account: {DEFAULT_PASSWORD} "
            "(the default; choose another with --password)."
        )
    return "\n".join(lines)
