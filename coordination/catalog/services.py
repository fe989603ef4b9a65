"""Catalog services: the only writers of items, categories and kit compositions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.access import can_manage_catalog
from coordination.catalog.models import Category, Item, KitComponent, UnitOfMeasure
from coordination.kernel.errors import Conflict, Forbidden, Invalid
from coordination.kernel.paging import search_clause
from coordination.kernel.stamps import edit_stamp
from coordination.kernel.text import N_, STALE, has_nul
from coordination.ledger.services import append

CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
MAX_SIZES = 30
MAX_SIZE_LENGTH = 16
MAX_COMPONENTS = 50
MAX_QUANTITY = 10_000


@dataclass
class ItemFields:
    name_ru: str = ""
    name_en: str = ""
    unit: UnitOfMeasure = UnitOfMeasure.PIECE
    category_id: int | None = None
    sizes: list[str] = field(default_factory=list)
    is_kit: bool = False
    # (component item code, quantity); only for kits
    components: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def of(cls, item: Item) -> ItemFields:
        return cls(
            item.name_ru,
            item.name_en,
            item.unit,
            item.category_id,
            list(item.sizes or []),
            item.is_kit,
            [(c.component.code, c.quantity) for c in item.components],
        )


def parse_sizes(text: str | list[str] | None) -> list[str]:
    """Comma-separated sizes: trimmed, blanks dropped, repeats (any case) dropped, bounded."""
    raw = text.split(",") if isinstance(text, str) else list(text or [])
    sizes: list[str] = []
    seen: set[str] = set()
    for value in raw:
        value = value.strip()
        if not value:
            continue
        if has_nul(value) or len(value) > MAX_SIZE_LENGTH:
            raise Invalid(
                N_("Each size may have at most %(limit)s characters."),
                field="sizes",
                limit=MAX_SIZE_LENGTH,
            )
        if value.casefold() not in seen:
            seen.add(value.casefold())
            sizes.append(value)
    if len(sizes) > MAX_SIZES:
        raise Invalid(N_("Give at most %(limit)s sizes."), field="sizes", limit=MAX_SIZES)
    return sizes


def parse_components(text: str | None) -> list[tuple[str, int]]:
    """One per line: "TOURNIQUET 1", "CHEST-SEAL x 2" or "GLOVES: 1"; a missing quantity is 1."""
    pattern = re.compile(r"^([A-Za-z0-9_-]+)\s*(?:[x×*:]\s*)?(\d{1,9})?$")
    out: list[tuple[str, int]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = pattern.match(line)
        if match is None:
            raise Invalid(
                N_("Write each component as a code and a quantity, e.g. TOURNIQUET 1."),
                field="components",
            )
        out.append((match.group(1).upper(), int(match.group(2) or 1)))
    return out


def format_components(item: Item) -> str:
    return "\n".join(f"{c.component.code} {c.quantity}" for c in item.components)


def item_stamp(item: Item) -> str:
    comps = sorted((c.component_id, c.quantity) for c in item.components)
    return edit_stamp(
        [
            item.name_ru,
            item.name_en,
            item.unit.value,
            item.category_id,
            item.sizes,
            item.is_kit,
            item.active,
            comps,
        ]
    )


def category_stamp(cat: Category) -> str:
    return edit_stamp([cat.code, cat.name_ru, cat.name_en])


def _require_admin(actor: User | None) -> None:
    if actor is not None and not can_manage_catalog(actor):
        raise Forbidden(N_("Only an admin can change the catalog."))


def _name(value: str | None, field: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(N_("This field is required."), field=field)
    if len(value) > limit:
        raise Invalid(N_("Use at most %(limit)s characters."), field=field, limit=limit)
    if has_nul(value):
        raise Invalid(N_("This text contains a character that cannot be stored."), field=field)
    return value


def _code(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not CODE.match(code):
        raise Invalid(N_("Use 2 to 32 latin capitals, digits, dash or underscore."), field="code")
    return code


def item_view(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": item.code,
        "names": {"ru": item.name_ru, "en": item.name_en},
        "unit": item.unit.value,
        "sizes": list(item.sizes or []),
        "active": item.active,
    }
    if item.category is not None:
        data["category"] = item.category.code
    if item.is_kit:
        data["components"] = [
            {"code": c.component.code, "quantity": c.quantity} for c in item.components
        ]
    return data


def _resolve_components(
    session: Session, kit: Item | None, fields: ItemFields
) -> list[tuple[Item, int]]:
    if not fields.is_kit:
        if fields.components:
            raise Invalid(
                N_('Only a kit has components; tick "kit" or remove them.'), field="components"
            )
        return []
    if len(fields.components) > MAX_COMPONENTS:
        raise Invalid(
            N_("A kit may have at most %(limit)s components."),
            field="components",
            limit=MAX_COMPONENTS,
        )
    resolved: list[tuple[Item, int]] = []
    seen: set[str] = set()
    for code, quantity in fields.components:
        code = code.strip().upper()
        if code in seen:
            raise Invalid(N_("%(code)s is listed twice."), field="components", code=code)
        seen.add(code)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise Invalid(
                N_("Quantities must be between 1 and %(limit)s."),
                field="components",
                limit=MAX_QUANTITY,
            )
        component = session.scalar(select(Item).where(Item.code == code))
        if component is None or not component.active:
            raise Invalid(
                N_("There is no active item with the code %(code)s."),
                field="components",
                code=code[:32],
            )
        if kit is not None:
            _refuse_cycle(session, kit, component)
        resolved.append((component, quantity))
    return resolved


def _refuse_cycle(session: Session, kit: Item, component: Item) -> None:
    """A kit may not contain itself, directly or through another kit it contains."""
    if component.id == kit.id:
        raise Invalid(N_("A kit cannot contain itself."), field="components")
    edges: dict[int, list[int]] = {}
    for kit_id, comp_id in session.execute(select(KitComponent.kit_id, KitComponent.component_id)):
        edges.setdefault(kit_id, []).append(comp_id)
    stack, seen = [component.id], set()
    while stack:
        current = stack.pop()
        if current == kit.id:
            raise Invalid(
                N_("%(code)s already contains this kit; a kit cannot contain itself."),
                field="components",
                code=component.code,
            )
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))


def _apply(session: Session, item: Item, fields: ItemFields) -> None:
    item.name_ru = _name(fields.name_ru, "name_ru")
    item.name_en = _name(fields.name_en, "name_en")
    item.unit = UnitOfMeasure(fields.unit)
    if fields.category_id is not None and session.get(Category, fields.category_id) is None:
        raise Invalid(N_("Choose a category from the list."), field="category_id")
    item.category_id = fields.category_id
    item.sizes = parse_sizes(fields.sizes)
    resolved = _resolve_components(session, item if item.id else None, fields)
    item.is_kit = fields.is_kit
    wanted = {comp.id: qty for comp, qty in resolved}
    for existing in list(item.components):
        if existing.component_id not in wanted:
            item.components.remove(existing)
        else:
            existing.quantity = wanted.pop(existing.component_id)
    for comp, _qty in resolved:
        if comp.id in wanted:
            item.components.append(KitComponent(component=comp, quantity=wanted[comp.id]))


def create_item(session: Session, actor: User | None, code: str, fields: ItemFields) -> Item:
    _require_admin(actor)
    code = _code(code)
    if session.scalar(select(func.count()).select_from(Item).where(Item.code == code)):
        raise Invalid(N_("This code is taken."), field="code")
    item = Item(code=code, name_ru="", name_en="", unit=UnitOfMeasure.PIECE, sizes=[])
    _apply(session, item, fields)
    session.add(item)
    session.flush()
    append(session, actor, "item.created", item_view(item))
    return item


def update_item(
    session: Session, actor: User | None, item: Item, stamp: str | None, fields: ItemFields
) -> Item:
    _require_admin(actor)
    if stamp is not None and stamp != item_stamp(item):
        raise Conflict(STALE)
    before = item_view(item)
    _apply(session, item, fields)
    session.flush()
    session.refresh(item, ["category"])
    after = item_view(item)
    if after != before:
        append(session, actor, "item.updated", after)
    return item


def set_item_active(session: Session, actor: User | None, item: Item, active: bool) -> Item:
    _require_admin(actor)
    if item.active != active:
        item.active = active
        session.flush()
        append(session, actor, "item.updated", item_view(item))
    return item


def create_category(
    session: Session, actor: User | None, code: str, name_ru: str, name_en: str
) -> Category:
    _require_admin(actor)
    code = _code(code)
    if session.scalar(select(func.count()).select_from(Category).where(Category.code == code)):
        raise Invalid(N_("This code is taken."), field="code")
    cat = Category(
        code=code, name_ru=_name(name_ru, "name_ru", 120), name_en=_name(name_en, "name_en", 120)
    )
    session.add(cat)
    session.flush()
    append(session, actor, "category.created", _category_view(cat))
    return cat


def update_category(
    session: Session,
    actor: User | None,
    cat: Category,
    stamp: str | None,
    name_ru: str,
    name_en: str,
) -> Category:
    _require_admin(actor)
    if stamp is not None and stamp != category_stamp(cat):
        raise Conflict(STALE)
    cat.name_ru = _name(name_ru, "name_ru", 120)
    cat.name_en = _name(name_en, "name_en", 120)
    if session.is_modified(cat):
        session.flush()
        append(session, actor, "category.updated", _category_view(cat))
    return cat


def _category_view(cat: Category) -> dict[str, Any]:
    return {"category": cat.code, "names": {"ru": cat.name_ru, "en": cat.name_en}}


def search_items(
    q: str = "", category_code: str | None = None, active: bool | None = True
) -> Select[Item]:
    stmt = select(Item).order_by(Item.code)
    if q:
        stmt = stmt.where(search_clause(q, Item.code, Item.name_ru, Item.name_en))
    if category_code:
        stmt = stmt.join(Category, Item.category_id == Category.id).where(
            Category.code == category_code
        )
    if active is not None:
        stmt = stmt.where(Item.active.is_(active))
    return stmt
