"""Who sees a batch: whoever sees the lot it opened (the group, its region's coordinator,
admins); the batch's lot remembers the origin entry so corrections can name it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.ledger.models import LedgerEntry
from coordination.production.access import batch_clause, batch_lot, visible_batch
from coordination.production.models import ProductionBatch
from coordination.production.services import log_production_batch
from tests import factories as f
from tests.stock.support import batch_input, world


def test_batch_visibility_follows_its_lot(session) -> None:
    w = world(session)
    batch = log_production_batch(session, w.volunteer, batch_input(w))
    for user in (w.volunteer, w.coordinator, w.admin):
        assert visible_batch(session, user, batch.id) is batch
        assert session.scalars(select(ProductionBatch).where(batch_clause(user))).all() == [batch]
    for user in (
        f.user(session, Role.VOLUNTEER),
        f.user(session, Role.COORDINATOR),
        f.user(session, Role.AUDITOR),
        f.user(session, Role.FAMILY),
    ):
        with pytest.raises(NotFound):
            visible_batch(session, user, batch.id)
        assert session.scalars(select(ProductionBatch).where(batch_clause(user))).all() == []
    with pytest.raises(NotFound):
        visible_batch(session, w.admin, 2**40)


def test_the_batch_lot_remembers_its_origin_entry(session) -> None:
    w = world(session)
    batch = log_production_batch(session, w.volunteer, batch_input(w))
    index = session.scalar(select(LedgerEntry.index).where(LedgerEntry.kind == "origin.batch"))
    assert batch_lot(session, batch).entry_index == index
