"""API triage: mark a line unavailable and merge duplicates, with versions (409 when stale),
region scope (404 for another region's need) and the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from tests import factories as f
from tests.needs.support import submit, token, world


def _bearer(session, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {f.token(session, user)}"}


def test_api_marks_a_line_unavailable_and_the_family_sees_why(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    need_id, line_id = need.id, need.lines[0].id
    staff = _bearer(session, w.coordinator)
    url = f"/api/v1/needs/{need_id}/lines/{line_id}/unavailable"
    stale = client.post(url, json={"version": 7, "reason": "нет размера"}, headers=staff)
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    ok = client.post(url, json={"version": 1, "reason": "нет размера"}, headers=staff)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    body = ok.get_json()
    assert body["lines"][0]["unavailable"] is True and body["version"] == 2
    again = client.post(url, json={"version": 1}, headers=staff)
    assert again.status_code == 409  # the first decision is not silently overwritten
    assert (
        client.post(
            f"/api/v1/needs/{need_id}/lines/999999/unavailable", json={"version": 2}, headers=staff
        ).status_code
        == 404
    )
    seen = client.get(f"/api/v1/needs/{need_id}", headers=_bearer(session, w.family)).get_json()
    assert seen["lines"][0]["unavailable"] and any(
        e["kind"] == "line_unavailable" and e["text"] == "нет размера" for e in seen["events"]
    )
    family = client.post(url, json={"version": 2}, headers=_bearer(session, w.family))
    assert family.status_code == 403


def test_api_merges_a_duplicate(app, session, client):
    w = world(session)
    keep = submit(session, w.family, w)
    dup = submit(session, w.family, w)
    foreign = submit(session, w.family2, w)
    dup_id, keep_pid, foreign_pid = dup.id, keep.public_id, foreign.public_id
    staff = _bearer(session, w.coordinator)
    url = f"/api/v1/needs/{dup_id}/merge"
    wrong = client.post(url, json={"version": 1, "into": foreign_pid}, headers=staff)
    assert wrong.status_code == 400 and wrong.mimetype == "application/problem+json"
    unknown = client.post(url, json={"version": 1, "into": "0" * 16}, headers=staff)
    assert unknown.status_code == 400
    malformed = client.post(url, json={"version": 1, "into": "<x>"}, headers=staff)
    assert malformed.status_code == 400
    stale = client.post(url, json={"version": 5, "into": keep_pid}, headers=staff)
    assert stale.status_code == 409
    ok = client.post(url, json={"version": 1, "into": keep_pid}, headers=staff)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert (ok.get_json()["status"], ok.get_json()["merged_into"]) == ("cancelled", keep_pid)
    kinds = session.scalars(select(LedgerEntry.kind)).all()
    assert "need.merged" in kinds
    assert (
        client.post(url, json={"version": 2, "into": keep_pid}, headers=staff).status_code == 409
    )  # already closed


def test_api_merge_into_another_regions_need_reads_as_unknown(app, session, client):
    w = world(session)
    dup = submit(session, w.family, w)
    elsewhere = f.region(session, "RU-KOS")
    data = NeedInput(region_id=elsewhere.id, lines=[LineInput(item_id=w.socks.id, quantity=1)])
    target, _ = services.submit_need(session, w.family, data, token())
    session.commit()
    dup_id, target_pid = dup.id, target.public_id
    resp = client.post(
        f"/api/v1/needs/{dup_id}/merge",
        json={"version": 1, "into": target_pid},
        headers=_bearer(session, w.coordinator),
    )
    assert resp.status_code == 400
    assert "no need with that public id" in resp.get_data(as_text=True)
    admin = _bearer(session, f.user(session, Role.ADMIN))
    resp = client.post(
        f"/api/v1/needs/{dup_id}/merge", json={"version": 1, "into": target_pid}, headers=admin
    )
    assert resp.status_code == 200  # an admin sees both regions


def test_openapi_lists_merge_and_unavailable(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    merge = paths["/api/v1/needs/{need_id}/merge"]["post"]
    unavailable = paths["/api/v1/needs/{need_id}/lines/{line_id}/unavailable"]["post"]
    for op in (merge, unavailable):
        assert "requestBody" in op and "409" in op["summary"]
