"""Disputes end to end: a group challenges the official's report about its socks, the
coordinator of the region upholds it, the group publishes it; what the public sees holds
no free text and no personal data, and every step is in the ledger, proven."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from coordination.disputes.models import Dispute, DisputeStatus
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from tests import factories as f
from tests.disputes.support import dispatched_case

CLAIM = "Report by Канарейкина: the governor gave these socks (+7 901 555-73-19)"


@pytest.fixture
def world(session):
    group = f.party(session)
    location = f.location(session, party_id=group.id)
    case = dispatched_case(session, group, location)
    volunteer = f.user(session, Role.VOLUNTEER, party_id=group.id)
    coordinator = f.user(session, Role.COORDINATOR, region_id=location.region_id)
    return case, volunteer, coordinator


def _open(client, case, **extra):
    data = {
        "code": case.delivery.code,
        "claim_kind": "external",
        "claim_text": CLAIM,
        "claim_url": "https://example.org/report",
        **extra,
    }
    return client.post("/disputes/new", data=data)


def test_group_challenges_coordinator_upholds_group_publishes(app, session, world):
    case, volunteer, coordinator = world
    vol = app.test_client()
    f.login(vol, volunteer)
    resp = _open(vol, case, handover_id=case.ceremony.public_id)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    dispute = session.scalars(select(Dispute)).one()
    assert dispute.group_id == case.group.id and dispute.handover_id == case.ceremony.id

    staff = app.test_client()
    f.login(staff, coordinator)
    page = staff.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert CLAIM.split(":")[0] in page  # the claim is shown to the region's coordinator
    resp = staff.post(
        f"/disputes/{dispute.id}/resolve",
        data={"version": dispute.version, "outcome": "upheld", "note": "Ledger."},
    )
    assert resp.status_code == 302
    session.expire_all()
    assert dispute.status == DisputeStatus.UPHELD

    assert vol.post(f"/disputes/{dispute.id}/publish").status_code == 302
    session.expire_all()
    assert dispute.public and dispute.share_code
    public = app.test_client().get(f"/disputes/public/{dispute.share_code}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert case.group.display_name in text  # the true source, by name
    assert "Regional governor" in text and "origin credit: 0" in text  # presenter, zero credit
    assert "included in the signed log" in text and "proof failed" not in text
    for secret in ("Канарейкина", "555-73-19", "99137", "example.org", "Ledger."):
        assert secret not in text

    kinds = [
        json.loads(b)["kind"]
        for b in session.scalars(select(LedgerEntry.body).where(LedgerEntry.kind.like("dispute.%")))
    ]
    assert kinds == ["dispute.opened", "dispute.resolved", "dispute.shared"]
    for body in session.scalars(select(LedgerEntry.body)):
        assert "Канарейкина" not in body and "example.org" not in body


def test_bad_claims_get_inline_errors_and_write_nothing(app, session, world):
    case, volunteer, _ = world
    vol = app.test_client()
    f.login(vol, volunteer)
    # Each refusal is shown inline, under the field it is about.
    cases = [
        ({"code": "no-such-code"}, "code"),
        ({"claim_kind": "handover"}, "handover_id"),
        ({"handover_id": "0000000000000000"}, "handover_id"),
        ({"claim_url": "javascript:alert(1)"}, "claim_url"),
        ({"claim_text": ""}, "claim_text"),
        ({"claim_text": "a\x00b"}, "claim_text"),
        ({"claim_kind": "nonsense"}, "claim_kind"),
    ]
    for extra, field in cases:
        resp = _open(vol, case, **extra)
        assert resp.status_code == 400, extra
        assert f'id="{field}-err"' in resp.get_data(as_text=True), extra
    assert session.scalars(select(Dispute)).all() == []


def test_others_get_404_and_auditors_see_no_free_text(app, session, world):
    case, volunteer, _ = world
    vol = app.test_client()
    f.login(vol, volunteer)
    assert _open(vol, case).status_code == 302
    dispute = session.scalars(select(Dispute)).one()
    stranger = f.user(session, Role.VOLUNTEER)
    far = f.user(session, Role.COORDINATOR)
    auditor = f.user(session, Role.AUDITOR)
    for user in (stranger, far):
        c = app.test_client()
        f.login(c, user)
        assert c.get(f"/disputes/{dispute.id}").status_code == 404
        assert c.post(f"/disputes/{dispute.id}/publish").status_code == 404
    c = app.test_client()
    f.login(c, far)
    assert (
        c.post(
            f"/disputes/{dispute.id}/resolve", data={"version": 1, "outcome": "upheld", "note": "x"}
        ).status_code
        == 404
    )
    c = app.test_client()
    f.login(c, auditor)
    page = c.get(f"/disputes/{dispute.id}")
    assert page.status_code == 200 and "Канарейкина" not in page.get_data(as_text=True)
    assert app.test_client().get("/disputes/public/not-a-code").status_code == 404
    assert app.test_client().get(f"/disputes/{dispute.id}").status_code == 302  # to login


def test_stale_or_repeated_outcome_is_409(app, session, world):
    case, volunteer, coordinator = world
    vol = app.test_client()
    f.login(vol, volunteer)
    _open(vol, case)
    dispute = session.scalars(select(Dispute)).one()
    staff = app.test_client()
    f.login(staff, coordinator)
    url = f"/disputes/{dispute.id}/resolve"

    def post(version: int, outcome: str) -> int:
        data = {"version": version, "outcome": outcome, "note": "x"}
        return int(staff.post(url, data=data).status_code)

    assert post(99, "upheld") == 409
    assert post(1, "open") == 400
    assert post(1, "rejected") == 302
    assert post(2, "upheld") == 409


def test_api_round_trip_and_bad_input(app, session, world):
    case, volunteer, coordinator = world
    vol = {"Authorization": f"Bearer {f.token(session, volunteer)}"}
    staff = {"Authorization": f"Bearer {f.token(session, coordinator)}"}
    client = app.test_client()
    body = {
        "code": case.delivery.code,
        "claim_kind": "handover",
        "claim_text": "Ours.",
        "handover": case.ceremony.public_id,
    }
    for bad in (
        {**body, "claim_kind": "x"},
        {**body, "extra": 1},
        {**body, "code": "nope"},
        {**body, "claim_text": "a\x00"},
        {**body, "claim_url": "ftp://x"},
        [],
        "x",
    ):
        resp = client.post("/api/v1/disputes", json=bad, headers=vol)
        assert resp.status_code == 400, (bad, resp.get_data(as_text=True))
        assert resp.content_type == "application/problem+json"
    created = client.post("/api/v1/disputes", json=body, headers=vol)
    assert created.status_code == 201
    out = created.get_json()
    assert out["handover"] == case.ceremony.public_id and out["status"] == "open"
    listed = client.get("/api/v1/disputes", headers=staff).get_json()
    assert [d["id"] for d in listed["items"]] == [out["id"]]
    resolved = client.post(
        f"/api/v1/disputes/{out['id']}/resolve",
        headers=staff,
        json={"version": out["version"], "outcome": "upheld", "note": "ok"},
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "upheld"
    published = client.post(f"/api/v1/disputes/{out['id']}/publish", headers=vol)
    assert published.get_json()["public_url"].startswith("/disputes/public/")


def test_photo_of_the_claim_is_cleaned_hashed_and_linked(app, session, world):
    import hashlib
    import io

    from PIL import Image

    case, volunteer, _ = world
    vol = app.test_client()
    f.login(vol, volunteer)
    _open(vol, case)
    dispute = session.scalars(select(Dispute)).one()
    exif = Image.Exif()
    exif[0x013B] = "Канарейкина"  # Artist
    exif.get_ifd(0x8825)[2] = (55.0, 45.0, 0.0)  # GPS latitude
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "JPEG", exif=exif)
    original = buf.getvalue()
    url = f"/disputes/{dispute.id}/evidence"
    refused = vol.post(
        url,
        data={"file": (io.BytesIO(b"<svg/>"), "report.jpg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and 'id="file-err"' in refused.get_data(as_text=True)
    resp = vol.post(
        url,
        data={"file": (io.BytesIO(original), "Kanareikina report.jpg")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    session.expire_all()
    (link,) = dispute.evidence
    assert link.evidence.original_sha256 == hashlib.sha256(original).hexdigest()
    stored = vol.get(f"/evidence/{link.evidence.id}")
    assert stored.status_code == 200
    cleaned = Image.open(io.BytesIO(stored.data))
    assert not cleaned.getexif() and b"Canary" not in stored.data
    entry = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == "dispute.evidence_added")
    ).one()
    assert link.evidence.original_sha256 in entry and "Kanareikina" not in entry


def test_printed_report_proves_the_latest_step_offline(app, session, world):
    import io

    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    from coordination.ledger import note
    from coordination.ledger.keys import verifier_key
    from coordination.ledger.notekeys import Verifier

    case, volunteer, coordinator = world
    vol = app.test_client()
    f.login(vol, volunteer)
    _open(vol, case)
    dispute = session.scalars(select(Dispute)).one()
    staff = app.test_client()
    f.login(staff, coordinator)
    staff.post(
        f"/disputes/{dispute.id}/resolve",
        data={"version": 1, "outcome": "upheld", "note": "Ledger."},
    )
    vol.post(f"/disputes/{dispute.id}/publish")
    session.expire_all()
    resp = app.test_client().get(f"/disputes/public/{dispute.share_code}/report.pdf")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    assert case.group.display_name in text and "Канарейкина" not in text
    image = pypdfium2.PdfDocument(resp.data)[0].render(scale=3).to_pil()
    texts = [code.text for code in zxingcpp.read_barcodes(image)]
    assert len(texts) == 2, texts  # the page's address, and the proof
    url = next(t for t in texts if t.startswith("http"))
    qr_text = next(t for t in texts if t.startswith("c2sp.org/tlog-proof@v1\n"))
    assert url == f"http://localhost/disputes/public/{dispute.share_code}"
    # Every custody step prints its roles whole, the presenter's above all.
    flat = " ".join(text.split())
    assert "presenter" in flat
    for handover in case.delivery.handovers:
        assert handover.from_role.value in flat and handover.to_role.value in flat
    proof = note.parse_tlog_proof(qr_text)
    body = session.get(LedgerEntry, proof.index).body
    assert '"kind":"dispute.shared"' in body and body.replace(" ", "") in text.replace("\n", "")
    verifier = Verifier.from_key(verifier_key(app))
    note.verify_tlog_proof(qr_text, body.encode(), [verifier])  # passes: raises otherwise
    altered = body.replace("dispute.shared", "dispute.sharez").encode()
    with pytest.raises(ValueError):
        note.verify_tlog_proof(qr_text, altered, [verifier])
    assert app.test_client().get("/disputes/public/nope/report.pdf").status_code == 404
