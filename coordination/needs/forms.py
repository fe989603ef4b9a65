"""Forms for needs. A need form has a fixed number of line slots; empty slots are ignored,
so a phone without JavaScript can still ask for several items at once."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from coordination.catalog.models import Item
from coordination.catalog.ordering import by_name
from coordination.needs.checks import (
    LIMITS,
    MAX_LINES,
    NOTE_LIMIT,
    REASON_LIMIT,
    SIZE_LIMIT,
    LineInput,
    NeedInput,
    date_problem,
    text_problem,
)
from coordination.needs.models import MAX_QUANTITY, DeliveryKind, Need, Priority
from coordination.parties.forms import NONE, options, region_choices
from coordination.parties.models import Location, LocationKind
from coordination.web.forms import IntegerField

LINE_SLOTS = 5
PRIORITY_LABELS = {
    Priority.URGENT: _l("Urgent"),
    Priority.HIGH: _l("High"),
    Priority.NORMAL: _l("Normal"),
    Priority.LOW: _l("Low"),
}
DELIVERY_LABELS = {
    DeliveryKind.REGION: _l("Anywhere in the region (the coordinator decides)"),
    DeliveryKind.TOWN: _l("A town"),
    DeliveryKind.HUB: _l("Pick up at a hub"),
    DeliveryKind.PRIVATE_ADDRESS: _l("A private address (stored encrypted)"),
}


# Werkzeug re-quotes bytes that are not UTF-8 as "%XX" instead of failing: a byte ≥ 0x80
# written that way means the browser (or a script) sent something that is not text.
REQUOTED = re.compile(r"%[89A-F][0-9A-F]")


def safe_text(_form: Any, field: Any) -> None:
    if isinstance(field.data, str) and REQUOTED.search(field.data):
        raise ValidationError(
            _l("This text contains bytes that are not valid text; type it again.")
        )
    if isinstance(field.data, str) and field.data.strip():
        problem = text_problem(field.data.strip())
        if problem:
            raise ValidationError(_l(problem))


def sane_date(_form: Any, field: Any) -> None:
    if field.data is not None:
        problem = date_problem(field.data)
        if problem:
            raise ValidationError(_l(problem))


class LineForm(Form):
    item_id = SelectField(_l("Item"), coerce=int, validators=[Optional()])
    size = StringField(_l("Size"), validators=[Optional(), Length(max=SIZE_LIMIT), safe_text])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)])
    priority = SelectField(
        _l("Priority"), choices=options(PRIORITY_LABELS.items()), default=Priority.NORMAL.value
    )
    needed_by = DateField(_l("Needed by"), validators=[Optional(), sane_date])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_LIMIT), safe_text])

    @property
    def empty(self) -> bool:
        # Browsers post every field of every slot, blank ones as ""; a slot is empty when
        # nothing was typed or chosen in it (the priority select always carries a value).
        typed = (self.quantity, self.size, self.note, self.needed_by)
        return not self.item_id.data and not any(
            str(v).strip() for f in typed for v in (f.raw_data or [])
        )


def _text(limit: int, label: Any, area: bool = False) -> Any:
    cls = TextAreaField if area else StringField
    return cls(label, validators=[Optional(), Length(max=limit), safe_text])


class NeedForm(FlaskForm):
    submission_token = HiddenField()
    version = HiddenField()
    region_id = SelectField(_l("Region"), coerce=int, validators=[InputRequired()])
    delivery_kind = SelectField(
        _l("Where to deliver"),
        choices=options(DELIVERY_LABELS.items()),
        default=DeliveryKind.REGION.value,
    )
    town = _text(LIMITS["town"], _l("Town"))
    location_id = SelectField(_l("Hub"), coerce=int, validators=[Optional()])
    address = _text(LIMITS["address"], _l("Address (encrypted)"), area=True)
    serviceman_name = _text(
        LIMITS["serviceman_name"], _l("Serviceman's name (optional, encrypted)")
    )
    serviceman_unit = _text(LIMITS["serviceman_unit"], _l("His unit (optional, encrypted)"))
    lines = FieldList(FormField(LineForm), min_entries=LINE_SLOTS, max_entries=MAX_LINES)

    def setup(self, session: Session, locale: str, blank: str, no_hub: str) -> NeedForm:
        self.region_id.choices = region_choices(session, locale, blank=blank)
        hubs = session.scalars(
            select(Location)
            .where(Location.kind == LocationKind.HUB, Location.active.is_(True))
            .order_by(Location.name)
        )
        self.location_id.choices = options([(NONE, no_hub), *((h.id, h.name) for h in hubs)])
        items = session.scalars(select(Item).where(Item.active.is_(True)))
        pairs = [(NONE, blank), *((i.id, i.name(locale)) for i in by_name(items, locale))]
        for entry in self.lines:
            entry.form.item_id.choices = options(pairs)
        return self

    def validate_lines(self, field: Any) -> None:
        for entry in field:
            line = entry.form
            if line.empty:
                continue
            if not line.item_id.data:
                line.item_id.errors.append(_l("Choose an item."))
            if line.quantity.data is None and not line.quantity.errors:
                line.quantity.errors.append(_l("Give a quantity."))
        if all(entry.form.empty for entry in field):
            raise ValidationError(_l("Add at least one line: an item and a quantity."))
        if any(entry.form.errors for entry in field):
            raise ValidationError(_l("Check the lines below."))

    def need_input(self) -> NeedInput:
        lines = [
            LineInput(
                item_id=int(e.form.item_id.data or 0),
                quantity=int(e.form.quantity.data or 0),
                size=e.form.size.data,
                priority=Priority(e.form.priority.data),
                needed_by=e.form.needed_by.data,
                note=e.form.note.data,
                slot=n,
            )
            for n, e in enumerate(self.lines)
            if not e.form.empty
        ]
        return NeedInput(
            region_id=self.region_id.data or None,
            delivery_kind=DeliveryKind(self.delivery_kind.data),
            town=self.town.data,
            location_id=self.location_id.data or None,
            address=self.address.data,
            serviceman_name=self.serviceman_name.data,
            serviceman_unit=self.serviceman_unit.data,
            lines=lines,
        )

    def fill_from(self, need: Need) -> None:
        for name in ("town", "address", "serviceman_name", "serviceman_unit"):
            getattr(self, name).data = getattr(need, name)
        self.region_id.data = need.region_id
        self.delivery_kind.data = need.delivery_kind.value
        self.location_id.data = need.location_id or NONE
        self.version.data = str(need.version)
        while len(self.lines) < max(LINE_SLOTS, len(need.lines) + 1):
            self.lines.append_entry()
        for entry, line in zip(self.lines, need.lines, strict=False):
            entry.form.item_id.data = line.item_id
            entry.form.size.data = line.size
            entry.form.quantity.data = line.quantity
            entry.form.priority.data = line.priority.value
            entry.form.needed_by.data = line.needed_by
            entry.form.note.data = line.note


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ReasonForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=REASON_LIMIT), safe_text]
    )


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Comment"), validators=[InputRequired(), Length(max=REASON_LIMIT), safe_text]
    )


class MergeForm(FlaskForm):
    version = HiddenField()
    into = StringField(
        _l("Public id of the need to keep"), validators=[InputRequired(), Length(min=16, max=16)]
    )


class VersionForm(FlaskForm):
    version = HiddenField()
