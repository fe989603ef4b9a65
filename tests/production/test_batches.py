"""A production batch becomes a lot at the group's location with origin = that batch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.ledger.openings import openings_of
from coordination.parties.models import PartyKind
from coordination.production.services import log_production_batch
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.stock.support import batch_input, entries, world


def test_batch_becomes_a_lot_with_that_origin(session) -> None:
    w = world(session)
    batch = log_production_batch(session, w.volunteer, batch_input(w, 30))
    session.commit()
    lot = session.scalars(select(Lot)).one()
    assert (lot.origin_kind, lot.origin_id) == (OriginKind.BATCH, batch.id)
    assert (lot.location_id, lot.quantity, lot.size) == (w.workshop.id, 30, "42-44")
    [entry] = entries(session, "origin.batch")
    assert entry["data"]["batch"] == batch.public_id
    assert entry["data"]["group"] == w.group.public_id
    assert entry["data"]["lot"] == lot.public_id
    # The volunteer is an individual: a commitment with a fresh salt, opened by the holder.
    assert w.volunteer.public_id not in str(entry)
    acts = [o for o in openings_of(session, f"user:{w.volunteer.public_id}") if o.path == "actor"]
    assert [(o.commitment, o.ok) for o in acts] == [(entry["actor"], True)]


def test_named_members_stay_out_of_the_ledger(session) -> None:
    w = world(session)
    log_production_batch(
        session, w.volunteer, batch_input(w, members="Zhukova Anna, Petrova", members_public=True)
    )
    session.commit()
    [entry] = entries(session, "origin.batch")
    assert entry["data"]["named_members"] is True
    assert "Zhukova" not in str(entry) and "Petrova" not in str(entry)


def test_volunteer_of_another_group_is_refused(session) -> None:
    w = world(session)
    other = f.user(session, Role.VOLUNTEER)
    with pytest.raises(NotFound):
        log_production_batch(session, other, batch_input(w))


def test_coordinator_logs_for_any_group(session) -> None:
    w = world(session)
    batch = log_production_batch(session, w.coordinator, batch_input(w))
    assert batch.group_id == w.group.id


def test_group_without_a_location_is_told_so(session) -> None:
    w = world(session)
    homeless = f.party(session, PartyKind.GROUP)
    data = batch_input(w)
    data.group_id = homeless.id
    with pytest.raises(Invalid, match="no location"):
        log_production_batch(session, w.admin, data)
    assert session.scalars(select(Lot)).all() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"size": "99"}, "size"),
        ({"item_id": None}, "item_id"),
        ({"made_on": None}, "made_on"),
    ],
)
def test_bad_input_names_its_field(session, change, field) -> None:
    w = world(session)
    data = batch_input(w)
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(Invalid) as err:
        log_production_batch(session, w.volunteer, data)
    assert err.value.field == field


def test_a_size_that_reads_like_a_phone_number_is_refused_not_a_500(session) -> None:
    w = world(session)
    free = f.item(session)  # no size list: any size text would otherwise pass
    for size in ("+7 901 555-73-19", "9015557319"):
        data = batch_input(w, 5)
        data.item_id, data.size = free.id, size
        with pytest.raises(Invalid) as refused:
            log_production_batch(session, w.volunteer, data)
        assert refused.value.field == "size"
    data = batch_input(w, 5)
    data.item_id, data.size = free.id, "104-108"
    log_production_batch(session, w.volunteer, data)
