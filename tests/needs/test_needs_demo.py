"""The demo world has needs in every status for both demo families, and a public board."""

from __future__ import annotations

from sqlalchemy import func, select

from coordination.accounts.models import User
from coordination.demo import build_demo
from coordination.needs.models import Need, NeedStatus
from coordination.parties.models import Party, PartyKind
from tests import factories as f


def test_demo_families_have_needs_in_every_status(app, session, client):
    build_demo(session, None)
    session.commit()
    regions = set()
    for username in ("demo-family", "demo-family2"):
        user = session.scalar(select(User).where(User.username == username))
        needs = session.scalars(select(Need).where(Need.party_id == user.party_id)).all()
        assert {n.status for n in needs} == set(NeedStatus), username
        regions |= {n.region.code for n in needs}
    assert len(regions) >= 2
    households = session.scalars(
        select(Need).join(Party, Need.party_id == Party.id).where(Party.kind == PartyKind.HOUSEHOLD)
    ).all()
    assert len({n.region.code for n in households}) >= 4
    assert len({n.party_id for n in households}) >= 8
    board = client.get("/api/v1/needs/board").get_json()
    assert board["rows"] and all(r["parties"] >= 5 for r in board["rows"])
    cells = {(r["item"], r["region"]) for r in board["rows"]}
    assert ("WOOL-SOCKS", "RU-VLA") in cells  # six households ask for socks there
    assert not any(region == "RU-BEL" for _item, region in cells)  # one unit, however many needs
    family = session.scalar(select(User).where(User.username == "demo-family"))
    f.login(client, family, "aidtrail-demo")
    page = client.get("/needs/mine").get_data(as_text=True)
    assert page.count('href="/needs/') >= 6


def test_demo_coordinator_has_needs_to_triage_in_its_region(app, session, client):
    build_demo(session, None)
    session.commit()
    coordinator = session.scalar(select(User).where(User.username == "demo-coordinator"))
    bearer = {"Authorization": f"Bearer {f.token(session, coordinator)}"}
    queue = client.get(
        "/api/v1/needs", query_string={"status": "submitted", "per_page": 100}, headers=bearer
    ).get_json()
    assert queue["total"] >= 3
    assert {n["region"] for n in queue["items"]} == {"RU-VLA"}
    everything = client.get(
        "/api/v1/needs", query_string={"per_page": 100}, headers=bearer
    ).get_json()
    assert {n["region"] for n in everything["items"]} == {"RU-VLA"}
    total = session.scalar(select(func.count()).select_from(Need))
    assert everything["total"] < total  # other regions' needs exist and stay out of sight
