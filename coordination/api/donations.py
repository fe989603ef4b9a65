"""/api/v1/donations/in-kind: goods brought by donors, recorded where stock is kept."""

from __future__ import annotations

from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.api.money import TAG, _by_public_id, _item_id, _party_id, _pub
from coordination.db import db
from coordination.donations.access import RECORDERS
from coordination.donations.models import InKindDonation
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_
from coordination.money.schemas import InKindIn, InKindOut, InKindQuery
from coordination.parties.models import Location
from coordination.stock.access import STOCK_USERS, can_stock_at, location_clause

# These endpoints were part of api/money.py; their names (api.money_*) stay as they were.
ENDPOINT_PREFIX = "money"


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
