"""The walk from a lot to its origins (the rules are credit.py's), remembered per request.

A walk costs a few queries per lot (its origin record, the origin's group or donor, the
money that paid for it). Pages that walk many delivery lines call `prefetch()` first, which
loads those for every lot in a handful of IN queries and keeps them for the walker's life
(the session's identity map holds rows only weakly, so without that they are read again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coordination.attribution.credit import (
    MAX_DEPTH,
    Credit,
    CreditKind,
    batch_credits,
    merge,
    party_label,
    purchase_credits,
    unknown,
)
from coordination.donations.models import BatchFunding, InKindDonation, MoneyDonation, Purchase
from coordination.production.models import ProductionBatch
from coordination.stock.models import KitAssembly, Lot, OriginKind

CHUNK = 900  # ids per IN (...): under every SQLite build's bound-parameter limit


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


class Walker:
    """Credits per unit of a lot, remembered for the walker's life (one request)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._unit: dict[int, list[Credit]] = {}
        self._rows: dict[tuple[type[Any], int], Any] = {}
        self._batch_funding: dict[int, list[tuple[MoneyDonation, int]]] = {}

    def prefetch(self, lots: Sequence[Lot]) -> None:
        """Load the lots `lots` were split from (transfers), their origin records (with group
        or donor) and batch funding."""
        self._parents(lots)
        wanted: dict[OriginKind, set[int]] = defaultdict(set)
        for lot in lots:
            root = self._root(lot)
            wanted[root.origin_kind].add(root.origin_id)
        loads: list[tuple[type[Any], OriginKind, Any]] = [
            (ProductionBatch, OriginKind.BATCH, joinedload(ProductionBatch.group)),
            (InKindDonation, OriginKind.IN_KIND, joinedload(InKindDonation.donor)),
            (Purchase, OriginKind.PURCHASE, None),
        ]
        for model, kind, option in loads:
            for ids in chunks(wanted.get(kind, ())):
                stmt = select(model).where(model.id.in_(ids))
                for row in self.session.scalars(stmt.options(option) if option else stmt):
                    self._rows[(model, row.id)] = row
        for ids in chunks(wanted.get(OriginKind.BATCH, ())):
            for batch_id in ids:
                self._batch_funding.setdefault(batch_id, [])
            stmt = (
                select(BatchFunding)
                .where(BatchFunding.batch_id.in_(ids))
                .options(joinedload(BatchFunding.donation))
                .order_by(BatchFunding.id)
            )
            for row in self.session.scalars(stmt):
                self._batch_funding[row.batch_id].append((row.donation, row.amount_minor))

    def _parents(self, lots: Sequence[Lot]) -> None:
        # Held here, the parents are in the identity map when _root() follows lot.parent, so
        # a lot moved through hubs costs no query per transfer.
        pending = {lot.parent_lot_id for lot in lots if lot.parent_lot_id is not None}
        for _ in range(MAX_DEPTH):
            pending = {ident for ident in pending if (Lot, ident) not in self._rows}
            if not pending:
                return
            found: list[Lot] = []
            for ids in chunks(pending):
                found.extend(self.session.scalars(select(Lot).where(Lot.id.in_(ids))))
            for lot in found:
                self._rows[(Lot, lot.id)] = lot
            pending = {lot.parent_lot_id for lot in found if lot.parent_lot_id is not None}

    def _get(self, model: type[Any], ident: int) -> Any:
        row = self._rows.get((model, ident))
        if row is None:
            row = self.session.get(model, ident)
            if row is not None:
                self._rows[(model, ident)] = row
        return row

    def lot(self, lot: Lot, quantity: Fraction | int) -> list[Credit]:
        quantity = Fraction(quantity)
        if quantity == 0:
            return []
        return [c.scaled(quantity) for c in self._per_unit(lot, ())]

    def _per_unit(self, lot: Lot, kits: tuple[int, ...]) -> list[Credit]:
        cached = self._unit.get(lot.id)
        if cached is not None:
            return cached
        credits = self._origin_credits(self._root(lot), kits)
        if not kits:  # a result inside a broken kit depends on the path; keep only clean ones
            self._unit[lot.id] = credits
        return credits

    def _root(self, lot: Lot) -> Lot:
        """Walk transfers back to the lot the origin created (a cycle stops the walk)."""
        seen = {lot.id}
        while lot.parent is not None and lot.parent.id not in seen and len(seen) < MAX_DEPTH:
            lot = lot.parent
            seen.add(lot.id)
        return lot

    def _origin_credits(self, lot: Lot, kits: tuple[int, ...]) -> list[Credit]:
        kind = lot.origin_kind
        one = Fraction(1)
        if kind == OriginKind.BATCH:
            batch = self._get(ProductionBatch, lot.origin_id)
            if batch is None:
                return [unknown(one, kind.value)]
            return batch_credits(batch, one, self._batch_funding.get(batch.id))
        if kind == OriginKind.IN_KIND:
            gift = self._get(InKindDonation, lot.origin_id)
            if gift is None:
                return [unknown(one, kind.value)]
            party, label = party_label(gift.donor)
            return [
                Credit(
                    party,
                    label,
                    CreditKind.DONOR,
                    kind.value,
                    gift.public_id,
                    one,
                    party_ref=gift.donor_id,
                    origin_ref=gift.id,
                )
            ]
        if kind == OriginKind.PURCHASE:
            purchase = self._get(Purchase, lot.origin_id)
            return purchase_credits(purchase, lot, one) if purchase else [unknown(one, kind.value)]
        if kind == OriginKind.KIT:
            return self._kit_credits(lot, kits)
        return [unknown(one)]

    def _kit_credits(self, lot: Lot, kits: tuple[int, ...]) -> list[Credit]:
        assembly = self._get(KitAssembly, lot.origin_id)
        if assembly is None or not assembly.components:
            return [unknown(Fraction(1), OriginKind.KIT.value)]
        if assembly.id in kits or len(kits) >= MAX_DEPTH:  # a kit cannot contain itself
            return [unknown(Fraction(1), OriginKind.KIT.value, assembly.public_id)]
        per_kit = sum(use.quantity for use in assembly.components)
        credits: list[Credit] = []
        for use in assembly.components:
            # One kit holds use.quantity/assembly.quantity component pieces; it is credited
            # use.quantity/per_kit of a kit, so scale quantity by the ratio and keep money.
            pieces = Fraction(use.quantity, assembly.quantity)
            share = Fraction(use.quantity, per_kit)
            for c in self._per_unit(use.lot, (*kits, assembly.id)):
                credits.append(
                    replace(c, quantity=c.quantity * share, money_minor=c.money_minor * pieces)
                )
        return merge(credits)
