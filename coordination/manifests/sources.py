"""The true source of a delivery line, in words a document can print.

A lot's origin is a group's batch, a donor's goods, a purchase paid by donations, or a kit
assembled from other lots. Only public labels are printed: a donor who did not agree to be
named reads "anonymous donor". Purchases name the donors whose money paid for them.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coordination.donations.models import MoneyDonation, Purchase
from coordination.parties.models import Party, PartyKind
from coordination.stock.models import KitAssembly, Lot
from coordination.stock.origins import origin_source

MAX_DEPTH = 4  # kits of kits of kits: deep enough for real kits, bounded for bad data


def party_label(party: Party | None) -> str:
    if party is None or (party.kind == PartyKind.DONOR and not party.name_public):
        return _("anonymous donor")
    if party.is_private:
        return _("a household") if party.kind == PartyKind.HOUSEHOLD else _("a unit")
    return party.display_name


def donation_label(donation: MoneyDonation) -> str:
    return party_label(donation.donor or donation.campaign)


def _unique(labels: list[str]) -> str:
    return ", ".join(dict.fromkeys(labels))


def lot_source(session: Session, lot: Lot, cache: dict[tuple[str, int], str],
               depth: int = 0) -> str:  # fmt: skip
    """One line of text naming who made or paid for the goods of `lot`."""
    key = (lot.origin_kind.value, lot.origin_id)
    if key in cache:
        return cache[key]
    kind, label, origin = origin_source(session, lot)
    if origin is None:
        text = _("unknown")
    elif isinstance(origin, Purchase):
        funders = _unique([donation_label(f.donation) for f in origin.funding])
        text = (_("bought with donations from %(donors)s", donors=funders) if funders
                else _("bought"))  # fmt: skip
    elif isinstance(origin, KitAssembly):
        parts = ([lot_source(session, use.lot, cache, depth + 1) for use in origin.components]
                 if depth < MAX_DEPTH else [])  # fmt: skip
        text = _("kit assembled from goods of %(sources)s", sources=_unique(parts) or "?")
    elif kind == "in_kind":
        text = party_label(origin.donor)
    else:
        text = label or _("anonymous donor")
    cache[key] = text
    return text
