"""The pages and the API: upload through a multipart form (CSRF-protected, inline errors), serve
with safe headers only to those who may see the delivery, public photos through the public
route only, and make-public that asks first."""

from __future__ import annotations

import hashlib
import io
import json

from sqlalchemy import select

from coordination.deliveries.models import Evidence
from coordination.ledger.models import LedgerEntry
from tests import factories as f
from tests.evidence.support import metadata_of, picture, world
from tests.isolation import isolated_client

EN = {"Accept-Language": "en"}


def _upload(client, w, data: bytes, name: str = "Kanareikina at home.jpg", **form):
    fields = {"kind": "photo", **form, "file": (io.BytesIO(data), name)}
    return client.post(
        f"/evidence/handover/{w.handover.id}/upload",
        data=fields,
        content_type="multipart/form-data",
        headers=EN,
    )


def test_upload_page_cleans_the_picture_and_serves_it_privately(app, session) -> None:
    w = world(session)
    client = isolated_client(app)
    f.login(client, w.coordinator)
    assert client.get(f"/evidence/handover/{w.handover.id}/upload").status_code == 200
    original = picture("JPEG")
    resp = _upload(client, w, original)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    ev = session.scalars(select(Evidence)).one()
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.index == ev.entry_index))
    assert json.loads(entry.body)["data"]["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert "Kanareikina" not in entry.body

    got = client.get(f"/evidence/{ev.id}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("inline")
    assert "Kanareikina" not in got.headers["Content-Disposition"]
    assert got.headers["Cache-Control"] == "private, no-store"
    assert metadata_of(got.data)["gps"] == {}


def test_refusals_show_inline_with_400_and_store_nothing(app, session) -> None:
    w = world(session)
    client = isolated_client(app)
    f.login(client, w.coordinator)
    for data, message in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Only JPEG, PNG or WebP"),
        (picture("JPEG") + b"<html></html>", "data after the end of the picture"),
        (picture("PNG")[:-40], "damaged or incomplete"),
    ]:
        resp = _upload(client, w, data, name="photo.jpg")
        assert resp.status_code == 400
        assert message in resp.get_data(as_text=True)
    resp = _upload(client, w, b"", name="")
    assert resp.status_code == 400 and "Choose a file" in resp.get_data(as_text=True)
    assert session.scalars(select(Evidence)).all() == []


def test_upload_beyond_the_request_limit_is_413_not_500(app, session) -> None:
    w = world(session)
    client = isolated_client(app)
    f.login(client, w.coordinator)
    resp = _upload(client, w, b"\xff\xd8\xff" + b"\x00" * (17 * 1024 * 1024))
    assert resp.status_code == 413


def test_outsiders_get_404_and_public_photos_only_through_the_public_route(app, session) -> None:
    w = world(session)
    coord = isolated_client(app)
    f.login(coord, w.coordinator)
    assert _upload(coord, w, picture("JPEG")).status_code == 302
    ev = session.scalars(select(Evidence)).one()
    anon = isolated_client(app)
    outsider = isolated_client(app)
    f.login(outsider, w.outsider_coordinator)
    stranger = isolated_client(app)
    f.login(stranger, w.stranger_family)
    recipient = isolated_client(app)
    f.login(recipient, w.family)
    assert outsider.get(f"/evidence/{ev.id}").status_code == 404
    assert stranger.get(f"/evidence/{ev.id}").status_code == 404
    assert recipient.get(f"/evidence/{ev.id}").status_code == 200
    assert anon.get(f"/evidence/public/{ev.public_id}").status_code == 404  # not public yet
    assert outsider.get(f"/evidence/{ev.id}/public").status_code == 404
    assert recipient.get(f"/evidence/{ev.id}/public").status_code == 403

    page = coord.get(f"/evidence/{ev.id}/public", headers=EN)
    assert page.status_code == 200 and "data-confirm" in page.get_data(as_text=True)
    assert coord.post(f"/evidence/{ev.id}/public", data={"public": "1"}).status_code == 302
    public = anon.get(f"/evidence/public/{ev.public_id}")
    assert public.status_code == 200 and public.mimetype == "image/jpeg"
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert anon.get(f"/evidence/{ev.id}").status_code == 302  # the private route wants a login
    assert outsider.get(f"/evidence/{ev.id}").status_code == 404  # still not their delivery


def test_api_upload_get_download_and_toggle(app, session) -> None:
    w = world(session)
    token = f.token(session, w.coordinator)
    client = isolated_client(app)
    auth = {"Authorization": f"Bearer {token}"}
    original = picture("WEBP")
    resp = client.post(
        f"/api/v1/handovers/{w.handover.id}/evidence?kind=photo",
        headers=auth,
        data={"file": (io.BytesIO(original), "Канарейкина.webp")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert body["content_type"] == "image/webp" and body["public"] is False
    assert client.get(f"/api/v1/evidence/{body['id']}", headers=auth).get_json() == body
    file = client.get(body["file_url"], headers=auth)
    assert (
        file.status_code == 200 and hashlib.sha256(file.data).hexdigest() == body["stored_sha256"]
    )
    toggled = client.post(
        f"/api/v1/evidence/{body['id']}/public", headers=auth, json={"public": True}
    ).get_json()
    assert toggled["public"] is True and toggled["public_url"]
    bad = client.post(
        f"/api/v1/handovers/{w.handover.id}/evidence?kind=photo",
        headers=auth,
        data={"file": (io.BytesIO(b"%PDF-1.4"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert "Only JPEG, PNG or WebP" in bad.get_json()["detail"]
    other = {"Authorization": f"Bearer {f.token(session, w.outsider_coordinator)}"}
    assert client.get(f"/api/v1/evidence/{body['id']}", headers=other).status_code == 404
    doc = client.get("/api/v1/openapi.json").get_json()
    upload = doc["paths"]["/api/v1/handovers/{handover_id}/evidence"]["post"]
    assert "multipart/form-data" in upload["summary"]
    assert {p["name"] for p in upload["parameters"]} == {"handover_id", "kind", "public"}


def test_delivery_page_lists_the_evidence_each_viewer_may_see(app, session) -> None:
    w = world(session)
    coord = isolated_client(app)
    f.login(coord, w.coordinator)
    assert _upload(coord, w, picture("JPEG")).status_code == 302
    ev = session.scalars(select(Evidence)).one()
    page = coord.get(f"/deliveries/{w.delivery.id}", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/evidence/{ev.id}" in html and f"/evidence/{ev.id}/public" in html
    recipient = isolated_client(app)
    f.login(recipient, w.family)
    html = recipient.get(f"/deliveries/{w.delivery.id}", headers=EN).get_data(as_text=True)
    assert f'/evidence/{ev.id}"' in html, "the recipient sees the photo"
    assert f"/evidence/{ev.id}/public" not in html, "but may not publish the coordinator's"
    assert f"/evidence/handover/{w.handover.id}/upload" in html, "and may add a receipt scan"


def test_public_route_answers_404_for_anything_but_a_public_id(app, session) -> None:
    client = isolated_client(app)
    for junk in ("%00", "0123456789abcdef%00", "x" * 500, "..%2F..%2Fetc", "ABCDEF0123456789"):
        assert client.get(f"/evidence/public/{junk}").status_code == 404, junk
