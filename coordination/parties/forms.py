"""Forms for parties, locations and regions. Limits mirror the services so errors show inline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from coordination.parties.models import PRIVATE_KINDS, LocationKind, Party, PartyKind, Region
from coordination.parties.naming import shown_name

KIND_LABELS = {
    PartyKind.GROUP: _l("Volunteer group"),
    PartyKind.DONOR: _l("Donor"),
    PartyKind.UNIT: _l("Unit"),
    PartyKind.HOUSEHOLD: _l("Household"),
    PartyKind.COURIER: _l("Courier"),
    PartyKind.OFFICIAL: _l("Official"),
    PartyKind.CAMPAIGN: _l("Campaign or event"),
}
LOCATION_LABELS = {
    LocationKind.HUB: _l("Hub"),
    LocationKind.WAREHOUSE: _l("Warehouse"),
    LocationKind.WORKSHOP: _l("Workshop"),
}
NONE = 0  # the "nothing chosen" value of integer select fields


def no_nul(_form: Any, field: Any) -> None:
    """PostgreSQL cannot store NUL in text; refuse it here instead of failing on save."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError(_l("This text contains a character that cannot be stored."))


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    # Enum members become their string values, which is what the browser sends back.
    return [SelectChoice(getattr(value, "value", value), label) for value, label in pairs]


def all_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.code)))


def region_choices(
    session: Session, locale: str, blank: Any = None, user: Any = None
) -> list[SelectChoice]:
    """Every region, or for a coordinator `user` its own only (where it may place things)."""
    stmt = select(Region).order_by(Region.code)
    if user is not None and user.role.value == "coordinator":
        stmt = stmt.where(Region.id == user.region_id)
        blank = None
    regions = session.scalars(stmt).all()
    choices = [(r.id, f"{r.name(locale)} ({r.code})") for r in regions]
    return options(([(NONE, str(blank))] if blank is not None else []) + choices)


def party_choices(
    session: Session,
    kinds: frozenset[PartyKind] | None,
    blank: Any,
    user: Any = None,
    *,
    own_region: bool = False,
) -> list[SelectChoice]:
    """Active parties of the given kinds, labelled by display name, kind and region (never a
    private name). This is the network-wide directory a coordinator `user` picks couriers,
    groups, units (which receive from every region) and other parties from; households (or
    every kind, with `own_region`) are listed only from its own region."""
    stmt = select(Party).where(Party.active.is_(True)).order_by(Party.display_name)
    if kinds is not None:
        stmt = stmt.where(Party.kind.in_(kinds))
    if user is not None and user.role.value == "coordinator":
        mine = Party.region_id == user.region_id
        stmt = stmt.where(mine if own_region else or_(Party.kind != PartyKind.HOUSEHOLD, mine))
    rows = session.scalars(stmt).all()
    pairs = [(p.id, _directory_label(p)) for p in rows]
    return options([(NONE, str(blank)), *pairs])


def _directory_label(party: Party) -> str:
    region = f" · {party.region.code}" if party.region is not None else ""
    return f"{shown_name(party)} · {KIND_LABELS[party.kind]}{region}"


class PartyForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS.items()))
    display_name = StringField(_l("Public name"), validators=[Optional(), Length(max=200), no_nul])
    name_public = BooleanField(_l("The donor agrees to be named publicly"), default=True)
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    private_name = StringField(
        _l("Real name (encrypted)"), validators=[Optional(), Length(max=200), no_nul]
    )
    phone = StringField(_l("Phone (encrypted)"), validators=[Optional(), Length(max=40), no_nul])
    address = TextAreaField(
        _l("Address (encrypted)"), validators=[Optional(), Length(max=300), no_nul]
    )
    note = TextAreaField(_l("Note (encrypted)"), validators=[Optional(), Length(max=2000), no_nul])
    version = HiddenField()


class LocationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), no_nul])
    kind = SelectField(_l("Kind"), choices=options(LOCATION_LABELS.items()))
    region_id = SelectField(_l("Region"), coerce=int, validators=[InputRequired()])
    town = StringField(_l("Town"), validators=[Optional(), Length(max=120), no_nul])
    party_id = SelectField(_l("Run by"), coerce=int, validators=[Optional()])
    stamp = HiddenField()


class RegionForm(FlaskForm):
    code = StringField(_l("ISO 3166-2 code"), validators=[DataRequired(), Length(max=16), no_nul])
    name_ru = StringField(
        _l("Name in Russian"), validators=[DataRequired(), Length(max=120), no_nul]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), Length(max=120), no_nul]
    )
    stamp = HiddenField()


def parse_version(raw: str | None) -> int:
    """The hidden version field; anything unreadable counts as stale, never as a crash."""
    if isinstance(raw, str) and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    return -1


LOCATION_PARTY_KINDS = frozenset(set(PartyKind) - PRIVATE_KINDS)
