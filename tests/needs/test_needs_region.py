"""Region scope (DESIGN §1): a coordinator sees and decides on its own region's needs only;
any other need answers 404 on every page and API endpoint; admins see every region."""

from __future__ import annotations

import pytest

from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import Need, NeedStatus
from tests import factories as f
from tests.needs.support import submit, token, world


def _elsewhere(session, w):
    """A need delivered to another region, and that region's coordinator."""
    other = f.region(session, "RU-KOS")
    data = NeedInput(region_id=other.id, lines=[LineInput(item_id=w.socks.id, quantity=2)])
    need, _ = services.submit_need(session, w.family2, data, token())
    session.commit()
    return need, f.user(session, Role.COORDINATOR, region_id=other.id)


def test_another_regions_need_is_404_on_every_page(app, session, client):
    w = world(session)
    need, _ = _elsewhere(session, w)
    need_id, line_id, version = need.id, need.lines[0].id, str(need.version)
    f.login(client, w.coordinator)
    assert client.get(f"/needs/{need_id}").status_code == 404
    for action, data in (
        ("approve", {}),
        ("reject", {"reason": "нет"}),
        (f"lines/{line_id}/unavailable", {}),
        ("merge", {"into": "x"}),
        ("comment", {"text": "привет"}),
    ):
        resp = client.post(f"/needs/{need_id}/{action}", data={"version": version, **data})
        assert resp.status_code == 404, action
    session.expire_all()
    untouched = session.get(Need, need_id)
    assert untouched.status == NeedStatus.SUBMITTED and len(untouched.events) == 1
    assert not untouched.lines[0].unavailable


def test_another_regions_need_is_404_in_the_api(app, session, client):
    w = world(session)
    need, _ = _elsewhere(session, w)
    need_id, line_id = need.id, need.lines[0].id
    bearer = {"Authorization": f"Bearer {f.token(session, w.coordinator)}"}
    assert client.get(f"/api/v1/needs/{need_id}", headers=bearer).status_code == 404
    for action, body in (
        ("approve", {"version": 1}),
        ("reject", {"version": 1, "reason": "x"}),
        ("comment", {"text": "x"}),
        (f"lines/{line_id}/unavailable", {"version": 1}),
        ("merge", {"version": 1, "into": need.public_id}),
    ):
        resp = client.post(f"/api/v1/needs/{need_id}/{action}", json=body, headers=bearer)
        assert resp.status_code == 404, (action, resp.get_data(as_text=True))
        assert resp.mimetype == "application/problem+json"
    session.expire_all()
    assert session.get(Need, need_id).status == NeedStatus.SUBMITTED


def test_services_refuse_another_region(app, session):
    w = world(session)
    need, _ = _elsewhere(session, w)
    with pytest.raises(NotFound):
        services.approve_need(session, w.coordinator, need, need.version)
    session.rollback()
    own = submit(session, w.family2, w)
    with pytest.raises(services.Invalid, match="no need with that public id"):
        services.merge_need(session, w.coordinator, own, own.version, need)


def test_queue_lists_only_the_coordinators_region_admin_sees_all(app, session, client):
    w = world(session)
    here = submit(session, w.family, w)
    there, other_coordinator = _elsewhere(session, w)
    admin = f.user(session, Role.ADMIN)
    here_id, there_id = here.public_id, there.public_id

    def queue(user, **query: str) -> str:
        c = client.application.test_client()
        f.login(c, user)
        return c.get("/needs/", query_string=query).get_data(as_text=True)

    def api_ids(user, **query: str) -> set[str]:
        bearer = {"Authorization": f"Bearer {f.token(session, user)}"}
        body = client.get("/api/v1/needs", query_string=query, headers=bearer).get_json()
        return {n["public_id"] for n in body["items"]}

    mine = queue(w.coordinator)
    assert here_id in mine and there_id not in mine
    assert 'name="region"' not in mine  # the region is the account's, not a filter
    assert there_id not in queue(w.coordinator, region="RU-KOS")
    theirs = queue(other_coordinator)
    assert there_id in theirs and here_id not in theirs
    everything = queue(admin)
    assert here_id in everything and there_id in everything and 'name="region"' in everything
    assert here_id not in queue(admin, region="RU-KOS")
    assert api_ids(w.coordinator) == {here_id}
    assert api_ids(w.coordinator, region="RU-KOS") == {here_id}
    assert api_ids(other_coordinator) == {there_id}
    assert api_ids(admin) == {here_id, there_id}
    assert api_ids(admin, region="RU-KOS") == {there_id}
    c = client.application.test_client()
    f.login(c, admin)
    assert c.get(f"/needs/{there.id}").status_code == 200


def test_coordinator_without_a_region_sees_nothing(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    need_id, public_id = need.id, need.public_id
    lost = f.user(session, Role.COORDINATOR)
    lost.region_id = None  # accounts made before regions were required, or a region removed
    session.commit()
    f.login(client, lost)
    page = client.get("/needs/", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and public_id not in text
    assert "has no region" in text
    assert client.get(f"/needs/{need_id}").status_code == 404
    bearer = {"Authorization": f"Bearer {f.token(session, lost)}"}
    assert client.get("/api/v1/needs", headers=bearer).get_json()["total"] == 0
