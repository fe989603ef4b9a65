"""The starter catalog: what volunteers actually make and send. Idempotent.

`seed_catalog` adds only the categories and items whose codes are missing, through the
services, so every addition is in the ledger; running it again changes nothing. Available
as `flask --app app catalog seed` once the command group is registered.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog import services
from coordination.catalog.models import Category, Item, UnitOfMeasure

CATEGORIES = [
    ("CLOTHING", "Одежда", "Clothing"),
    ("PROTECTION", "Защита", "Protection"),
    ("MEDICAL", "Медицина", "Medical"),
    ("HEAT", "Обогрев и свет", "Heat and light"),
]


@dataclass(frozen=True)
class SeedItem:
    code: str
    name_ru: str
    name_en: str
    unit: UnitOfMeasure
    category: str
    sizes: tuple[str, ...] = ()
    components: tuple[tuple[str, int], ...] = ()


P, PC, K, S = UnitOfMeasure.PAIR, UnitOfMeasure.PIECE, UnitOfMeasure.KIT, UnitOfMeasure.SET
CLOTHING_SIZES = ("S", "M", "L", "XL", "XXL")
SOCK_SIZES = ("39-41", "42-44", "45-47")
GLOVE_SIZES = ("M", "L", "XL")

# Components first: a kit can only list items that exist.
ITEMS = [
    SeedItem("WOOL-SOCKS", "Шерстяные носки", "Wool socks", P, "CLOTHING", SOCK_SIZES),
    SeedItem("KNIT-VEST", "Вязаный жилет", "Knitted vest", PC, "CLOTHING", ("M", "L", "XL", "XXL")),
    SeedItem("BALACLAVA", "Балаклава", "Balaclava", PC, "CLOTHING"),
    SeedItem("INSUL-GLOVES", "Утеплённые перчатки", "Insulated gloves", P, "CLOTHING", GLOVE_SIZES),
    SeedItem("THERMAL-UW", "Термобельё", "Thermal underwear", S, "CLOTHING", CLOTHING_SIZES),
    SeedItem("ARMOUR-VEST", "Бронежилет", "Body-armour vest", PC, "PROTECTION", ("M", "L", "XL")),
    SeedItem("TRENCH-CANDLE", "Окопная свеча", "Trench candle", PC, "HEAT"),
    SeedItem("TOURNIQUET", "Кровоостанавливающий турникет", "Tourniquet", PC, "MEDICAL"),
    SeedItem("HEMO-BANDAGE", "Гемостатический бинт", "Hemostatic bandage", PC, "MEDICAL"),
    SeedItem("PRESSURE-BANDAGE", "Израильский бинт", "Israeli bandage", PC, "MEDICAL"),
    SeedItem("CHEST-SEAL", "Окклюзионная повязка", "Chest seal", PC, "MEDICAL"),
    SeedItem("NITRILE-GLOVES", "Нитриловые перчатки", "Nitrile gloves", P, "MEDICAL"),
    SeedItem("RESCUE-BLANKET", "Спасательное покрывало", "Rescue blanket", PC, "MEDICAL"),
    SeedItem("TRAUMA-SHEARS", "Атравматические ножницы", "Trauma shears", PC, "MEDICAL"),
    SeedItem(
        "MED-KIT",
        "Аптечка первой помощи",
        "Individual medical kit",
        K,
        "MEDICAL",
        components=(
            ("TOURNIQUET", 1),
            ("HEMO-BANDAGE", 1),
            ("PRESSURE-BANDAGE", 1),
            ("CHEST-SEAL", 2),
            ("NITRILE-GLOVES", 2),
            ("RESCUE-BLANKET", 1),
            ("TRAUMA-SHEARS", 1),
        ),
    ),
]


@dataclass
class SeedReport:
    categories: int = 0
    items: int = 0

    def __str__(self) -> str:
        return f"catalog: {self.categories} categories and {self.items} items added"


def seed_catalog(session: Session, actor: User | None = None) -> SeedReport:
    report = SeedReport()
    cats = {c.code: c for c in session.scalars(select(Category))}
    for code, name_ru, name_en in CATEGORIES:
        if code not in cats:
            cats[code] = services.create_category(session, actor, code, name_ru, name_en)
            report.categories += 1
    existing = set(session.scalars(select(Item.code)))
    for spec in ITEMS:
        if spec.code in existing:
            continue
        fields = services.ItemFields(
            name_ru=spec.name_ru,
            name_en=spec.name_en,
            unit=spec.unit,
            category_id=cats[spec.category].id,
            sizes=list(spec.sizes),
            is_kit=bool(spec.components),
            components=list(spec.components),
        )
        services.create_item(session, actor, spec.code, fields)
        report.items += 1
    return report


catalog_cli = AppGroup("catalog", help="The item catalog.")


@catalog_cli.command("seed")
def seed_command() -> None:
    """Add the starter catalog (socks, vests, balaclavas, gloves, medical kits...). Idempotent."""
    from coordination.db import db
    from coordination.kernel.errors import DomainError

    try:
        report = seed_catalog(db.session)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(str(report))
