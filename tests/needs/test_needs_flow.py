"""The story of issue 4: a family submits in Russian, a coordinator approves, the family sees
it, another family gets 404; exactly once; version conflicts; the ledger holds ids only."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from coordination.ledger.models import LedgerEntry
from coordination.ledger.openings import open_entry
from coordination.needs.models import Need, NeedStatus
from tests import factories as f
from tests.needs.support import form_data, submit, world

RU = {"Accept-Language": "ru"}


def test_family_submits_in_russian_coordinator_approves_family_sees_it(app, session, client):
    w = world(session)
    f.login(client, w.family)
    page = client.get("/needs/new", headers=RU)
    assert page.status_code == 200
    assert "Количество" in page.get_data(as_text=True) or "Quantity" in page.get_data(as_text=True)
    resp = client.post("/needs/new", data=form_data(w, serviceman_name="Иванов Пётр"), headers=RU)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    need = session.scalar(select(Need))
    assert need.status == NeedStatus.SUBMITTED
    assert need.serviceman_name == "Иванов Пётр"
    assert need.lines[0].quantity == 3 and need.lines[0].size == "42-44"

    staff = client.application.test_client()
    f.login(staff, w.coordinator)
    queue = staff.get("/needs/")
    assert need.public_id in queue.get_data(as_text=True)
    resp = staff.post(f"/needs/{need.id}/approve", data={"version": str(need.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)

    page = client.get(f"/needs/{need.id}", headers=RU)
    assert page.status_code == 200
    session.expire_all()
    assert session.get(Need, need.id).status == NeedStatus.APPROVED

    other = client.application.test_client()
    f.login(other, w.family2)
    for path in (f"/needs/{need.id}", f"/needs/{need.id}/edit"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/needs/{need.id}/cancel", data={"version": "1"}).status_code == 404
    unit = client.application.test_client()
    f.login(unit, w.unit)
    assert unit.get(f"/needs/{need.id}").status_code == 404


def test_double_post_creates_one_need(app, session, client):
    w = world(session)
    f.login(client, w.family)
    data = form_data(w)
    first = client.post("/needs/new", data=data)
    second = client.post("/needs/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(select(func.count()).select_from(Need)) == 1


def test_reject_reason_reaches_the_family(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    staff = client.application.test_client()
    f.login(staff, w.coordinator)
    empty = staff.post(f"/needs/{need.id}/reject", data={"version": "1", "reason": ""})
    assert empty.status_code == 400
    resp = staff.post(
        f"/needs/{need.id}/reject", data={"version": "1", "reason": "Нет на складе до весны"}
    )
    assert resp.status_code == 302
    f.login(client, w.family)
    assert "Нет на складе до весны" in client.get(f"/needs/{need.id}").get_data(as_text=True)


def test_two_coordinators_second_gets_conflict(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    a = client.application.test_client()
    b = client.application.test_client()
    f.login(a, w.coordinator)
    f.login(b, w.coordinator2)
    version = str(need.version)
    assert a.post(f"/needs/{need.id}/approve", data={"version": version}).status_code == 302
    resp = b.post(f"/needs/{need.id}/reject", data={"version": version, "reason": "дубль"})
    assert resp.status_code == 409
    assert "Someone else changed this" in resp.get_data(as_text=True) or "изменил" in resp.get_data(
        as_text=True
    )
    session.expire_all()
    assert session.get(Need, need.id).status == NeedStatus.APPROVED


def test_family_edits_and_cancels_while_submitted(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    f.login(client, w.family)
    assert client.get(f"/needs/{need.id}/edit").status_code == 200
    data = form_data(w, version=str(need.version), **{"lines-0-quantity": "9"})
    assert client.post(f"/needs/{need.id}/edit", data=data).status_code == 302
    session.expire_all()
    need = session.get(Need, need.id)
    assert need.lines[0].quantity == 9
    stale = client.post(f"/needs/{need.id}/cancel", data={"version": "1"})
    assert stale.status_code == 409
    ok = client.post(f"/needs/{need.id}/cancel", data={"version": str(need.version)})
    assert ok.status_code == 302
    session.expire_all()
    assert session.get(Need, need.id).status == NeedStatus.CANCELLED
    assert client.get(f"/needs/{need.id}/edit").status_code == 200  # shown, but:
    again = client.post(f"/needs/{need.id}/edit", data=form_data(w, version="3"))
    assert again.status_code == 409


def test_ledger_entries_hold_pseudonymous_ids_only(app, session, client):
    w = world(session)
    need = submit(
        session,
        w.family,
        w,
        serviceman_name="Сидоров Канарей",
        serviceman_unit="в/ч 55501",
        delivery_kind="private_address",
        address="ул. Тайная, 5",
    )
    staff = client.application.test_client()
    f.login(staff, w.coordinator)
    staff.post(f"/needs/{need.id}/approve", data={"version": str(need.version)})
    bodies = session.scalars(select(LedgerEntry.body).order_by(LedgerEntry.index)).all()
    kinds = [json.loads(b)["kind"] for b in bodies]
    assert "need.submitted" in kinds and "need.approved" in kinds
    text = "\n".join(bodies)
    for secret in ("Сидоров", "55501", "Тайная"):
        assert secret not in text
    submitted = next(json.loads(b) for b in bodies if json.loads(b)["kind"] == "need.submitted")
    assert submitted["data"]["need"] == need.public_id
    # The household and what it asked for are commitments that only their openings reveal.
    assert set(submitted["data"]) == {"need", "region", "party_commitment", "lines_commitment"}
    assert w.family.party.public_id not in text and "WOOL-SOCKS" not in text
    index = bodies.index(next(b for b in bodies if '"need.submitted"' in b))
    opened = {o.path: o for o in open_entry(session, index)}
    assert opened["data.party_commitment"].value == f"party:{w.family.party.public_id}"
    assert json.loads(opened["data.lines_commitment"].value)["lines"][0]["item"] == "WOOL-SOCKS"
    assert all(o.ok for o in opened.values())
