"""The true sources of a lot in words, for staff stock and delivery pages.

A purchased lot is credited to the donors whose money paid for it, a kit to the sources of
its components: the same walk (walker.py) that /verify and the documents use, printed as
the documents print a line's sources (labels.sources_text). Public labels only; a donor who
chose not to be named reads "anonymous donor".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coordination.attribution.credit import merge
from coordination.attribution.labels import sources_text
from coordination.attribution.walker import Walker
from coordination.stock.models import Lot
from coordination.stock.origins import register_source_namer


def lot_sources(session: Session, lot: Lot) -> str:
    """ "Group A, donor B, anonymous donor"; "unknown origin" when the walk finds nobody."""
    # One unit is enough: the labels, not the shares, are printed, and an empty lot
    # (quantity 0) still has its sources.
    return sources_text(merge(Walker(session).lot(lot, 1)))


def register_lot_sources() -> None:
    register_source_namer(lot_sources)
