"""Access policy of the money pages and the money and in-kind API."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.money.purchases import (
    FundingInput,
    PurchaseInput,
    PurchaseLineInput,
    record_purchase,
)
from coordination.money.services import MoneyInput, record_money_donation
from tests.access_helpers import STAFF, api_only, only

READERS = ("volunteer", *STAFF)
# The outsider donation is held by the outsider group, in a region no role user coordinates:
# the volunteer and the coordinator get 404, the admin sees it. OWN fills the same parameter
# with money held by the volunteer's group (registered outside the coordinator's region, so
# the coordinator gets 404); NETWORK with money the coordinators hold (no holder group), which
# the coordinator sees and the volunteer does not.
HIDDEN = {"volunteer": 404, "coordinator": 404}
OWN = {"donation_id": "own_donation_id"}
NETWORK = {"donation_id": "network_donation_id"}


def _others(page: dict[str, Any], own: dict[str, Any], network: dict[str, Any]) -> dict[str, Any]:
    return {
        "expect": page,
        "why": "money held by another group elsewhere",
        "also": [
            {"fill": OWN, "expect": own, "why": "the volunteer's own group's money"},
            {"fill": NETWORK, "expect": network, "why": "money the coordinators hold"},
        ],
    }


POLICY: dict[str, dict[str, Any]] = {
    "money.donations": {"expect": only(*READERS)},
    "money.new_donation": {"expect": only(*STAFF)},
    "money.view_donation": _others(
        only(*READERS) | HIDDEN,
        only(*READERS) | {"coordinator": 404},
        only(*READERS) | {"volunteer": 404},
    ),
    "money.receive": _others(
        only(*STAFF) | {"coordinator": 404}, only(*STAFF) | {"coordinator": 404}, only(*STAFF)
    ),
    "money.pass_on": _others(
        only(*STAFF) | {"coordinator": 404}, only(*STAFF) | {"coordinator": 404}, only(*STAFF)
    ),
    "money.purchase_list": {"expect": only(*READERS)},
    "money.new_purchase": {"expect": only(*STAFF)},
    "money.view_purchase": {
        "expect": only(*READERS) | HIDDEN,
        "why": "paid by another group's money elsewhere",
    },
    "money.fund_batch": {"expect": only(*STAFF)},
    "money.totals": {"expect": only("auditor", *STAFF)},
    "api.money_list_money": {"expect": api_only(*READERS)},
    "api.money_get_money": _others(
        api_only(*READERS) | HIDDEN,
        api_only(*READERS) | {"coordinator": 404},
        api_only(*READERS) | {"volunteer": 404},
    ),
    "api.money_create_money": {"expect": api_only(*STAFF, ok=400), "why": "empty body"},
    "api.money_receive_money": _others(
        api_only(*STAFF, ok=409) | {"coordinator": 404},
        api_only(*STAFF, ok=409) | {"coordinator": 404},
        api_only(*STAFF, ok=409),
    ),
    "api.money_pass_on": {"expect": api_only(*STAFF, ok=400), "why": "empty body"},
    "api.money_list_purchases": {"expect": api_only(*READERS)},
    "api.money_get_purchase": {
        "expect": api_only(*READERS) | HIDDEN,
        "why": "paid by another group's money elsewhere",
    },
    "api.money_create_purchase": {"expect": api_only(*STAFF, ok=400), "why": "empty body"},
    "api.money_fund_batch": {"expect": api_only(*STAFF, ok=400), "why": "empty body"},
    "api.money_totals": {"expect": api_only("auditor", *STAFF)},
    "api.money_list_in_kind": {"expect": api_only(*READERS)},
    "api.money_get_in_kind": {
        "expect": api_only(*READERS) | HIDDEN,
        "why": "received at another group's place elsewhere",
    },
    "api.money_create_in_kind": {"expect": api_only(*READERS, ok=400), "why": "empty body"},
}


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    day = date(2026, 11, 3)
    theirs = record_money_donation(
        session, None, MoneyInput(10_000, day, holder_id=base["group"].id, received=True)
    )
    ours = record_money_donation(
        session, None, MoneyInput(10_000, day, holder_id=users["volunteer"].party_id, received=True)
    )
    network = record_money_donation(session, None, MoneyInput(10_000, day, received=True))
    purchase = record_purchase(
        session,
        None,
        PurchaseInput(
            location_id=base["location"].id,
            bought_on=day,
            lines=[PurchaseLineInput(base["item"].id, 1, 5_000)],
            funding=[FundingInput(theirs.id, 5_000)],
        ),
    )
    in_kind = record_in_kind_donation(
        session,
        None,
        InKindInput(
            location_id=base["location"].id,
            received_on=day,
            lines=[InKindLineInput(base["item"].id, 2)],
        ),
    )
    return {
        "donation_id": theirs.id,
        "own_donation_id": ours.id,
        "network_donation_id": network.id,
        "purchase_id": purchase.id,
        "in_kind_id": in_kind.id,
    }
