"""Access policy of stock corrections, kit assembly and the stock and production API.

The outsider lot and batch belong to another group in another region: volunteers and the
coordinator get 404, the admin sees them; the own lot and batch are the volunteer's group's,
in the coordinator's region. Writes are sent with an empty body, so allowed roles get 400.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tests.access_helpers import OTHERS_LOT, STAFF, api_only, only

STOCKERS = ("volunteer", *STAFF)
HIDDEN = {"volunteer": 404, "coordinator": 404}


def _api_object(own: dict[str, str]) -> dict[str, Any]:
    return {
        "expect": api_only(*STOCKERS) | HIDDEN,
        "why": "another group's object, in another coordinator's region",
        "also": [
            {
                "fill": own,
                "expect": api_only(*STOCKERS),
                "why": "the volunteer's own group's, in the coordinator's region",
            }
        ],
    }


POLICY: dict[str, dict[str, Any]] = {
    "stock.adjust_lot": OTHERS_LOT,
    "stock.assemble_kits": {"expect": only(*STOCKERS)},
    "api.stock_list_lots": {"expect": api_only(*STOCKERS)},
    "api.stock_get_lot": _api_object({"lot_id": "own_lot_id"}),
    "api.stock_transfer": {"expect": api_only(*STOCKERS, ok=400)},
    "api.stock_take": {"expect": api_only(*STOCKERS, ok=400)},
    "api.stock_adjust": {"expect": api_only(*STOCKERS, ok=400)},
    "api.stock_assemble": {"expect": api_only(*STOCKERS, ok=400)},
    "api.stock_list_batches": {"expect": api_only(*STOCKERS)},
    "api.stock_get_batch": _api_object({"batch_id": "own_batch_id"}),
    "api.stock_create_batch": {"expect": api_only(*STOCKERS, ok=400)},
}


def _batch(session: Session, location: Any, item: Any) -> int:
    from coordination.production.models import ProductionBatch
    from coordination.stock.models import Lot, OriginKind

    batch = ProductionBatch(
        group_id=location.party_id, item_id=item.id, quantity=3, made_on=date(2026, 11, 1)
    )
    session.add(batch)
    session.flush()
    session.add(
        Lot(
            item_id=item.id,
            quantity=3,
            location_id=location.id,
            origin_kind=OriginKind.BATCH,
            origin_id=batch.id,
        )
    )
    session.flush()
    return batch.id


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    return {
        "batch_id": _batch(session, base["location"], base["item"]),
        "own_batch_id": _batch(session, base["own_location"], base["item"]),
    }
