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

# Values that entries carry (outcomes, statuses, handover roles, party and evidence kinds)
# and sentences print: in words, never the stored token.
VALUES: dict[str, Any] = {
    "upheld": _l("upheld"),
    "overturned": _l("overturned"),
    "confirmed": _l("confirmed"),
    "disputed": _l("disputed"),
    "source": _l("source"),
    "collector": _l("collector"),
    "carrier": _l("carrier"),
    "presenter": _l("presenter"),
    "recipient": _l("recipient"),
    "group": _l("volunteer group"),
    "donor": _l("donor"),
    "unit": _l("unit"),
    "household": _l("household"),
    "courier": _l("courier"),
    "official": _l("official"),
    "campaign": _l("campaign"),
    "approved": _l("approved"),
    "partially_fulfilled": _l("partially fulfilled"),
    "fulfilled": _l("fulfilled"),
    "photo": _l("photo"),
    "receipt_scan": _l("receipt scan"),
}
# Fields whose value is one of VALUES rather than a name or an id.
VALUE_FIELDS = ("outcome", "kind", "to_kind", "from_kind", "from_role", "to_role", "status")


def entry_label(kind: str) -> str:
    label = LABELS.get(kind)
    return str(label) if label is not None else kind
