"""Adjustments: lost, damaged, recount; recorded as corrections of the lot's creating entry;
never below zero or below what deliveries reserved; refusals write nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from coordination.kernel.actors import Role
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.ledger.models import LedgerEntry
from coordination.production.services import log_production_batch
from coordination.stock.adjust import adjust_lot
from coordination.stock.models import Lot, MovementKind, StockMovement
from coordination.stock.services import take_from_lot, transfer_lot
from tests import factories as f
from tests.stock.support import batch_input, entries, lot_at, world


def _batch_lot(session, w, quantity=30) -> Lot:
    batch = log_production_batch(session, w.volunteer, batch_input(w, quantity))
    return session.scalars(select(Lot).where(Lot.origin_id == batch.id)).one()


def _ledger_size(session) -> int:
    return session.scalar(select(func.count()).select_from(LedgerEntry))


def test_batch_and_transfer_lots_remember_their_creating_entry(session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    [origin] = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "origin.batch"))
    assert lot.entry_index == origin.index
    new = transfer_lot(session, w.coordinator, lot, w.hub.id, 10)
    [moved] = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "stock.transfer"))
    assert new.entry_index == moved.index and lot.entry_index == origin.index


def test_lost_reduces_and_supersedes_the_origin_entry(session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    move = adjust_lot(session, w.volunteer, lot, "lost", 4)
    session.commit()
    assert lot.quantity == 26
    assert (move.kind, move.delta, move.reason) == (MovementKind.ADJUST, -4, "lost")
    [entry] = entries(session, "stock.adjusted")
    assert entry["supersedes"] == lot.entry_index
    assert entry["data"]["lot"] == lot.public_id
    assert (entry["data"]["was"], entry["data"]["quantity"], entry["data"]["delta"]) == (30, 26, -4)
    assert entry["data"]["reason"] == "lost"
    stored = session.scalar(select(LedgerEntry.index).where(LedgerEntry.kind == "stock.adjusted"))
    assert move.entry_index == stored


def test_a_transferred_lot_corrects_its_transfer_entry(session) -> None:
    w = world(session)
    new = transfer_lot(session, w.coordinator, _batch_lot(session, w), w.hub.id, 10)
    adjust_lot(session, w.coordinator, new, "damaged", 2)
    [entry] = entries(session, "stock.adjusted")
    [moved] = entries(session, "stock.transfer")
    assert entry["supersedes"] == new.entry_index
    assert moved["data"]["new_lot"] == new.public_id
    assert new.quantity == 8


def test_recount_sets_the_counted_number_up_or_down(session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    adjust_lot(session, w.volunteer, lot, "recount", 33)
    assert lot.quantity == 33
    adjust_lot(session, w.volunteer, lot, "recount", 0)
    assert lot.quantity == 0
    assert [e["data"]["delta"] for e in entries(session, "stock.adjusted")] == [3, -33]


def test_a_lot_without_a_remembered_entry_gets_a_plain_entry(session) -> None:
    w = world(session)
    lot = lot_at(session, w.hub, w.item, 10)
    lot.entry_index = None  # as for a lot recorded before lots remembered their creating entry
    adjust_lot(session, w.coordinator, lot, "lost", 1)
    [entry] = entries(session, "stock.adjusted")
    assert "supersedes" not in entry


@pytest.mark.parametrize(("reason", "quantity"), [("lost", 8), ("damaged", 9), ("recount", 6)])
def test_never_below_what_is_reserved(session, reason, quantity) -> None:
    w = world(session)
    lot = lot_at(session, w.hub, w.item, 10, reserved=7)
    session.commit()
    lot_id, size = lot.id, _ledger_size(session)
    with pytest.raises(Invalid) as exc:
        adjust_lot(session, w.coordinator, lot, reason, quantity)
    assert exc.value.field == "quantity"
    session.rollback()
    assert session.get(Lot, lot_id).quantity == 10
    assert _ledger_size(session) == size
    assert (
        session.scalar(
            select(func.count())
            .select_from(StockMovement)
            .where(StockMovement.kind == MovementKind.ADJUST)
        )
        == 0
    )


def test_reserved_goods_can_be_recounted_down_to_the_reservation(session) -> None:
    w = world(session)
    lot = lot_at(session, w.hub, w.item, 10, reserved=7)
    adjust_lot(session, w.coordinator, lot, "lost", 3)
    assert (lot.quantity, lot.reserved, lot.available) == (7, 7, 0)
    with pytest.raises(Invalid):
        take_from_lot(session, w.coordinator, lot, 1)


@pytest.mark.parametrize(
    ("reason", "quantity", "field"),
    [
        ("stolen", 1, "reason"),
        (None, 1, "reason"),
        ("lost", 0, "quantity"),
        ("lost", -1, "quantity"),
        ("lost", 10**9, "quantity"),
        ("recount", -1, "quantity"),
        ("recount", 10**9, "quantity"),
        ("lost", "2", "quantity"),
        ("lost", True, "quantity"),
        ("recount", 30, "quantity"),
        ("lost", 31, "quantity"),
    ],
)
def test_bad_adjustments_are_refused(session, reason, quantity, field) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    with pytest.raises(Invalid) as exc:
        adjust_lot(session, w.volunteer, lot, reason, quantity)
    assert exc.value.field == field
    assert entries(session, "stock.adjusted") == []


def test_outsiders_cannot_adjust(session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    stranger = f.user(session, Role.VOLUNTEER)  # a volunteer of another group
    with pytest.raises(NotFound):
        adjust_lot(session, stranger, lot, "lost", 1)
    with pytest.raises(NotFound):
        adjust_lot(session, f.user(session), lot, "lost", 1)  # another region's coordinator
    with pytest.raises(Forbidden):
        adjust_lot(session, f.user(session, Role.AUDITOR), lot, "lost", 1)
    assert lot.quantity == 30


def test_the_ledger_entry_holds_public_ids_only(session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    adjust_lot(session, w.volunteer, lot, "damaged", 1)
    body = session.scalar(select(LedgerEntry.body).where(LedgerEntry.kind == "stock.adjusted"))
    data = json.loads(body)["data"]
    assert set(data) == {
        "lot",
        "item",
        "size",
        "location",
        "origin",
        "reason",
        "was",
        "quantity",
        "delta",
    }
    assert w.group.display_name not in body
