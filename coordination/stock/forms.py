"""Stock forms, and the choice lists the origin forms share (items, locations)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.catalog.ordering import by_name
from coordination.parties.forms import NONE, options
from coordination.parties.models import Location
from coordination.stock.access import location_clause
from coordination.stock.services import MAX_QUANTITY
from coordination.web.forms import IntegerField


def item_choices(session: Session, locale: str, blank: str) -> list[Any]:
    items = by_name(session.scalars(select(Item).where(Item.active.is_(True))), locale)
    return options([(NONE, blank), *((i.id, i.name(locale)) for i in items)])


def location_choices(
    session: Session,
    actor: User | None,
    blank: str,
    *,
    scoped: bool = True,
    exclude: int | None = None,
) -> list[Any]:
    stmt = select(Location).where(Location.active.is_(True)).order_by(Location.name)
    if scoped:
        stmt = stmt.where(location_clause(actor))
    places = [loc for loc in session.scalars(stmt) if loc.id != exclude]
    # Unscoped, the list is the network-wide directory: a place's name and region only.
    return options(
        [(NONE, blank), *((loc.id, loc.name if scoped else _directory(loc)) for loc in places)]
    )


def _directory(loc: Location) -> str:
    return f"{loc.name} · {loc.region.code}"


def kit_choices(session: Session, locale: str, blank: str) -> list[Any]:
    active = session.scalars(select(Item).where(Item.active.is_(True)))
    items = [i for i in by_name(active, locale) if i.components]
    return options([(NONE, blank), *((i.id, i.name(locale)) for i in items)])


ADJUST_REASONS = options(
    [
        ("lost", _l("Lost: this many are gone")),
        ("damaged", _l("Damaged: this many cannot be given out")),
        ("recount", _l("Recount: the number actually counted")),
    ]
)


class AdjustForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=ADJUST_REASONS, validators=[InputRequired()])
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), NumberRange(0, MAX_QUANTITY)]
    )


class KitForm(FlaskForm):
    kit_id = SelectField(_l("Kit"), coerce=int, validators=[InputRequired()])
    quantity = IntegerField(
        _l("How many kits"), validators=[InputRequired(), NumberRange(1, MAX_QUANTITY)]
    )
    location_id = SelectField(_l("Location"), coerce=int, validators=[InputRequired()])


class TransferForm(FlaskForm):
    to_location_id = SelectField(_l("To location"), coerce=int, validators=[InputRequired()])
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), NumberRange(1, MAX_QUANTITY)]
    )
