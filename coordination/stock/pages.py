"""What stock pages show about a lot's origin: translated kind, source, date, public id."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coordination.donations.models import InKindDonation
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind
from coordination.stock.origins import origin_source

ORIGIN_LABELS = {
    OriginKind.BATCH: _l("Production batch"),
    OriginKind.IN_KIND: _l("Donation in kind"),
    OriginKind.PURCHASE: _l("Purchase"),
    OriginKind.KIT: _l("Kit assembly"),
}


def origin_info(session: Session, lot: Lot) -> dict[str, Any]:
    _kind, source, record = origin_source(session, lot)
    when = None
    if isinstance(record, ProductionBatch):
        when = record.made_on
    elif isinstance(record, InKindDonation):
        when = record.received_on
    return {
        "kind": ORIGIN_LABELS[lot.origin_kind],
        "source": source if source is not None else _("anonymous donor"),
        "date": when,
        "public_id": getattr(record, "public_id", None),
    }
