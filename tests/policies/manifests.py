"""Access policy of the documents: delivery manifests, handover acts and attribution
certificates (PDF and print view), and donation receipts.

Delivery documents follow the delivery (coordination/deliveries/access.py): the outsider
delivery (tests/policies/deliveries.py) leaves another region for another household, so
only the admin gets it; the region delivery leaves the coordinator's region for the family
user's household with the volunteer's group's goods, so they all get it. Auditors never:
documents carry names and contacts. Receipts are for staff (others 403); the outsider's
money and goods are in another coordinator's region (404 for the coordinator).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.access_helpers import STAFF, only

READERS = ("family", "unit_rep", "volunteer", *STAFF)
HIDDEN = {"family": 404, "unit_rep": 404, "volunteer": 404, "coordinator": 404, "auditor": 404}
REGION = {"delivery_id": "region_delivery_id"}


def _document() -> dict[str, Any]:
    return {
        "expect": only(*READERS) | HIDDEN,
        "why": "another region's delivery, another household",
        "also": [
            {
                "fill": REGION,
                "expect": only(*READERS) | {"unit_rep": 404, "auditor": 404},
                "why": "the family's delivery carrying the volunteer's group's goods",
            }
        ],
    }


def _receipt(kind: str, donation: str) -> dict[str, Any]:
    return {
        "expect": only(*STAFF) | {"coordinator": 404},
        "fill": {"kind": kind, "donation_id": donation},
        "why": "a donation held or received in another region",
    }


POLICY: dict[str, dict[str, Any]] = {
    **{
        f"manifests.{doc}_{form}": _document()
        for doc in ("manifest", "act", "certificate")
        for form in ("pdf", "html")
    },
    "manifests.receipt_pdf": {
        **_receipt("money_kind", "donation_id"),
        "also": [{**_receipt("in_kind_kind", "in_kind_id")}],
    },
    "manifests.receipt_html": {
        **_receipt("in_kind_kind", "in_kind_id"),
        "also": [{**_receipt("money_kind", "donation_id")}],
    },
}


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Words for the receipt's <kind> path part; the donations and deliveries come from
    tests/policies/donations.py and deliveries.py."""
    return {"money_kind": "money", "in_kind_kind": "in-kind"}
