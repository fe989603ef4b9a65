"""The in-kind donation form: a place, a donor (or none: anonymous), a date and lines."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from coordination.accounts.models import User
from coordination.donations.models import MAX_QUANTITY
from coordination.donations.services import DONOR_KINDS, InKindInput, InKindLineInput
from coordination.parties.forms import NONE, no_nul, options
from coordination.parties.models import Party
from coordination.parties.naming import shown_name
from coordination.stock.forms import item_choices, location_choices
from coordination.web.forms import IntegerField

LINE_SLOTS = 5


class InKindLineForm(Form):
    item_id = SelectField(_l("Item"), coerce=int, validate_choice=False, validators=[Optional()])
    size = StringField(_l("Size"), validators=[Optional(), Length(max=32), no_nul])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)])

    def empty(self) -> bool:
        return not self.item_id.data and not self.quantity.data and not self.size.data


class InKindForm(FlaskForm):
    location_id = SelectField(_l("Received at"), coerce=int, validators=[InputRequired()])
    donor_id = SelectField(_l("Donor"), coerce=int, validators=[Optional()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    lines = FieldList(FormField(InKindLineForm), min_entries=LINE_SLOTS, max_entries=LINE_SLOTS)

    def setup(
        self, session: Session, actor: User, locale: str, blank: str, anonymous: str
    ) -> InKindForm:
        self.location_id.choices = location_choices(session, actor, blank)
        donors = session.scalars(
            select(Party)
            .where(Party.kind.in_(DONOR_KINDS), Party.active.is_(True))
            .order_by(Party.display_name)
        )
        self.donor_id.choices = options(
            [(NONE, anonymous), *((d.id, shown_name(d)) for d in donors)]
        )
        pairs = item_choices(session, locale, blank)
        for entry in self.lines:
            entry.form.item_id.choices = pairs
        return self

    def validate_lines(self, field: Any) -> None:
        filled = [e.form for e in field if not e.form.empty()]
        if not filled:
            raise ValidationError(_("Enter at least one line."))
        for line in filled:
            if not line.item_id.data or not line.quantity.data:
                raise ValidationError(_("Every line needs an item and a quantity."))

    def in_kind_input(self) -> InKindInput:
        lines = [
            InKindLineInput(e.form.item_id.data, e.form.quantity.data, e.form.size.data)
            for e in self.lines
            if not e.form.empty()
        ]
        return InKindInput(
            location_id=self.location_id.data,
            received_on=self.received_on.data,
            donor_id=self.donor_id.data or None,
            lines=lines,
        )
