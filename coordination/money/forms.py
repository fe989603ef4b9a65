"""Money forms. Amounts are typed in major units ("2950" or "2950,50") and parsed as text into
integer minor units by amounts.parse_major: never through a float."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from coordination.accounts.models import User
from coordination.donations.access import donation_clause
from coordination.donations.models import MAX_QUANTITY, MoneyDonation, MoneyStatus
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.money.amounts import format_amount, parse_major
from coordination.money.purchases import FundingInput, PurchaseInput, PurchaseLineInput
from coordination.money.services import MONEY_KINDS, MoneyInput
from coordination.parties.forms import NONE, no_nul, options
from coordination.parties.models import Party, PartyKind
from coordination.parties.naming import shown_name
from coordination.production.models import ProductionBatch
from coordination.stock.forms import item_choices, location_choices
from coordination.web.forms import IntegerField

LINE_SLOTS = 5
FUNDING_SLOTS = 5


def party_choices(session: Session, kinds: tuple[PartyKind, ...], none: str) -> list[Any]:
    rows = session.scalars(
        select(Party)
        .where(Party.kind.in_(kinds), Party.active.is_(True))
        .order_by(Party.display_name)
    )
    return options([(NONE, none), *((p.id, shown_name(p)) for p in rows)])


def donation_choices(session: Session, actor: User, blank: str) -> list[Any]:
    """Received donations the actor may spend, with what each holds in all."""
    stmt = select(MoneyDonation).where(
        donation_clause(actor), MoneyDonation.status == MoneyStatus.RECEIVED
    )
    rows = session.scalars(
        stmt.order_by(MoneyDonation.received_on.desc(), MoneyDonation.id.desc()).limit(200)
    )
    pairs = [
        (
            d.id,
            f"{d.public_id} · {format_amount(d.amount_minor, d.currency)}"
            + (f" · {d.earmark}" if d.earmark else ""),
        )
        for d in rows
    ]
    return options([(NONE, blank), *pairs])


class MoneyForm(FlaskForm):
    amount = StringField(_l("Amount"), validators=[InputRequired(), Length(max=24), no_nul])
    currency = StringField(
        _l("Currency"), default="RUB", validators=[InputRequired(), Length(min=3, max=3), no_nul]
    )
    received_on = DateField(_l("Date"), validators=[InputRequired()])
    donor_id = SelectField(_l("Donor"), coerce=int, validators=[Optional()])
    campaign_id = SelectField(_l("Campaign or event"), coerce=int, validators=[Optional()])
    holder_id = SelectField(_l("Held by"), coerce=int, validators=[Optional()])
    channel = StringField(_l("Channel"), validators=[Optional(), Length(max=40), no_nul])
    earmark = StringField(_l("Earmark"), validators=[Optional(), Length(max=120), no_nul])
    received = BooleanField(_l("The money has been received (not only pledged)"))

    def setup(self, session: Session) -> MoneyForm:
        self.donor_id.choices = party_choices(session, MONEY_KINDS, _("Anonymous donor"))
        self.campaign_id.choices = party_choices(session, (PartyKind.CAMPAIGN,), _("None"))
        self.holder_id.choices = party_choices(session, (PartyKind.GROUP,), _("Coordinators"))
        return self

    def money_input(self) -> MoneyInput:
        currency = (self.currency.data or "").strip().upper()
        return MoneyInput(
            amount_minor=parse_major(self.amount.data, currency),
            received_on=self.received_on.data,
            currency=currency,
            donor_id=self.donor_id.data or None,
            channel=self.channel.data,
            earmark=self.earmark.data,
            received=bool(self.received.data),
            campaign_id=self.campaign_id.data or None,
            holder_id=self.holder_id.data or None,
        )


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token of a confirmation page."""


class PassOnForm(FlaskForm):
    holder_id = SelectField(_l("Pass on to"), coerce=int, validators=[InputRequired()])
    amount = StringField(_l("Amount"), validators=[InputRequired(), Length(max=24), no_nul])
    received_on = DateField(_l("Date"), validators=[InputRequired()])

    def setup(self, session: Session, blank: str) -> PassOnForm:
        self.holder_id.choices = party_choices(session, (PartyKind.GROUP,), blank)
        return self


