"""What a need may contain: the input shapes and the checks both the pages and the API use.

Free text is refused (never silently altered) when it could not be stored faithfully or
could turn into markup or a spreadsheet formula wherever it is shown or exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.kernel.errors import Invalid
from coordination.kernel.ids import MAX_ID
from coordination.kernel.text import N_
from coordination.needs.models import MAX_QUANTITY, DeliveryKind, Priority
from coordination.parties.models import Location, LocationKind, Region

MAX_LINES = 20
LIMITS = {"town": 120, "address": 300, "serviceman_name": 200, "serviceman_unit": 200}
NOTE_LIMIT = 500
REASON_LIMIT = 1000
SIZE_LIMIT = 32
MAX_AHEAD = timedelta(days=731)
TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")
FORMULA_START = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why this text is refused, or None. The message is marked for translation."""
    if _CONTROL.search(value) or _SURROGATE.search(value):
        return N_("This text contains a character that cannot be stored.")
    if "\ufffd" in value:
        return N_("This text contains bytes that are not valid text; type it again.")
    if "<" in value or ">" in value:
        return N_("Angle brackets < and > are not allowed here.")
    if value.lstrip().startswith(FORMULA_START):
        return N_("Text may not start with =, +, - or @.")
    return None


def clean_text(value: str | None, field_name: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > limit:
        raise Invalid(N_("Use at most %(limit)s characters."), field=field_name, limit=limit)
    problem = text_problem(value)
    if problem:
        raise Invalid(problem, field=field_name)
    return value


def date_problem(value: date, today: date | None = None) -> str | None:
    today = today or utcnow().date()
    if value < today - timedelta(days=1):
        return N_("The date is in the past.")
    if value > today + MAX_AHEAD:
        return N_("The date is more than two years ahead.")
    return None


@dataclass
class LineInput:
    item_id: int
    quantity: int
    size: str | None = None
    priority: Priority = Priority.NORMAL
    needed_by: date | None = None
    note: str | None = None
    slot: int = 0  # where the line was on the form, so an error lands next to it


@dataclass
class NeedInput:
    region_id: int | None
    delivery_kind: DeliveryKind = DeliveryKind.REGION
    town: str | None = None
    location_id: int | None = None
    address: str | None = None
    serviceman_name: str | None = None
    serviceman_unit: str | None = None
    lines: list[LineInput] = field(default_factory=list)


def line_field(line: LineInput, name: str) -> str:
    return f"lines-{line.slot}-{name}"


def _id_ok(ident: int | None) -> bool:
    # PostgreSQL refuses a lookup beyond its integer range instead of finding nothing.
    return isinstance(ident, int) and 1 <= ident <= MAX_ID


def checked_lines(session: Session, lines: list[LineInput]) -> list[LineInput]:
    if not lines:
        raise Invalid(N_("Add at least one line: an item and a quantity."), field="lines")
    if len(lines) > MAX_LINES:
        raise Invalid(N_("Give at most %(limit)s lines."), field="lines", limit=MAX_LINES)
    out = []
    for line in lines:
        item = session.get(Item, line.item_id) if _id_ok(line.item_id) else None
        if item is None or not item.active:
            raise Invalid(N_("Choose an item from the catalog."), field=line_field(line, "item_id"))
        if isinstance(line.quantity, bool) or not 1 <= line.quantity <= MAX_QUANTITY:
            raise Invalid(
                N_("Give a whole number from 1 to %(limit)s."),
                field=line_field(line, "quantity"),
                limit=MAX_QUANTITY,
            )
        size = clean_text(line.size, line_field(line, "size"), SIZE_LIMIT)
        if item.sizes and size is not None and size not in item.sizes:
            raise Invalid(
                N_("Choose one of the sizes: %(sizes)s."),
                field=line_field(line, "size"),
                sizes=", ".join(item.sizes),
            )
        if not item.sizes and size is not None:
            raise Invalid(N_("This item has no sizes."), field=line_field(line, "size"))
        if line.needed_by is not None:
            problem = date_problem(line.needed_by)
            if problem:
                raise Invalid(problem, field=line_field(line, "needed_by"))
        note = clean_text(line.note, line_field(line, "note"), NOTE_LIMIT)
        out.append(
            LineInput(
                item.id,
                line.quantity,
                size,
                Priority(line.priority),
                line.needed_by,
                note,
                line.slot,
            )
        )
    return out


def checked_need(session: Session, data: NeedInput, household: bool) -> NeedInput:
    region = session.get(Region, data.region_id) if _id_ok(data.region_id) else None
    if region is None:
        raise Invalid(N_("Choose a region from the list."), field="region_id")
    kind = DeliveryKind(data.delivery_kind)
    out = NeedInput(region_id=region.id, delivery_kind=kind)
    for name, limit in LIMITS.items():
        setattr(out, name, clean_text(getattr(data, name), name, limit))
    if not household:
        # The serviceman's name and unit are asked of families only.
        out.serviceman_name = out.serviceman_unit = None
    if kind == DeliveryKind.TOWN and not out.town:
        raise Invalid(N_("Name the town."), field="town")
    if kind == DeliveryKind.PRIVATE_ADDRESS and not out.address:
        raise Invalid(N_("Give the address; it is stored encrypted."), field="address")
    if kind == DeliveryKind.HUB:
        loc = session.get(Location, data.location_id) if _id_ok(data.location_id) else None
        if loc is None or not loc.active or loc.kind != LocationKind.HUB:
            raise Invalid(N_("Choose a hub from the list."), field="location_id")
        out.location_id = loc.id
    if kind != DeliveryKind.PRIVATE_ADDRESS:
        out.address = None
    if kind != DeliveryKind.TOWN:
        out.town = None
    out.lines = checked_lines(session, data.lines)
    return out


def checked_token(token: str | None) -> str:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise Invalid(
            N_("The form has expired; open it again and resend."), field="submission_token"
        )
    return token
