"""Production logs from CSV: the dry run names every bad row, nothing is written before the
confirm, and the confirm writes every good row, its lot and the ledger in one transaction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from coordination.imports import runner, writing
from coordination.imports.models import ImportKind, ImportStatus
from coordination.imports.services import check_upload
from coordination.ledger.models import LedgerEntry
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind
from tests.imports.support import counts, csv_bytes, problems
from tests.stock.support import world

HEADER = ["group", "item", "size", "quantity", "made_on", "members", "members_public"]
MEMBERS = "canary-volunteer-Zhukova, +7 902 444-18-66"


def good(group: str = "Kostroma circle", quantity: int = 10) -> list[object]:
    return [group, "wool-socks-t", "42-44", quantity, "01.11.2026", MEMBERS, "yes"]


def test_dry_run_lists_every_bad_row_and_writes_nothing(session) -> None:
    w = world(session)
    session.commit()
    before = counts(session)
    rows = [
        HEADER,
        good(),
        ["Kostroma circle", "NO-SUCH", "", 5, "2026-11-01", "", ""],  # row 3
        ["Kostroma circle", "WOOL-SOCKS-T", "99", 5, "2026-11-01", "", ""],  # 4
        ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 5, "31.02.2026", "", ""],  # 5
        ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 0, "2026-11-01", "", ""],  # 6
        ["Kostroma circle", "WOOL-SOCKS-T", "42-44", -3, "2026-11-01", "", ""],  # 7
        ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 1000000, "2026-11-01", "", ""],  # 8
        ["Kostroma circle", "WOOL-SOCKS-T", "42\x00", 5, "2026-11-01", "", ""],  # 9
        ["Kostroma circle", '=HYPERLINK("x")', "", 5, "2026-11-01", "", ""],  # 10
        ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 5, "2099-01-01", "", ""],  # 11
        ["Nobody's circle", "WOOL-SOCKS-T", "42-44", 5, "2026-11-01", "", ""],  # 12
        good(quantity=7),
    ]
    job = check_upload(session, w.volunteer, ImportKind.BATCHES, "log.csv", csv_bytes(rows))
    session.commit()
    assert (job.total_rows, job.good_rows, job.bad_rows) == (12, 2, 10)
    found = problems(session, job.id)
    assert [(r, c) for r, c, _ in found] == [
        (3, "item"),
        (4, "size"),
        (5, "made_on"),
        (6, "quantity"),
        (7, "quantity"),
        (8, "quantity"),
        (9, "size"),
        (10, "item"),
        (11, "made_on"),
        (12, "group"),
    ]
    reasons = {r: m for r, _, m in found}
    assert "Unknown item code" in reasons[3] and "42-44" in reasons[4]
    assert "date" in reasons[5] and "1 to 100000" in reasons[6] and "1 to 100000" in reasons[8]
    assert "NUL" in reasons[9] and "formula" in reasons[10] and "future" in reasons[11]
    assert "Unknown group" in reasons[12]
    assert counts(session) == before  # a dry run writes no batch, lot or ledger entry


def test_confirm_writes_every_good_row_with_its_lot_and_ledger_entries(session) -> None:
    w = world(session)
    session.commit()
    before = counts(session)
    rows = [HEADER, *[good(quantity=n) for n in range(1, 6)], ["", "X", "", 1, "", "", ""]]
    job = check_upload(session, w.coordinator, ImportKind.BATCHES, "log.csv", csv_bytes(rows))
    session.commit()
    job = runner.confirm_import(session, w.coordinator, job)
    assert job.status == ImportStatus.DONE and job.done_rows == 5
    after = counts(session)
    assert after["batch"] - before["batch"] == 5 and after["lot"] - before["lot"] == 5
    assert after["movement"] - before["movement"] == 5
    assert after["ledger"] - before["ledger"] == 2  # one chunk entry and the summary
    lots = session.scalars(select(Lot).order_by(Lot.id)).all()
    assert sorted(lot.quantity for lot in lots) == [1, 2, 3, 4, 5]
    assert {lot.location_id for lot in lots} == {w.workshop.id}
    batches = session.scalars(select(ProductionBatch)).all()
    assert all(b.members == MEMBERS and b.made_by_members_public for b in batches)
    assert {(lot.origin_kind, lot.origin_id) for lot in lots} == {
        (OriginKind.BATCH, b.id) for b in batches
    }
    chunk = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "import.batches")).one()
    assert {lot.entry_index for lot in lots} == {chunk.index}
    body = json.loads(chunk.body)["data"]
    assert set(body["batch"]) == {b.public_id for b in batches}
    assert set(body["group"]) == {w.group.public_id}
    # Parallel arrays: the i-th element of each column is the i-th row's.
    assert len({len(body[c]) for c in writing.BATCH_COLUMNS}) == 1 and "rows" not in body
    by_batch = {b.public_id: b for b in batches}
    pairs = zip(body["batch"], body["quantity"], strict=True)
    assert {(by_batch[p].quantity, q) for p, q in pairs} == {(q, q) for q in range(1, 6)}
    text = " ".join(session.scalars(select(LedgerEntry.body)))
    assert "Zhukova" not in text and "444-18-66" not in text and "Kostroma" not in text


def test_a_failure_mid_way_leaves_nothing(session, monkeypatch) -> None:
    w = world(session)
    session.commit()
    taken = [session.scalars(select(ProductionBatch.public_id)).all()]
    first = runner.confirm_import(
        session,
        w.admin,
        check_upload(session, w.admin, ImportKind.BATCHES, "a.csv", csv_bytes([HEADER, good()])),
    )
    assert first.status == ImportStatus.DONE
    taken = session.scalars(select(ProductionBatch.public_id)).all()
    before = counts(session)
    job = check_upload(
        session,
        w.admin,
        ImportKind.BATCHES,
        "b.csv",
        csv_bytes([HEADER, *[good(quantity=n) for n in range(1, 8)]]),
    )
    session.commit()
    # Chunks of 2; the batch id drawn for the 7th row repeats one already in the database,
    # so the UNIQUE constraint fails for real in the fourth chunk, after three were written.
    monkeypatch.setattr(writing, "CHUNK", 2)
    # Each chunk draws its batch ids, then its lot ids: the 7th draw is the fourth chunk's
    # batch ids.
    drawn = iter(range(100))
    real = writing._public_ids

    def ids(count: int) -> list[str]:
        out = real(count)
        return [taken[0], *out[1:]] if next(drawn) == 6 else out

    monkeypatch.setattr(writing, "_public_ids", ids)
    job = runner.confirm_import(session, w.admin, job)
    assert job.status == ImportStatus.FAILED and job.failure == runner.FAILED
    assert counts(session) == before
    monkeypatch.setattr(writing, "_public_ids", real)
    job = runner.confirm_import(session, w.admin, job)  # the owner may try again
    assert job.status == ImportStatus.DONE
    assert counts(session)["batch"] == before["batch"] + 7


def test_a_volunteer_imports_for_its_own_group_only(session) -> None:
    from coordination.parties.models import PartyKind
    from tests import factories as f

    w = world(session)
    other = f.party(session, PartyKind.GROUP, region_id=w.group.region_id)
    f.location(session, party_id=other.id, region_id=w.group.region_id)
    session.commit()
    rows = [HEADER, good(""), good(other.display_name), good(other.public_id)]
    job = check_upload(session, w.volunteer, ImportKind.BATCHES, "v.csv", csv_bytes(rows))
    assert job.good_rows == 1
    assert [(r, c) for r, c, _ in problems(session, job.id)] == [(3, "group"), (4, "group")]


def test_confirm_twice_is_refused(session) -> None:
    from coordination.kernel.errors import Conflict

    w = world(session)
    session.commit()
    job = check_upload(session, w.admin, ImportKind.BATCHES, "a.csv", csv_bytes([HEADER, good()]))
    session.commit()
    runner.confirm_import(session, w.admin, job)
    with pytest.raises(Conflict):
        runner.confirm_import(session, w.admin, job)


def test_confirm_refuses_rows_that_changed_since_the_dry_run(session) -> None:
    """A row made invalid, or a refused row made valid, after the dry run: nothing written,
    even when the count of good rows stays the same; the job shows the new check."""
    from coordination.catalog.models import Item
    from coordination.kernel.errors import Conflict
    from tests import factories as f

    w = world(session)
    session.commit()
    rows = [HEADER, good(), ["Kostroma circle", "NEW-MITTENS", "", 5, "2026-11-01", "", ""]]
    job = check_upload(session, w.admin, ImportKind.BATCHES, "a.csv", csv_bytes(rows))
    session.commit()
    assert (job.good_rows, job.bad_rows) == (1, 1)
    before = counts(session)
    # Row 2's item leaves the catalog and row 3's arrives: still one good row, another one.
    session.get(Item, w.item.id).active = False
    f.item(session, code="NEW-MITTENS")
    session.commit()
    with pytest.raises(Conflict):
        runner.confirm_import(session, w.admin, job)
    assert counts(session) == before
    assert job.status == ImportStatus.CHECKED and (job.good_rows, job.bad_rows) == (1, 1)
    assert [(r, c) for r, c, _ in problems(session, job.id)] == [(2, "item")]
    # Reviewed: the owner confirms the new check, and only row 3 goes in.
    job = runner.confirm_import(session, w.admin, job)
    assert job.status == ImportStatus.DONE and job.done_rows == 1
    assert session.scalars(select(ProductionBatch.quantity)).all() == [5]


def test_repeated_cells_are_checked_once_but_every_row_is_reported(session) -> None:
    w = world(session)
    session.commit()
    bad = ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 5, "31.02.2026", "", ""]
    rows = [
        HEADER,
        bad,
        good(),
        bad,
        ["Kostroma circle", "WOOL-SOCKS-T", "99", 1, "2026-11-01", "", ""],
        good(),
        [*bad[:4], "2026-11-01", "", ""],
    ]
    job = check_upload(session, w.admin, ImportKind.BATCHES, "a.csv", csv_bytes(rows))
    session.commit()
    assert [(r, c) for r, c, _ in problems(session, job.id)] == [
        (2, "made_on"),
        (4, "made_on"),
        (5, "size"),
    ]
    assert (job.good_rows, job.bad_rows) == (3, 3)


def test_imported_timestamps_read_back_like_the_orm_writes_them(session) -> None:
    """The chunk's shared timestamps are adapted for the driver once: same stored text."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    w = world(session)
    session.commit()
    job = check_upload(session, w.admin, ImportKind.BATCHES, "a.csv", csv_bytes([HEADER, good()]))
    session.commit()
    runner.confirm_import(session, w.admin, job)
    lot = session.scalars(select(Lot)).one()
    batch = session.scalars(select(ProductionBatch)).one()
    assert abs(lot.created_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert abs(lot.created_at - batch.created_at) < timedelta(seconds=5)
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "import.done")).one()
    raw = text("SELECT created_at FROM lot UNION ALL SELECT created_at FROM ledger_entry")
    stored = [str(v) for v in session.scalars(raw)]
    if session.get_bind().dialect.name == "sqlite":  # text columns: one shape for both writers
        assert {len(v) for v in stored} <= {19, 26} and all(v[10] == " " for v in stored)
    assert entry.created_at.tzinfo is not None