class PurchaseLineForm(Form):
    item_id = SelectField(_l("Item"), coerce=int, validate_choice=False, validators=[Optional()])
    size = StringField(_l("Size"), validators=[Optional(), Length(max=32), no_nul])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)])
    price = StringField(_l("Price of the line"), validators=[Optional(), Length(max=24), no_nul])

    def empty(self) -> bool:
        return not (self.item_id.data or self.quantity.data or self.size.data or self.price.data)


class FundingLineForm(Form):
    donation_id = SelectField(
        _l("Donation"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    amount = StringField(_l("Amount taken"), validators=[Optional(), Length(max=24), no_nul])

    def empty(self) -> bool:
        return not (self.donation_id.data or self.amount.data)


class PurchaseForm(FlaskForm):
    location_id = SelectField(_l("Delivered to"), coerce=int, validators=[InputRequired()])
    bought_on = DateField(_l("Bought on"), validators=[InputRequired()])
    currency = StringField(
        _l("Currency"), default="RUB", validators=[InputRequired(), Length(min=3, max=3), no_nul]
    )
    earmark = StringField(
        _l("What it was for (earmark)"), validators=[Optional(), Length(max=120), no_nul]
    )
    supplier = StringField(
        _l("Supplier (a shop or company)"), validators=[Optional(), Length(max=120), no_nul]
    )
    buyer_id = SelectField(_l("Bought by"), coerce=int, validators=[Optional()])
    lines = FieldList(FormField(PurchaseLineForm), min_entries=LINE_SLOTS, max_entries=LINE_SLOTS)
    funding = FieldList(
        FormField(FundingLineForm), min_entries=FUNDING_SLOTS, max_entries=FUNDING_SLOTS
    )

    def setup(self, session: Session, actor: User, locale: str, blank: str) -> PurchaseForm:
        self.location_id.choices = location_choices(session, actor, blank)
        self.buyer_id.choices = party_choices(session, (PartyKind.GROUP,), _("Coordinators"))
        items = item_choices(session, locale, blank)
        for entry in self.lines:
            entry.form.item_id.choices = items
        donations = donation_choices(session, actor, blank)
        for entry in self.funding:
            entry.form.donation_id.choices = donations
        return self

    def purchase_input(self) -> PurchaseInput:
        currency = (self.currency.data or "").strip().upper()
        lines = []
        for e in self.lines:
            if e.form.empty():
                continue
            price = parse_major(e.form.price.data, currency, "lines") if e.form.price.data else 0
            lines.append(
                PurchaseLineInput(
                    e.form.item_id.data or None, e.form.quantity.data, price, e.form.size.data
                )
            )
        funding = [
            FundingInput(
                e.form.donation_id.data or None,
                parse_major(e.form.amount.data, currency, "funding"),
            )
            for e in self.funding
            if not e.form.empty()
        ]
        if not lines:
            raise Invalid(N_("Enter at least one line."), "lines")
        return PurchaseInput(
            location_id=self.location_id.data,
            bought_on=self.bought_on.data,
            currency=currency,
            earmark=self.earmark.data,
            supplier=self.supplier.data,
            buyer_id=self.buyer_id.data or None,
            lines=lines,
            funding=funding,
        )


class BatchFundingForm(FlaskForm):
    batch_id = SelectField(_l("Production batch"), coerce=int, validators=[InputRequired()])
    donation_id = SelectField(_l("Donation"), coerce=int, validators=[InputRequired()])
    amount = StringField(_l("Amount"), validators=[InputRequired(), Length(max=24), no_nul])
    funded_on = DateField(_l("Paid on"), validators=[InputRequired()])
    earmark = StringField(
        _l("What it was for (earmark)"), validators=[Optional(), Length(max=120), no_nul]
    )

    def setup(self, session: Session, actor: User, blank: str) -> BatchFundingForm:
        stmt = (
            select(ProductionBatch)
            .order_by(ProductionBatch.made_on.desc(), ProductionBatch.id.desc())
            .limit(200)
        )
        if actor.role.value == "coordinator":
            stmt = stmt.join(Party, Party.id == ProductionBatch.group_id).where(
                Party.region_id == actor.region_id
            )
        self.batch_id.choices = options(
            [
                (NONE, blank),
                *(
                    (b.id, f"{b.public_id} · {shown_name(b.group)} · {b.quantity} {b.item.code}")
                    for b in session.scalars(stmt)
                ),
            ]
        )
        self.donation_id.choices = donation_choices(session, actor, blank)
        return self
