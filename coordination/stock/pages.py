"""What stock pages show about a lot's origin: translated kind, source, date, public id."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coordination.parties.naming import public_name
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
    if record is not None and lot.origin_kind == OriginKind.BATCH:
        when = record.made_on
    elif record is not None and lot.origin_kind == OriginKind.IN_KIND:
        when = record.received_on
    return {
        "kind": ORIGIN_LABELS[lot.origin_kind],
        "source": public_name(source),
        "date": when,
        "public_id": getattr(record, "public_id", None),
    }


MOVE_LABELS = {
    "in": _l("Entered stock"),
    "transfer_out": _l("Moved out"),
    "transfer_in": _l("Moved in"),
    "take": _l("Taken"),
    "adjust": _l("Corrected"),
    "kit_use": _l("Used in kits"),
    "reserve": _l("Reserved for a delivery"),
    "release": _l("Reservation released"),
}
REASON_LABELS = {"lost": _l("lost"), "damaged": _l("damaged"), "recount": _l("recount")}
