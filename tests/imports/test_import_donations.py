"""Donations in kind and money from CSV and XLSX: lots at the right place, exact amounts,
ledger entries with public ids only."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from coordination.donations.models import InKindDonation, MoneyDonation, MoneyStatus
from coordination.imports import runner
from coordination.imports.models import ImportKind, ImportStatus
from coordination.imports.services import check_upload
from coordination.kernel.errors import Forbidden
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import PartyKind
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.imports.support import counts, csv_bytes, problems, xlsx_bytes
from tests.stock.support import world

IN_KIND = ["location", "donor", "item", "size", "quantity", "received_on"]
MONEY = ["donor", "amount", "currency", "received_on", "status", "channel", "earmark"]


def test_in_kind_from_xlsx_becomes_lots_with_that_origin(session) -> None:
    w = world(session)
    donor = f.party(
        session,
        PartyKind.DONOR,
        display_name="Ivanov fund",
        name_public=False,
        region_id=w.group.region_id,
    )
    session.commit()
    before = counts(session)
    rows = [
        IN_KIND,
        [w.hub.name, "ivanov FUND", "WOOL-SOCKS-T", "40-42", 20, date(2026, 11, 2)],
        [w.hub.public_id, None, "WOOL-SOCKS-T", "42-44", 5.0, "02.11.2026"],
        ["Elsewhere", None, "WOOL-SOCKS-T", "42-44", 5, "2026-11-02"],
        [w.hub.name, "Nobody", "WOOL-SOCKS-T", "42-44", 5, "2026-11-02"],
    ]
    job = check_upload(session, w.coordinator, ImportKind.IN_KIND, "gifts.xlsx", xlsx_bytes(rows))
    session.commit()
    assert [(r, c) for r, c, _ in problems(session, job.id)] == [(4, "location"), (5, "donor")]
    assert counts(session) == before
    job = runner.confirm_import(session, w.coordinator, job)
    assert job.status == ImportStatus.DONE and job.done_rows == 2
    donations = session.scalars(select(InKindDonation).order_by(InKindDonation.id)).all()
    assert [d.donor_id for d in donations] == [donor.id, None]
    assert all(d.receipt_code for d in donations)
    lots = session.scalars(select(Lot).order_by(Lot.id)).all()
    assert [(lot.origin_kind, lot.origin_id, lot.quantity, lot.location_id) for lot in lots] == [
        (OriginKind.IN_KIND, donations[0].id, 20, w.hub.id),
        (OriginKind.IN_KIND, donations[1].id, 5, w.hub.id),
    ]
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "import.in_kind")).one()
    data = json.loads(entry.body)["data"]
    assert data["donor"] == [donor.public_id, None]
    assert data["lot"] == [lot.public_id for lot in lots]
    assert "Ivanov" not in entry.body


def test_money_amounts_are_exact_and_stay_pledged_or_received(session) -> None:
    w = world(session)
    session.commit()
    rows = [
        MONEY,
        ["", "59 000,00", "RUB", "2026-11-03", "", "card", "medical kits"],
        ["", "59000.50", "", "2026-11-03", "pledged", "", ""],
        ["", "12.345", "RUB", "2026-11-03", "", "", ""],
        ["", "100", "RU", "2026-11-03", "", "", ""],
        ["", "-100", "RUB", "2026-11-03", "", "", ""],
        ["", "100", "RUB", "2026-11-03", "maybe", "", ""],
    ]
    job = check_upload(session, w.coordinator, ImportKind.MONEY, "money.csv", csv_bytes(rows))
    session.commit()
    assert [(r, c) for r, c, _ in problems(session, job.id)] == [
        (4, "amount"),
        (5, "currency"),
        (6, "amount"),
        (7, "status"),
    ]
    runner.confirm_import(session, w.coordinator, job)
    money = session.scalars(select(MoneyDonation).order_by(MoneyDonation.id)).all()
    assert [(m.amount_minor, m.currency, m.status) for m in money] == [
        (5_900_000, "RUB", MoneyStatus.RECEIVED),
        (5_900_050, "RUB", MoneyStatus.PLEDGED),
    ]
    body = session.scalars(select(LedgerEntry.body).where(LedgerEntry.kind == "import.money")).one()
    assert "card" not in body and "5900000" in body


def test_volunteers_do_not_import_money(session) -> None:
    import pytest

    w = world(session)
    with pytest.raises(Forbidden):
        check_upload(session, w.volunteer, ImportKind.MONEY, "m.csv", csv_bytes([MONEY]))
