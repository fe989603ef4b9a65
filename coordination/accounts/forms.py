"""Account forms. Field limits mirror the services' rules so errors show inline."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from coordination.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from coordination.kernel.actors import Role


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    keep_tokens = BooleanField(_l("Keep my API tokens"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])


ROLE_CHOICES = [
    (Role.FAMILY.value, _l("Family")),
    (Role.UNIT_REP.value, _l("Unit representative")),
    (Role.VOLUNTEER.value, _l("Volunteer")),
    (Role.COORDINATOR.value, _l("Coordinator")),
    (Role.AUDITOR.value, _l("Auditor")),
    (Role.ADMIN.value, _l("Admin")),
]


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    party_id = SelectField(_l("Acts for"), coerce=int, validators=[Optional()])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    full_name = StringField(_l("Full name (encrypted)"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone (encrypted)"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Active"), default=True)
