"""Earmarks are free text and the ledger is public and permanent: an earmark enters the ledger
only as a salted commitment, which its holder can open for an auditor (the earmark's
normalised text and the salt stored on the row), on every path that writes one."""

from __future__ import annotations

from sqlalchemy import select

from coordination.donations.models import MoneyDonation
from coordination.imports import runner
from coordination.imports.models import ImportKind
from coordination.imports.services import check_upload
from coordination.ledger.models import LedgerEntry
from coordination.ledger.privacy import opens
from coordination.money.amounts import earmark_key
from coordination.money.funding import fund_batch
from coordination.money.services import pass_on_money
from coordination.production.services import BatchInput, log_production_batch
from tests import factories as f
from tests.donations.support import DAY, buy, give, world
from tests.imports.support import csv_bytes
from tests.stock.support import entries

PERSONAL = "for Ivanov's son, Lenina 5"


def _bodies(session) -> str:
    return "\n".join(session.scalars(select(LedgerEntry.body)))


def test_every_writer_commits_to_the_earmark_instead_of_publishing_it(session) -> None:
    w = world(session)
    loc = f.location(session, party_id=w.group.id, region_id=w.group.region_id)
    assert loc
    gift = give(session, w.admin, 1_000_000, earmark=PERSONAL, holder_id=w.group.id)
    bought = buy(
        session, w.admin, w, 300_000, [(gift, 300_000)], earmark="  FOR ivanov's son,   Lenina 5"
    )
    batch = log_production_batch(
        session,
        w.admin,
        BatchInput(group_id=w.group.id, item_id=w.item.id, quantity=10, made_on=DAY),
    )
    funded = fund_batch(session, w.admin, batch.id, gift.id, 100_000, DAY, earmark=PERSONAL)
    passed = pass_on_money(session, w.admin, gift, w.other_group.id, 50_000, DAY)
    session.commit()

    assert "Ivanov" not in _bodies(session) and "Lenina" not in _bodies(session)
    key = earmark_key(PERSONAL)
    assert key is not None
    written = [
        (entries(session, "origin.money")[0], gift),
        (entries(session, "purchase.recorded")[0], bought),
        (entries(session, "batch.funded")[0], funded),
        (entries(session, "money.passed_on")[0], passed),
    ]
    seen = set()
    for entry, row in written:
        data = entry["data"]
        assert "earmark" not in data
        assert row.earmark_salt is not None and len(row.earmark_salt) == 16
        assert opens(data["earmark_commitment"], key, row.earmark_salt), entry["kind"]
        assert not opens(data["earmark_commitment"], "medical kits", row.earmark_salt)
        seen.add(data["earmark_commitment"])
    # Each row has its own salt, so the public cannot link entries by equal earmarks.
    assert len(seen) == len(written)


def test_no_earmark_commits_to_nothing(session) -> None:
    w = world(session)
    gift = give(session, w.admin, 1_000)
    session.commit()
    assert entries(session, "origin.money")[0]["data"]["earmark_commitment"] is None
    assert gift.earmark_salt is None


def test_imported_earmarks_are_committed_row_by_row(session) -> None:
    w = world(session)
    session.commit()
    rows = [
        ["donor", "amount", "currency", "received_on", "status", "channel", "earmark"],
        ["", "100", "RUB", "2026-11-03", "", "", PERSONAL],
        ["", "200", "RUB", "2026-11-03", "", "", ""],
    ]
    job = check_upload(session, w.coordinator, ImportKind.MONEY, "money.csv", csv_bytes(rows))
    session.commit()
    runner.confirm_import(session, w.coordinator, job)
    body = session.scalars(select(LedgerEntry.body).where(LedgerEntry.kind == "import.money")).one()
    assert "Ivanov" not in body
    [chunk] = entries(session, "import.money")
    first, second = session.scalars(select(MoneyDonation).order_by(MoneyDonation.id)).all()
    assert first.earmark == PERSONAL and first.earmark_salt is not None
    assert chunk["data"]["donation"] == [first.public_id, second.public_id]
    committed = chunk["data"]["earmark_commitment"]
    assert opens(committed[0], earmark_key(PERSONAL) or "", first.earmark_salt)
    assert committed[1] is None and second.earmark_salt is None
