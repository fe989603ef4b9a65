"""Access policy of the delivery pages and API.

The outsider delivery leaves another region for another household, with the outsider group's
lot: the coordinator, volunteers and recipients get 404, the admin sees it. The region
delivery leaves the coordinator's region for the family user's household and carries the
volunteer's group's lot: the coordinator manages it, the family and the volunteer read it.
Writes are sent without a version or with an empty body: allowed roles get 409 (pages: a
missing version reads as stale) or 400 (the API refuses the body first).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.deliveries.models import Delivery, DeliveryLine
from tests.access_helpers import STAFF, api_only, only

READERS = ("family", "unit_rep", "volunteer", *STAFF)
RECEIVERS = ("family", "unit_rep", *STAFF)
HIDDEN = {"family": 404, "unit_rep": 404, "volunteer": 404, "coordinator": 404}
REGION = {"delivery_id": "region_delivery_id", "line_id": "region_delivery_line_id"}
OUTSIDER = {"delivery_id": "delivery_id", "line_id": "delivery_line_id"}
STEP = {"action": "delivery_action"}


def _staff_write(ok: int, fill: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "expect": only(*STAFF, ok=ok) | {"coordinator": 404},
        "fill": {**OUTSIDER, **(fill or {})},
        "why": "another region's delivery",
        "also": [
            {
                "fill": {**REGION, **(fill or {})},
                "expect": only(*STAFF, ok=ok),
                "why": "a delivery leaving the coordinator's region",
            }
        ],
    }


def _api_write(*roles: str) -> dict[str, Any]:
    return {
        "expect": api_only(*roles, ok=400),
        "fill": OUTSIDER,
        "why": "an empty body is refused before the delivery is read",
    }


POLICY: dict[str, dict[str, Any]] = {
    "deliveries.list_deliveries": {"expect": only(*READERS)},
    "deliveries.my_deliveries": {"expect": only(*READERS)},
    "deliveries.new_delivery": {"expect": only(*STAFF)},
    "deliveries.view_delivery": {
        "expect": only(*READERS) | HIDDEN,
        "fill": OUTSIDER,
        "why": "another region's delivery",
        "also": [
            {
                "fill": REGION,
                "expect": only(*READERS) | {"unit_rep": 404},
                "why": "the family's incoming delivery carrying the volunteer's group's goods",
            }
        ],
    },
    "deliveries.step": _staff_write(409, STEP),
    "deliveries.add_line": _staff_write(400),
    "deliveries.remove_line": _staff_write(409),
    "deliveries.edit_details": _staff_write(409),
    "deliveries.record_handover": _staff_write(200),
    "deliveries.confirm_receipt": {
        "expect": only(*RECEIVERS)
        | {"family": 404, "unit_rep": 404, "coordinator": 404, "admin": 403},
        "fill": OUTSIDER,
        "why": "another household's delivery; staff never confirm for it",
        "also": [
            {
                "fill": REGION,
                "expect": only(*RECEIVERS) | {"unit_rep": 404, "coordinator": 403, "admin": 403},
                "why": "the family is the recipient",
            }
        ],
    },
    "api.deliveries_list_deliveries": {"expect": api_only(*READERS)},
    "api.deliveries_get_delivery": {
        "expect": api_only(*READERS) | HIDDEN,
        "fill": OUTSIDER,
        "also": [{"fill": REGION, "expect": api_only(*READERS) | {"unit_rep": 404}}],
    },
    "api.deliveries_create_delivery": _api_write(*STAFF),
    "api.deliveries_proposals": {
        "expect": api_only(*STAFF) | {"coordinator": 404},
        "fill": OUTSIDER,
        "also": [{"fill": REGION, "expect": api_only(*STAFF)}],
    },
    "api.deliveries_add_line": _api_write(*STAFF),
    "api.deliveries_remove_line": _api_write(*STAFF),
    **{
        f"api.deliveries_{step}_delivery": _api_write(*STAFF)
        for step in ("pack", "unpack", "dispatch", "deliver", "cancel")
    },
    "api.deliveries_add_handover": _api_write(*STAFF),
    "api.deliveries_add_receipt": _api_write(*RECEIVERS),
}


def _delivery(session: Session, location: Any, lot: Any, to_party_id: int | None) -> Delivery:
    delivery = Delivery(
        region_id=location.region_id, from_location_id=location.id, to_party_id=to_party_id
    )
    delivery.lines.append(DeliveryLine(lot_id=lot.id, quantity=1))
    session.add(delivery)
    session.flush()
    return delivery


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    outsider = _delivery(session, base["location"], base["lot"], base["household"].id)
    region = _delivery(session, base["own_location"], base["own_lot"], users["family"].party_id)
    session.commit()
    return {
        "delivery_id": outsider.id,
        "delivery_line_id": outsider.lines[0].id,
        "region_delivery_id": region.id,
        "region_delivery_line_id": region.lines[0].id,
        "delivery_action": "pack",
    }
