"""/api/v1 money and donations: the same services and access rules as the money pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.catalog.models import Item
from coordination.db import db
from coordination.donations.access import (
    MONEY_READERS,
    RECORDERS,
    visible_donation,
)
from coordination.donations.models import MoneyDonation, MoneyStatus
from coordination.kernel.errors import Invalid
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_, clean_search
from coordination.money import services as money
from coordination.money.balance import balance
from coordination.money.queries import money_list
from coordination.money.schemas import (
    MoneyIn,
    MoneyOut,
    MoneyQuery,
    PassOnIn,
)
from coordination.parties.models import Party

TAG = "money"


def _by_public_id(model: Any, public_id: str | None, field: str, message: str) -> Any:
    if public_id is None:
        return None
    row = db.session.scalar(select(model).where(model.public_id == public_id))
    if row is None:
        raise Invalid(message, field=field)
    return row


def _party_id(public_id: str | None, field: str) -> int | None:
    party = _by_public_id(Party, public_id, field, N_("There is no party with that public id."))
    return party.id if party else None


def _item_id(code: str, field: str) -> int:
    item = db.session.scalar(select(Item).where(Item.code == code))
    if item is None:
        raise Invalid(N_("Choose an item from the catalog."), field=field)
    return item.id


def _pub(party: Party | None) -> str | None:
    return party.public_id if party is not None else None


def money_out(d: MoneyDonation, user: User) -> MoneyOut:
    return MoneyOut(
        id=d.id,
        public_id=d.public_id,
        donor=_pub(d.donor),
        campaign=_pub(d.campaign),
        holder=_pub(d.holder),
        passed_from=d.passed_from.public_id if d.passed_from else None,
        amount_minor=d.amount_minor,
        currency=d.currency,
        received_on=d.received_on,
        channel=d.channel,
        earmark=d.earmark,
        status=d.status.value,
        balance_minor=balance(db.session, d),
        receipt_code=d.receipt_code if user.role in RECORDERS else None,
    )


@endpoint(
    bp,
    "/money/donations",
    "GET",
    "Money donations you may see (yours: your group's)",
    query=MoneyQuery,
    response=Page[MoneyOut],
    roles=MONEY_READERS,
    tag=TAG,
)
def list_money(query: MoneyQuery) -> Page[MoneyOut]:
    user = api_user()
    status = None if query.status == "all" else MoneyStatus(query.status)
    stmt = money_list(user, clean_search(query.q), status, (query.currency or "").upper())
    return paginate(db.session, stmt, query, lambda d: money_out(d, user))


@endpoint(
    bp,
    "/money/donations/{donation_id}",
    "GET",
    "One money donation with its balance",
    response=MoneyOut,
    roles=MONEY_READERS,
    tag=TAG,
)
def get_money(donation_id: int) -> MoneyOut:
    return money_out(visible_donation(db.session, api_user(), donation_id), api_user())


@endpoint(
    bp,
    "/money/donations",
    "POST",
    "Record a money donation (a pledge unless received)",
    body=MoneyIn,
    response=MoneyOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def create_money(body: MoneyIn) -> MoneyOut:
    donation = money.record_money_donation(
        db.session,
        api_user(),
        money.MoneyInput(
            amount_minor=body.amount_minor,
            received_on=body.received_on,
            currency=body.currency,
            donor_id=_party_id(body.donor, "donor"),
            channel=body.channel,
            earmark=body.earmark,
            received=body.received,
            campaign_id=_party_id(body.campaign, "campaign"),
            holder_id=_party_id(body.holder, "holder"),
        ),
    )
    db.session.commit()
    return money_out(donation, api_user())


@endpoint(
    bp,
    "/money/donations/{donation_id}/receive",
    "POST",
    "Mark a pledge as received",
    response=MoneyOut,
    roles=RECORDERS,
    tag=TAG,
)
def receive_money(donation_id: int) -> MoneyOut:
    donation = visible_donation(db.session, api_user(), donation_id)
    money.receive_money_donation(db.session, api_user(), donation)
    db.session.commit()
    return money_out(donation, api_user())


@endpoint(
    bp,
    "/money/donations/{donation_id}/pass-on",
    "POST",
    "Pass part of a donation's balance to another group (not counted as raised again)",
    body=PassOnIn,
    response=MoneyOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def pass_on(donation_id: int, body: PassOnIn) -> MoneyOut:
    source = visible_donation(db.session, api_user(), donation_id)
    passed = money.pass_on_money(
        db.session,
        api_user(),
        source,
        _party_id(body.to_group, "to_group"),
        body.amount_minor,
        body.on,
    )
    db.session.commit()
    return money_out(passed, api_user())
