"""Delivery forms. Every action form carries the delivery's version (stale → 409)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from coordination.deliveries.models import MAX_QUANTITY
from coordination.parties.forms import NONE, no_nul, options
from coordination.web.forms import IntegerField

ROLE_LABELS = {
    "source": _l("Source (made or gave the goods)"),
    "collector": _l("Collector"),
    "carrier": _l("Carrier"),
    "presenter": _l("Presenter (hands over in public; never a source)"),
    "recipient": _l("Recipient"),
}
CONDITION_LABELS = {
    "ok": _l("All in order"),
    "short": _l("Fewer arrived"),
    "damaged": _l("Damaged"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "packed": _l("Packed"),
    # A delivery is feminine in Russian ("отправлена"); the needs table's column is neuter.
    "dispatched": lazy_pgettext("delivery status", "Dispatched"),
    "delivered": _l("Delivered"),
    "confirmed": _l("Confirmed"),
    "disputed": _l("Disputed"),
    "cancelled": _l("Cancelled"),
}


def opt_int(value: Any) -> int | None:
    """A select's integer or None for "nothing chosen"."""
    return value if isinstance(value, int) and value != NONE else None


class VersionForm(FlaskForm):
    version = HiddenField()


class NewDeliveryForm(FlaskForm):
    from_location_id = SelectField(_l("Goods leave from"), coerce=int, validators=[InputRequired()])
    to_location_id = SelectField(
        _l("Move to a hub instead (no need lines)"), coerce=int, validators=[Optional()]
    )
    to_party_id = SelectField(
        _l("Or deliver to (without need lines)"), coerce=int, validators=[Optional()]
    )
    expected_on = DateField(_l("Expected on"), validators=[Optional()])


class LineForm(FlaskForm):
    version = HiddenField()
    lot_id = SelectField(_l("Lot"), coerce=int, validators=[InputRequired()])
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), NumberRange(1, MAX_QUANTITY)]
    )
    need_line_id = SelectField(_l("For need line"), coerce=int, validators=[Optional()])


class DetailsForm(FlaskForm):
    version = HiddenField()
    expected_on = DateField(_l("Expected on"), validators=[Optional()])
    carrier_id = SelectField(_l("Courier"), coerce=int, validators=[Optional()])
    vehicle = StringField(_l("Vehicle"), validators=[Optional(), Length(max=60), no_nul])
    driver = StringField(_l("Driver"), validators=[Optional(), Length(max=200), no_nul])
    packages = IntegerField(_l("Packages"), validators=[Optional(), NumberRange(1, 10_000)])
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=2000), no_nul])


class HandoverForm(FlaskForm):
    version = HiddenField()
    from_party_id = SelectField(_l("From"), coerce=int, validators=[InputRequired()])
    from_role = SelectField(_l("In the role of"), choices=options(ROLE_LABELS.items()))
    to_party_id = SelectField(_l("To"), coerce=int, validators=[InputRequired()])
    to_role = SelectField(
        _l("In the role of"), choices=options(ROLE_LABELS.items()), default="recipient"
    )
    place = StringField(
        _l("Town (never a street address)"), validators=[InputRequired(), Length(max=120), no_nul]
    )
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000), no_nul])


class ReceiptForm(FlaskForm):
    version = HiddenField()
    challenged = BooleanField(_l("A recorded handover did not happen as recorded"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000), no_nul])


def read_int(raw: str | None, low: int = 0, high: int = MAX_QUANTITY) -> int | None:
    """A typed whole number within range, or None: junk is refused, never a crash."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if low <= value <= high else None
