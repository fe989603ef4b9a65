"""Triage pages: filters and search, unavailable lines, merging duplicates, internal comments."""

from __future__ import annotations

from coordination.needs.models import Need, NeedStatus
from tests import factories as f
from tests.needs.support import submit, world


def test_queue_filters_and_search(app, session, client):
    w = world(session)
    socks = submit(session, w.family, w)
    other = submit(session, w.family2, w)
    other.lines[0].item_id = w.gloves.id
    other.lines[0].size = None
    session.commit()
    socks_id, other_id = socks.public_id, other.public_id
    f.login(client, w.coordinator)

    def listed(**query: str) -> tuple[bool, bool]:
        text = client.get("/needs/", query_string=query).get_data(as_text=True)
        return socks_id in text, other_id in text

    assert listed() == (True, True)
    assert listed(item="GLOVES") == (False, True)
    assert listed(q=socks_id[:8]) == (True, False)
    assert listed(q="Gloves") == (False, True)
    assert listed(status="approved") == (False, False)
    assert listed(age="7") == (False, False)
    assert listed(priority="urgent") == (False, False)
    assert listed(region="RU-NOPE") == (True, True)  # a coordinator's region is its account's
    assert client.get("/needs/", query_string={"page": "x", "age": "-1"}).status_code == 200


def test_unavailable_merge_and_comment(app, session, client):
    w = world(session)
    keep = submit(session, w.family, w)
    dup = submit(session, w.family, w)
    foreign = submit(session, w.family2, w)
    keep_id, dup_id, foreign_pid = keep.id, dup.id, foreign.public_id
    line_id, keep_pid, keep_version = keep.lines[0].id, keep.public_id, keep.version
    f.login(client, w.coordinator)
    resp = client.post(
        f"/needs/{keep_id}/lines/{line_id}/unavailable",
        data={"version": str(keep_version), "reason": "нет размера"},
    )
    assert resp.status_code == 302
    wrong = client.post(f"/needs/{dup_id}/merge", data={"version": "1", "into": foreign_pid})
    assert wrong.status_code == 400
    assert (
        client.post(f"/needs/{dup_id}/merge", data={"version": "1", "into": keep_pid}).status_code
        == 302
    )
    assert (
        client.post(f"/needs/{keep_id}/comment", data={"text": "позвонить в четверг"}).status_code
        == 302
    )
    session.expire_all()
    assert session.get(Need, keep_id).lines[0].unavailable
    merged = session.get(Need, dup_id)
    assert merged.status == NeedStatus.CANCELLED and merged.merged_into_id == keep_id
    assert "позвонить в четверг" in client.get(f"/needs/{keep_id}").get_data(as_text=True)
    family = client.application.test_client()
    f.login(family, w.family)
    page = family.get(f"/needs/{keep_id}").get_data(as_text=True)
    assert "нет размера" in page  # the reason for an unavailable line is shown
    assert "позвонить в четверг" not in page  # coordinators' comments are not
