"""Where a lot came from: its origin record, public id and a label for pages.

Origins (production batches, donations in kind, purchases) sit above stock: they create lots
by calling stock's services, and stock never imports them. A lot points at its origin by
kind and id; the origin's row is found here through the mapper registry by table name, the
one thing stock knows about the origin domains (the table names are part of the schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coordination.db import Base
from coordination.stock.models import Lot, OriginKind

TABLES: dict[OriginKind, str] = {
    OriginKind.BATCH: "production_batch",
    OriginKind.IN_KIND: "in_kind_donation",
    OriginKind.PURCHASE: "purchase",
    OriginKind.KIT: "kit_assembly",
}


@cache
def origin_model(kind: OriginKind) -> Any:
    """The model class of an origin kind (every model is imported by create_app)."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == TABLES[kind]:
            return mapper.class_
    raise LookupError(f"no model is mapped to {TABLES[kind]}")


# Who paid for a purchase, or made and gave a kit's components, is found by the attribution
# engine (attribution/walker.py), which sits above stock. It registers this function when
# the app is built (coordination/__init__.py), so stock and delivery pages name the paying
# donors with the same walk /verify uses, and stock never imports the layer above it.
SourceNamer = Callable[[Session, Lot], str | None]
_source_namer: list[SourceNamer] = []


def register_source_namer(namer: SourceNamer) -> None:
    _source_namer[:] = [namer]


def origin_of(session: Session, lot: Lot) -> Any:
    return session.get(origin_model(lot.origin_kind), lot.origin_id)


def origin_public_id(session: Session, lot: Lot) -> str | None:
    origin = origin_of(session, lot)
    return origin.public_id if origin is not None else None


def origin_source(session: Session, lot: Lot) -> tuple[str, str | None, Any]:
    """(kind, public label of the source party or None for anonymous, the origin record).

    Only public labels: a donor who did not agree to be named shows as anonymous. A purchase
    or a kit is labelled by the donors who paid or the sources of its components.
    """
    origin = origin_of(session, lot)
    if origin is not None and lot.origin_kind == OriginKind.BATCH:
        return lot.origin_kind.value, origin.group.public_label, origin
    if origin is not None and lot.origin_kind == OriginKind.IN_KIND:
        donor = origin.donor
        return lot.origin_kind.value, donor.public_label if donor else None, origin
    label = _source_namer[0](session, lot) if _source_namer else None
    return lot.origin_kind.value, label, origin


# The party each origin kind credits, loaded with the origin so a label costs no query.
_SOURCE_PARTY = {OriginKind.BATCH: "group", OriginKind.IN_KIND: "donor"}


def preload_origins(session: Session, lots: Iterable[Lot]) -> list[Any]:
    """Load the origin records (and their source party) of many lots in one query per kind.

    They land in the session's identity map, so `origin_of` then finds each one without a
    query: a page of lots costs a fixed number of queries, not one or two per row. The
    identity map holds objects weakly: the caller keeps the returned list while it reads."""
    loaded: list[Any] = []
    wanted: dict[OriginKind, set[int]] = {}
    for lot in lots:
        wanted.setdefault(lot.origin_kind, set()).add(lot.origin_id)
    for kind, ids in wanted.items():
        model = origin_model(kind)
        stmt = select(model).where(model.id.in_(sorted(ids)))
        party = _SOURCE_PARTY.get(kind)
        if party is not None:
            stmt = stmt.options(selectinload(getattr(model, party)))
        loaded.extend(session.scalars(stmt))
    return loaded
