"""Short names of ledger entry kinds for pages that list entries (verify, dispute reports).

The kind itself ("delivery.dispatched") is part of the record and stays in the JSON; a page
names it in the reader's language and falls back to the kind for one it does not know.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

LABELS: dict[str, Any] = {
    "delivery.created": _l("Delivery drafted"),
    "delivery.allocated": _l("Stock reserved"),
    "delivery.packed": _l("Packed"),
    "delivery.dispatched": _l("Dispatched"),
    "delivery.delivered": _l("Arrived"),
    "delivery.handover": _l("Handover"),
    "delivery.receipt": _l("Receipt"),
    "delivery.cancelled": _l("Delivery cancelled"),
    "evidence.added": _l("Evidence added"),
    "evidence.published": _l("Evidence made public"),
    "dispute.opened": _l("Dispute opened"),
    "dispute.evidence_added": _l("Evidence added to the dispute"),
    "dispute.resolved": _l("Dispute resolved"),
    "dispute.shared": _l("Dispute published"),
    "need.progress": _l("Need progress"),
}

# Outcomes and statuses that entries carry as values and sentences print.
VALUES: dict[str, Any] = {
    "upheld": _l("upheld"),
    "overturned": _l("overturned"),
}


def entry_label(kind: str) -> str:
    label = LABELS.get(kind)
    return str(label) if label is not None else kind
