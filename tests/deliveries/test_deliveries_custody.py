"""Custody and receipt rules at the service level: a presenter is never a source, places and
quantities are checked, only the recipient confirms, shortfall/damage/challenge dispute, a hub
move's arrival opens lots with the same origin; the ledger never holds notes or towns."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.db import utcnow
from coordination.deliveries import allocation, handovers, receipts, services, status
from coordination.deliveries.models import Delivery, DeliveryStatus, LineCondition
from coordination.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from coordination.ledger.models import LedgerEntry
from coordination.needs.models import NeedStatus
from coordination.stock.models import Lot
from tests.deliveries.support import World, entries, world


def _dispatched(session, w: World, **kw) -> Delivery:
    d = services.create_draft(
        session,
        w.coordinator,
        services.DraftInput(from_location_id=w.hub.id, need_line_ids=[w.need.lines[0].id], **kw),
    )
    status.pack(session, w.coordinator, d, d.version)
    status.dispatch(session, w.coordinator, d, d.version)
    session.commit()  # the refusals below roll back to here
    return d


def _handover(session, w: World, d: Delivery, **kw) -> None:
    data = {
        "from_party_id": w.courier.id,
        "from_role": "carrier",
        "to_party_id": w.unit.id,
        "to_role": "recipient",
        "place": "Belgorod",
        **kw,
    }
    handovers.record_handover(session, w.coordinator, d, d.version, handovers.HandoverInput(**data))


def test_presenter_is_never_a_source(app, session):
    w = world(session)
    d = _dispatched(session, w)
    refused = [
        {"from_party_id": w.official.id, "from_role": "source"},
        {"from_party_id": w.courier.id, "from_role": "source"},
        {"to_role": "source"},
        {"from_role": "recipient"},
        {"to_party_id": w.courier.id},
        {"from_role": "owner"},
        {"from_party_id": 2**40},
        {"place": "  "},
        {"place": "x" * 121},
        {"place": "a\x00b"},
        {"at": utcnow() + timedelta(days=1)},
        {"lines": [(d.lines[0].id, d.lines[0].quantity + 1)]},
        {"lines": [(999_999, 1)]},
        {"lines": [(d.lines[0].id, 0)]},
        {"note": "n" * 2001},
    ]
    for bad in refused:
        with pytest.raises(Invalid):
            _handover(session, w, d, **bad)
        session.rollback()
        d = session.get(Delivery, d.id)
    _handover(
        session,
        w,
        d,
        from_party_id=w.group.id,
        from_role="source",
        to_party_id=w.official.id,
        to_role="presenter",
    )
    _handover(session, w, d, from_party_id=w.official.id, from_role="presenter")
    session.commit()
    # whoever presented these goods stays a presenter: never recorded as their source later
    with pytest.raises(Invalid):
        _handover(session, w, d, from_party_id=w.official.id, from_role="source")
    session.rollback()
    data = [e["data"] for e in entries(session, "delivery.handover")]
    assert [(x["from_role"], x["to_role"]) for x in data] == [
        ("source", "presenter"),
        ("presenter", "recipient"),
    ]
    assert data[0]["from_label"] == "Knitting circle" and data[1]["to_label"] is None
    assert all("Belgorod" not in json.dumps(x) for x in data)


def test_receipt_rules(app, session):
    w = world(session)
    d = _dispatched(session, w)
    answer = receipts.ReceiptInput(lines={d.lines[0].id: (10, "ok")})
    with pytest.raises(Forbidden):
        receipts.record_receipt(session, w.coordinator, d, d.version, answer)
    with pytest.raises(NotFound):
        receipts.record_receipt(session, w.family, d, d.version, answer)
    for bad in (
        {},
        {d.lines[0].id: (11, "ok")},
        {d.lines[0].id: (-1, "ok")},
        {d.lines[0].id: (5, "lost")},
        {d.lines[0].id: (10, "ok"), 999: (1, "ok")},
    ):
        with pytest.raises(DomainError):
            receipts.record_receipt(
                session, w.unit_rep, d, d.version, receipts.ReceiptInput(lines=bad)
            )
        session.rollback()
        d = session.get(Delivery, d.id)
    receipts.record_receipt(
        session,
        w.unit_rep,
        d,
        d.version,
        receipts.ReceiptInput(
            lines={d.lines[0].id: (10, LineCondition.DAMAGED)}, note="Box soaked, Ivanov signed"
        ),
    )
    assert d.status == DeliveryStatus.DISPUTED
    assert w.need.lines[0].quantity_received == 0  # damaged goods do not fulfil the need
    with pytest.raises(Conflict):
        receipts.record_receipt(session, w.unit_rep, d, d.version, answer)
    body = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == "delivery.receipt")
    ).one()
    assert "Ivanov" not in body and '"condition":"damaged"' in body


def test_challenged_handover_disputes_even_when_all_arrived(app, session):
    w = world(session)
    d = _dispatched(session, w)
    receipts.record_receipt(
        session,
        w.unit_rep,
        d,
        d.version,
        receipts.ReceiptInput(lines={d.lines[0].id: (10, "ok")}, challenged=True),
    )
    assert d.status == DeliveryStatus.DISPUTED
    assert w.need.lines[0].quantity_received == 10
    assert w.need.status == NeedStatus.FULFILLED


def test_hub_move_opens_lots_with_the_same_origin(app, session):
    w = world(session)
    move = services.create_draft(
        session,
        w.coordinator,
        services.DraftInput(from_location_id=w.hub.id, to_location_id=w.hub2.id),
    )
    allocation.add_line(session, w.coordinator, move, move.version, w.lot.id, 12)
    status.pack(session, w.coordinator, move, move.version)
    status.dispatch(session, w.coordinator, move, move.version)
    with pytest.raises(NotFound):  # a unit has no say over stock arriving at a hub
        receipts.record_receipt(
            session,
            w.unit_rep,
            move,
            move.version,
            receipts.ReceiptInput(lines={move.lines[0].id: (12, "ok")}),
        )
    receipts.record_receipt(
        session,
        w.coordinator,
        move,
        move.version,
        receipts.ReceiptInput(lines={move.lines[0].id: (11, "short")}),
    )
    new = session.scalars(select(Lot).where(Lot.location_id == w.hub2.id)).one()
    assert (new.quantity, new.origin_kind, new.origin_id, new.parent_lot_id) == (
        11,
        w.lot.origin_kind,
        w.lot.origin_id,
        w.lot.id,
    )
    assert new.entry_index == move.receipts[0].entry_index
    assert move.status == DeliveryStatus.DISPUTED
    assert (w.lot.quantity, w.lot.reserved) == (18, 0)


def test_lines_and_cancel_keep_stock_and_needs_consistent(app, session):
    w = world(session)
    d = services.create_draft(
        session,
        w.coordinator,
        services.DraftInput(from_location_id=w.hub.id, need_line_ids=[w.need.lines[0].id]),
    )
    session.commit()
    assert (w.lot.reserved, w.need.lines[0].quantity_allocated) == (10, 10)
    with pytest.raises(Invalid):  # the need waits for nothing more
        allocation.add_line(session, w.coordinator, d, d.version, w.lot.id, 1, w.need.lines[0].id)
    session.rollback()
    d = session.get(Delivery, d.id)
    line = allocation.change_line(session, w.coordinator, d, d.version, d.lines[0].id, w.lot.id, 6)
    assert (w.lot.reserved, w.need.lines[0].quantity_allocated) == (6, 6)
    with pytest.raises(Conflict):
        allocation.remove_line(session, w.coordinator, d, d.version - 1, line.id)
    with pytest.raises(NotFound):
        status.pack(session, w.other_coordinator, d, d.version)
    services.cancel(session, w.coordinator, d, d.version)
    assert (w.lot.reserved, w.need.lines[0].quantity_allocated) == (0, 0)
    assert d.status == DeliveryStatus.CANCELLED
    with pytest.raises(Conflict):
        status.pack(session, w.coordinator, d, d.version)
