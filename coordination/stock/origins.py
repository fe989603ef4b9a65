"""Where a lot came from: its origin record, public id and a label for pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.donations.models import InKindDonation, Purchase
from coordination.production.models import ProductionBatch
from coordination.stock.models import KitAssembly, Lot, OriginKind

MODELS: dict[OriginKind, Any] = {
    OriginKind.BATCH: ProductionBatch,
    OriginKind.IN_KIND: InKindDonation,
    OriginKind.PURCHASE: Purchase,
    OriginKind.KIT: KitAssembly,
}


def origin_of(session: Session, lot: Lot) -> Any:
    return session.get(MODELS[lot.origin_kind], lot.origin_id)


def origin_public_id(session: Session, lot: Lot) -> str | None:
    origin = origin_of(session, lot)
    return origin.public_id if origin is not None else None


def origin_source(session: Session, lot: Lot) -> tuple[str, str | None, Any]:
    """(kind, public label of the source party or None for anonymous, the origin record).

    Only public labels: a donor who did not agree to be named shows as anonymous.
    """
    origin = origin_of(session, lot)
    if isinstance(origin, ProductionBatch):
        return lot.origin_kind.value, origin.group.public_label, origin
    if isinstance(origin, InKindDonation):
        donor = origin.donor
        return lot.origin_kind.value, donor.public_label if donor else None, origin
    return lot.origin_kind.value, None, origin
