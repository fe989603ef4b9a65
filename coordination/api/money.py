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
    TOTALS_READERS,
    purchase_clause,
    totals_scope,
    visible_donation,
    visible_purchase,
)
from coordination.donations.models import InKindDonation, MoneyDonation, MoneyStatus, Purchase
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_, clean_search
from coordination.money import funding, purchases
from coordination.money import services as money
from coordination.money.balance import balance
from coordination.money.queries import money_list
from coordination.money.schemas import (
    BatchFundingIn,
    BatchFundingOut,
    InKindIn,
    InKindOut,
    InKindQuery,
    MoneyIn,
    MoneyOut,
    MoneyQuery,
    PassOnIn,
    PurchaseIn,
    PurchaseOut,
    TotalOut,
    TotalsOut,
    TotalsQuery,
)
from coordination.money.totals import money_totals
from coordination.parties.models import Location, Party
from coordination.production.models import ProductionBatch
from coordination.stock.access import STOCK_USERS, can_stock_at, location_clause

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


def purchase_out(p: Purchase) -> PurchaseOut:
    return PurchaseOut.model_validate(
        {
            "id": p.id,
            "public_id": p.public_id,
            "location": p.location.public_id,
            "bought_on": p.bought_on,
            "currency": p.currency,
            "total_minor": p.total_minor,
            "earmark": p.earmark,
            "supplier": p.supplier,
            "lines": [
                {
                    "item": li.item.code,
                    "size": li.size,
                    "quantity": li.quantity,
                    "price_minor": li.price_minor,
                }
                for li in p.lines
            ],
            "funding": [
                {"donation": f.donation.public_id, "amount_minor": f.amount_minor}
                for f in p.funding
            ],
            "lots": [lot.public_id for lot in purchases.purchase_lots(db.session, p)],
        }
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


@endpoint(
    bp,
    "/money/purchases",
    "GET",
    "Purchases paid by donations you may see",
    query=InKindQuery,
    response=Page[PurchaseOut],
    roles=MONEY_READERS,
    tag=TAG,
)
def list_purchases(query: InKindQuery) -> Page[PurchaseOut]:
    stmt = (
        select(Purchase)
        .where(purchase_clause(api_user()))
        .order_by(Purchase.bought_on.desc(), Purchase.id.desc())
    )
    return paginate(db.session, stmt, query, purchase_out)


@endpoint(
    bp,
    "/money/purchases/{purchase_id}",
    "GET",
    "One purchase: lines, lots, funding",
    response=PurchaseOut,
    roles=MONEY_READERS,
    tag=TAG,
)
def get_purchase(purchase_id: int) -> PurchaseOut:
    return purchase_out(visible_purchase(db.session, api_user(), purchase_id))


@endpoint(
    bp,
    "/money/purchases",
    "POST",
    "Record a purchase paid from received donations; its lines become lots",
    body=PurchaseIn,
    response=PurchaseOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def create_purchase(body: PurchaseIn) -> PurchaseOut:
    location = _by_public_id(Location, body.location, "location", N_("Choose a location."))
    paid = []
    for n, row in enumerate(body.funding):
        donation = _by_public_id(
            MoneyDonation, row.donation, f"funding-{n}", N_("Choose donations from the list.")
        )
        paid.append(purchases.FundingInput(donation.id, row.amount_minor))
    purchase = purchases.record_purchase(
        db.session,
        api_user(),
        purchases.PurchaseInput(
            location_id=location.id,
            bought_on=body.bought_on,
            currency=body.currency,
            earmark=body.earmark,
            supplier=body.supplier,
            buyer_id=_party_id(body.buyer, "buyer"),
            lines=[
                purchases.PurchaseLineInput(
                    _item_id(li.item, f"lines-{n}-item"), li.quantity, li.price_minor, li.size
                )
                for n, li in enumerate(body.lines)
            ],
            funding=paid,
        ),
    )
    db.session.commit()
    return purchase_out(purchase)


@endpoint(
    bp,
    "/money/batch-funding",
    "POST",
    "Pay a production batch's materials from a donation",
    body=BatchFundingIn,
    response=BatchFundingOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def fund_batch(body: BatchFundingIn) -> BatchFundingOut:
    batch = _by_public_id(ProductionBatch, body.batch, "batch", N_("Choose a production batch."))
    donation = _by_public_id(
        MoneyDonation, body.donation, "donation", N_("Choose donations from the list.")
    )
    row = funding.fund_batch(
        db.session, api_user(), batch.id, donation.id, body.amount_minor, body.on, body.earmark
    )
    db.session.commit()
    return BatchFundingOut(
        batch=batch.public_id,
        donation=donation.public_id,
        amount_minor=row.amount_minor,
        currency=donation.currency,
        earmark=row.earmark,
        balance_minor=balance(db.session, donation),
    )


@endpoint(
    bp,
    "/money/totals",
    "GET",
    "Received money per currency by campaign, holder group, earmark or month: raised "
    "(new money only), passed in/out, spent, unspent",
    query=TotalsQuery,
    response=TotalsOut,
    roles=TOTALS_READERS,
    tag=TAG,
)
def totals(query: TotalsQuery) -> TotalsOut:
    rows = money_totals(db.session, query.by, totals_scope(api_user()))
    return TotalsOut(
        by=query.by, rows=[TotalOut.model_validate(r, from_attributes=True) for r in rows]
    )


def in_kind_out(d: InKindDonation) -> InKindOut:
    return InKindOut.model_validate(
        {
            "id": d.id,
            "public_id": d.public_id,
            "donor": _pub(d.donor),
            "location": d.location.public_id,
            "received_on": d.received_on,
            "lines": [
                {"item": li.item.code, "size": li.size, "quantity": li.quantity} for li in d.lines
            ],
            "receipt_code": d.receipt_code if api_user().role in RECORDERS else None,
        }
    )


@endpoint(
    bp,
    "/donations/in-kind",
    "GET",
    "Donations in kind received where you keep stock",
    query=InKindQuery,
    response=Page[InKindOut],
    roles=STOCK_USERS,
    tag=TAG,
)
def list_in_kind(query: InKindQuery) -> Page[InKindOut]:
    stmt = (
        select(InKindDonation)
        .join(Location)
        .where(location_clause(api_user()))
        .order_by(InKindDonation.received_on.desc(), InKindDonation.id.desc())
    )
    return paginate(db.session, stmt, query, in_kind_out)


@endpoint(
    bp,
    "/donations/in-kind/{in_kind_id}",
    "GET",
    "One donation in kind",
    response=InKindOut,
    roles=STOCK_USERS,
    tag=TAG,
)
def get_in_kind(in_kind_id: int) -> InKindOut:
    donation = get_or_404(db.session, InKindDonation, in_kind_id)
    if not can_stock_at(api_user(), donation.location):
        raise NotFound(N_("Not found."))
    return in_kind_out(donation)


@endpoint(
    bp,
    "/donations/in-kind",
    "POST",
    "Record goods brought by a donor; lines become lots",
    body=InKindIn,
    response=InKindOut,
    status=201,
    roles=STOCK_USERS,
    tag=TAG,
)
def create_in_kind(body: InKindIn) -> InKindOut:
    location = _by_public_id(Location, body.location, "location", N_("Choose a location."))
    donation = record_in_kind_donation(
        db.session,
        api_user(),
        InKindInput(
            location_id=location.id,
            received_on=body.received_on,
            donor_id=_party_id(body.donor, "donor"),
            lines=[
                InKindLineInput(_item_id(li.item, f"lines-{n}-item"), li.quantity, li.size)
                for n, li in enumerate(body.lines)
            ],
        ),
    )
    db.session.commit()
    return in_kind_out(donation)
