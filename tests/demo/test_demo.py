"""The demo world: built through the services, on both backends, exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.demo import DEFAULT_PASSWORD, DEMO_USERNAMES, DemoRefused, build_demo
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import Location, LocationKind, Party, PartyKind
from tests.isolation import isolated_client
from tests.parties.support import ledger, ledger_text, raw_row

EXPECTED = {
    "demo-admin": (Role.ADMIN, None),
    "demo-coordinator": (Role.COORDINATOR, None),
    "demo-volunteer": (Role.VOLUNTEER, PartyKind.GROUP),
    "demo-family": (Role.FAMILY, PartyKind.HOUSEHOLD),
    "demo-family2": (Role.FAMILY, PartyKind.HOUSEHOLD),
    "demo-unit": (Role.UNIT_REP, PartyKind.UNIT),
    "demo-auditor": (Role.AUDITOR, None),
}


def _users(session) -> dict[str, User]:
    return {u.username: u for u in session.scalars(select(User))}


def test_demo_builds_every_account_with_its_role_and_party(app, session):
    text = build_demo(session, None)
    session.commit()
    users = _users(session)
    assert set(users) == set(DEMO_USERNAMES) == set(EXPECTED)
    for name, (role, kind) in EXPECTED.items():
        assert users[name].role == role, name
        assert (users[name].party.kind if users[name].party else None) == kind, name
    assert users["demo-volunteer"].party.display_name.startswith("Кружок вязания")
    assert users["demo-volunteer"].party.region.code == "RU-KOS"
    assert users["demo-coordinator"].region.code == "RU-VLA"
    assert users["demo-family"].party_id != users["demo-family2"].party_id
    assert DEFAULT_PASSWORD in text and "demo-family2" in text


def test_demo_world_tells_the_story(app, session):
    build_demo(session, None)
    session.commit()
    parties = {p.display_name: p for p in session.scalars(select(Party))}
    regions = {p.region.code for p in parties.values()}
    assert {"RU-KOS", "RU-CE", "RU-BA", "RU-YAN", "RU-VLA"} <= regions
    kinds = [p.kind for p in parties.values()]
    assert kinds.count(PartyKind.UNIT) == 2 and kinds.count(PartyKind.HOUSEHOLD) >= 2
    households = [p for p in parties.values() if p.kind == PartyKind.HOUSEHOLD]
    assert len({h.region.code for h in households}) >= 3  # households in several regions
    assert (
        kinds.count(PartyKind.COURIER) >= 2
        and PartyKind.OFFICIAL in kinds
        and PartyKind.CAMPAIGN in kinds
    )
    fair = next(p for p in parties.values() if p.kind == PartyKind.CAMPAIGN)
    assert "Новый Уренгой" in fair.display_name and fair.region.code == "RU-YAN"
    donors = [p for p in parties.values() if p.kind == PartyKind.DONOR]
    assert sorted(d.name_public for d in donors) == [False, True]
    hub = session.scalars(select(Location).where(Location.kind == LocationKind.HUB)).one()
    assert hub.region.code == "RU-VLA"
    codes = set(session.scalars(select(Item.code)))
    assert {
        "WOOL-SOCKS",
        "BALACLAVA",
        "INSUL-GLOVES",
        "ARMOUR-VEST",
        "MED-KIT",
        "THERMAL-UW",
        "TRENCH-CANDLE",
        "KNIT-VEST",
    } <= codes


def test_demo_keeps_personal_data_encrypted_and_out_of_the_ledger(app, session):
    build_demo(session, None)
    session.commit()
    households = session.scalars(select(Party).where(Party.kind == PartyKind.HOUSEHOLD)).all()
    assert all(h.display_name.startswith("Household ") for h in households)
    text = ledger_text(session)
    for h in households:
        assert h.private_name and h.private_name not in text and h.phone not in text
        stored = raw_row(session, "party", h.id, "private_name", "phone")
        assert h.private_name not in stored[0] and h.phone not in stored[1]
    assert "Петров" not in text and "demo-family" not in text
    kinds = {e["kind"] for e in ledger(session)}
    assert {
        "party.registered",
        "location.registered",
        "item.created",
        "account.created",
        "region.created",
    } <= kinds


def test_demo_refuses_to_run_twice(app, session):
    build_demo(session, None)
    session.commit()
    entries = session.scalar(select(func.count()).select_from(LedgerEntry))
    with pytest.raises(DomainError, match="already exist"):
        build_demo(session, None)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERNAMES)


def test_demo_accounts_sign_in_with_the_default_password(app, session):
    build_demo(session, None)
    session.commit()
    client = isolated_client(app)
    resp = client.post("/login", data={"username": "demo-volunteer", "password": DEFAULT_PASSWORD})
    assert resp.status_code == 302
    assert b'data-home="volunteer"' in client.get("/").data


def test_demo_command_line(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--password", "a much longer demo phrase"])
    assert result.exit_code == 0, result.output
    assert "demo-auditor" in result.output and DEFAULT_PASSWORD not in result.output
    again = runner.invoke(args=["demo"])
    assert (
        again.exit_code == 1 and "already exist" in again.output and "Traceback" not in again.output
    )
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "not loaded" in quiet.output
    client = isolated_client(app)
    resp = client.post(
        "/login", data={"username": "demo-admin", "password": "a much longer demo phrase"}
    )
    assert resp.status_code == 302


def test_demo_refuses_a_weak_password(app, session):
    with pytest.raises(DemoRefused):
        build_demo(session, "short")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0
