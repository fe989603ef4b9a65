"""Catalog forms. Sizes and kit components are typed as text and parsed by the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordination.catalog.models import Category, UnitOfMeasure
from coordination.parties.forms import NONE, no_nul, options

UNIT_LABELS = {
    UnitOfMeasure.PAIR: _l("pair"),
    UnitOfMeasure.PIECE: _l("piece"),
    UnitOfMeasure.KIT: _l("kit"),
    UnitOfMeasure.SET: _l("set"),
    UnitOfMeasure.BOX: _l("box"),
}


def category_choices(session: Session, locale: str, blank: str) -> list[SelectChoice]:
    cats = session.scalars(select(Category).order_by(Category.code)).all()
    return options([(NONE, blank), *((c.id, c.name(locale)) for c in cats)])


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32), no_nul])
    name_ru = StringField(
        _l("Name in Russian"), validators=[DataRequired(), Length(max=200), no_nul]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), Length(max=200), no_nul]
    )
    unit = SelectField(
        _l("Unit of measure"), choices=options((u.value, v) for u, v in UNIT_LABELS.items())
    )
    category_id = SelectField(_l("Category"), coerce=int, validators=[Optional()])
    sizes = StringField(_l("Sizes"), validators=[Optional(), Length(max=1000), no_nul])
    is_kit = BooleanField(_l("This item is a kit made of other items"))
    components = TextAreaField(
        _l("Kit components"), validators=[Optional(), Length(max=4000), no_nul]
    )
    stamp = HiddenField()


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32), no_nul])
    name_ru = StringField(
        _l("Name in Russian"), validators=[DataRequired(), Length(max=120), no_nul]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), Length(max=120), no_nul]
    )
    stamp = HiddenField()
