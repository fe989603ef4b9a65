"""The demo's people and places: regions, the makers, the campaign and the official,
couriers, recipients, donors, and the hubs, warehouses and workshops."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.demo.world import World
from coordination.parties import places
from coordination.parties.models import LocationKind, Party, PartyKind, Region
from coordination.parties.services import PartyFields, register_party

REGIONS = [
    ("RU-KOS", "Костромская область", "Kostroma Oblast"),
    ("RU-CE", "Чеченская Республика", "Chechen Republic"),
    ("RU-BA", "Республика Башкортостан", "Republic of Bashkortostan"),
    ("RU-YAN", "Ямало-Ненецкий автономный округ", "Yamalo-Nenets Autonomous Okrug"),
    ("RU-VLA", "Владимирская область", "Vladimir Oblast"),
    ("RU-ROS", "Ростовская область", "Rostov Oblast"),
    ("RU-BEL", "Белгородская область", "Belgorod Oblast"),
]


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
