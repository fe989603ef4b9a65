"""The demo world has needs in every status for both demo families, and a public board."""

from __future__ import annotations

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.demo import build_demo
from coordination.needs.models import Need, NeedStatus
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
    board = client.get("/api/v1/needs/board").get_json()
    assert board["rows"] and all(r["needs"] >= 5 for r in board["rows"])
    family = session.scalar(select(User).where(User.username == "demo-family"))
    f.login(client, family, "aidtrail-demo")
    page = client.get("/needs/mine").get_data(as_text=True)
    assert page.count('href="/needs/') >= 6
