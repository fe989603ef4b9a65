"""The "Log a batch" form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.parties.forms import NONE, no_nul, options
from coordination.parties.models import Party, PartyKind
from coordination.parties.naming import shown_name
from coordination.production.models import MAX_QUANTITY
from coordination.production.services import MEMBERS_LIMIT, SIZE_LIMIT, BatchInput
from coordination.stock.forms import item_choices
from coordination.web.forms import IntegerField


class BatchForm(FlaskForm):
    group_id = SelectField(_l("Group"), coerce=int, validators=[Optional()])
    item_id = SelectField(_l("Item"), coerce=int, validators=[InputRequired()])
    size = StringField(_l("Size"), validators=[Optional(), Length(max=SIZE_LIMIT), no_nul])
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), NumberRange(1, MAX_QUANTITY)]
    )
    made_on = DateField(_l("Made on"), validators=[InputRequired()])
    members = StringField(
        _l("Made by (names of members, optional)"),
        validators=[Optional(), Length(max=MEMBERS_LIMIT), no_nul],
    )
    members_public = BooleanField(_l("The members agreed to be named publicly"))

    def setup(self, session: Session, actor: User, locale: str, blank: str) -> BatchForm:
        self.item_id.choices = item_choices(session, locale, blank)
        if actor.role == Role.VOLUNTEER:
            groups = [session.get(Party, actor.party_id)] if actor.party_id else []
        else:
            stmt = select(Party).where(Party.kind == PartyKind.GROUP, Party.active.is_(True))
            if actor.role == Role.COORDINATOR:  # its region's groups: their stock is its own
                stmt = stmt.where(Party.region_id == actor.region_id)
            groups = list(session.scalars(stmt.order_by(Party.display_name)))
        self.group_id.choices = options(
            [(NONE, blank), *((g.id, shown_name(g)) for g in groups if g is not None)]
        )
        return self

    def batch_input(self, actor: User) -> BatchInput:
        group_id = actor.party_id if actor.role == Role.VOLUNTEER else self.group_id.data
        return BatchInput(
            group_id=group_id,
            item_id=self.item_id.data,
            quantity=self.quantity.data,
            made_on=self.made_on.data,
            size=self.size.data,
            members=self.members.data,
            members_public=bool(self.members_public.data),
        )
