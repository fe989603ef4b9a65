"""Access policy of verification, donor follow-up, the PROV export and the attribution API.

/verify and /receipts are public: everyone gets 200 with a real code (a dispatched delivery
and a money donation built here). The PROV export and the delivery attribution API follow
the delivery's visibility (tests/policies/deliveries.py builds the outsider and region
deliveries), plus auditors, who read every delivery's attribution (it holds nothing
personal). Party attribution (the API and the /sources/<party> page): staff and auditors for
any group, a volunteer for its own; households and units are never sources, so they answer
404.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from coordination.deliveries.models import Delivery, DeliveryLine, DeliveryStatus
from coordination.donations.models import MoneyDonation, MoneyStatus
from coordination.ledger.services import append
from tests.access_helpers import STAFF, api_only, everyone, only

READERS = ("family", "unit_rep", "volunteer", *STAFF, "auditor")
HIDDEN = {"family": 404, "unit_rep": 404, "volunteer": 404, "coordinator": 404}
OUTSIDER = {"delivery_id": "delivery_id"}
REGION = {"delivery_id": "region_delivery_id"}
VERIFY = {"code": "verify_code"}


def _delivery_entry(page: Any) -> dict[str, Any]:
    return {
        "expect": page(*READERS) | HIDDEN,
        "fill": OUTSIDER,
        "why": "another region's delivery for another household; auditors read it",
        "also": [
            {
                "fill": REGION,
                "expect": page(*READERS) | {"unit_rep": 404},
                "why": "the family's delivery carrying the volunteer's group's goods",
            }
        ],
    }


POLICY: dict[str, dict[str, Any]] = {
    # The auditor's desk: auditors and staff; a delivery of another region is 404 for the
    # coordinator; the ledger range export is for auditors and admins only.
    "desk.attribution": {"expect": only("auditor", *STAFF)},
    "desk.subject_prov": {
        "expect": only("auditor", *STAFF) | {"coordinator": 404},
        "fill": {"kind": "desk_kind", "ref": "desk_ref"},
        "why": "a delivery in another coordinator's region",
    },
    "desk.ledger_prov": {"expect": only("auditor", "admin"), "query": {"start": 0, "end": 2}},
    "reports.verify_form": {"expect": everyone(200)},
    "reports.verify": {"expect": everyone(200), "fill": VERIFY, "why": "public, no login"},
    "reports.verify_json": {"expect": everyone(200), "fill": VERIFY},
    "reports.receipt": {
        "expect": everyone(200),
        "fill": {"code": "receipt_code"},
        "why": "whoever holds the receipt code",
    },
    "reports.provenance_json": _delivery_entry(only),
    "api.reports_delivery": _delivery_entry(api_only),
    "api.reports_party": {
        "expect": api_only("volunteer", *STAFF, "auditor") | {"volunteer": 404},
        "why": "the outsider group: not the volunteer's own",
        "also": [
            {
                "fill": {"party_id": "household_id"},
                "expect": api_only("volunteer", *STAFF, "auditor")
                | {"volunteer": 404, "coordinator": 404, "admin": 404, "auditor": 404},
                "why": "a household is never a source",
            }
        ],
    },
    "reports.source": {
        "expect": only("volunteer", *STAFF, "auditor") | {"volunteer": 404},
        "why": "the outsider group: not the volunteer's own",
        "also": [
            {
                "fill": {"party_id": "own_group_id"},
                "expect": only("volunteer", *STAFF, "auditor"),
                "why": "the volunteer's own group",
            },
            {
                "fill": {"party_id": "household_id"},
                "expect": only("volunteer", *STAFF, "auditor")
                | {"volunteer": 404, "coordinator": 404, "admin": 404, "auditor": 404},
                "why": "a household is never a source",
            },
        ],
    },
}


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """A dispatched delivery of the outsider group's lot with a code, and a receipt code."""
    location, lot = base["location"], base["lot"]
    delivery = Delivery(
        region_id=location.region_id,
        from_location_id=location.id,
        to_party_id=base["household"].id,
        status=DeliveryStatus.DISPATCHED,
        code=secrets.token_urlsafe(12),
        dispatched_at=datetime(2026, 11, 3, tzinfo=UTC),
    )
    delivery.lines.append(DeliveryLine(lot_id=lot.id, quantity=1))
    session.add(delivery)
    session.flush()
    delivery.dispatch_entry = append(
        session,
        None,
        "delivery.dispatched",
        {"delivery": delivery.public_id, "lines": [{"lot": lot.public_id, "quantity": 1}]},
    ).index
    gift = MoneyDonation(
        amount_minor=100_00,
        currency="RUB",
        received_on=date(2026, 11, 1),
        status=MoneyStatus.RECEIVED,
        receipt_code=secrets.token_urlsafe(12),
    )
    session.add(gift)
    session.commit()
    return {
        "verify_code": delivery.code,
        "receipt_code": gift.receipt_code,
        "own_group_id": users["volunteer"].party_id,
        "desk_kind": "delivery",
        "desk_ref": delivery.code,
    }
