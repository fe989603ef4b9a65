"""Transfers split a lot and keep its origin; stock never goes negative."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.production.services import log_production_batch
from coordination.stock.access import visible_lot
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import take_from_lot, transfer_lot
from tests import factories as f
from tests.stock.support import batch_input, entries, world


def _lot(session, w, quantity=30) -> Lot:
    batch = log_production_batch(session, w.volunteer, batch_input(w, quantity))
    return session.scalars(select(Lot).where(Lot.origin_id == batch.id)).one()


def test_in_kind_lines_become_lots_with_that_origin(session) -> None:
    w = world(session)
    donor = f.party(session, f.PartyKind.DONOR, name_public=False)
    other = f.item(session)
    donation = record_in_kind_donation(
        session,
        w.coordinator,
        InKindInput(
            location_id=w.hub.id,
            received_on=date(2026, 11, 2),
            donor_id=donor.id,
            lines=[InKindLineInput(w.item.id, 20, "40-42"), InKindLineInput(other.id, 5)],
        ),
    )
    session.commit()
    lots = session.scalars(select(Lot).order_by(Lot.id)).all()
    assert [(lot.item_id, lot.quantity) for lot in lots] == [(w.item.id, 20), (other.id, 5)]
    assert {(lot.origin_kind, lot.origin_id, lot.location_id) for lot in lots} == {
        (OriginKind.IN_KIND, donation.id, w.hub.id)
    }
    [entry] = entries(session, "origin.in_kind")
    assert entry["data"]["donor"] == donor.public_id
    assert [line["lot"] for line in entry["data"]["lines"]] == [lot.public_id for lot in lots]


def test_anonymous_in_kind_donation(session) -> None:
    w = world(session)
    record_in_kind_donation(
        session,
        w.volunteer,
        InKindInput(
            location_id=w.workshop.id,
            received_on=date(2026, 11, 2),
            lines=[InKindLineInput(w.item.id, 3, "40-42")],
        ),
    )
    assert entries(session, "origin.in_kind")[0]["data"]["donor"] is None


def test_volunteer_cannot_record_at_another_groups_place(session) -> None:
    w = world(session)
    with pytest.raises(NotFound):
        record_in_kind_donation(
            session,
            w.volunteer,
            InKindInput(
                location_id=w.hub.id,
                received_on=date(2026, 11, 2),
                lines=[InKindLineInput(w.item.id, 3)],
            ),
        )


def test_transfer_splits_and_keeps_origin(session) -> None:
    w = world(session)
    lot = _lot(session, w, 30)
    # Into the region's hub: the coordinator's move (a volunteer moves within its group).
    new = transfer_lot(session, w.coordinator, lot, w.hub.id, 12)
    session.commit()
    session.expire_all()
    assert lot.quantity == 18 and new.quantity == 12
    assert (new.origin_kind, new.origin_id) == (lot.origin_kind, lot.origin_id)
    assert new.parent_lot_id == lot.id and new.location_id == w.hub.id
    # A lot split again still names the original origin, not its parent.
    third = transfer_lot(session, w.coordinator, new, w.workshop.id, 2)
    assert (third.origin_kind, third.origin_id) == (OriginKind.BATCH, lot.origin_id)
    [first, _] = entries(session, "stock.transfer")
    assert first["data"]["lot"] == lot.public_id and first["data"]["new_lot"] == new.public_id
    assert first["data"]["origin"]["kind"] == "batch"


def test_never_negative(session) -> None:
    w = world(session)
    lot = _lot(session, w, 5)
    with pytest.raises(Invalid) as err:
        transfer_lot(session, w.coordinator, lot, w.hub.id, 6)
    assert err.value.field == "quantity"
    take_from_lot(session, w.coordinator, lot, 5)
    with pytest.raises(Invalid):
        take_from_lot(session, w.coordinator, lot, 1)
    session.commit()
    session.expire_all()
    assert lot.quantity == 0
    assert len(entries(session, "stock.take")) == 1


def test_other_groups_lots_are_not_found(session) -> None:
    w = world(session)
    lot = _lot(session, w)
    stranger = f.user(session, Role.VOLUNTEER)
    far_coordinator = f.user(session, Role.COORDINATOR)
    for user in (stranger, far_coordinator):
        with pytest.raises(NotFound):
            visible_lot(session, user, lot.id)
        with pytest.raises(NotFound):
            transfer_lot(session, user, lot, w.hub.id, 1)
    assert visible_lot(session, w.coordinator, lot.id) is lot
