"""Who sees what: volunteers and auditors see anonymous demand only; the public board
aggregates and suppresses small counts; others' needs answer 404 in the API too."""

from __future__ import annotations

from coordination.kernel.actors import Role
from coordination.needs import services
from tests import factories as f
from tests.needs.support import form_data, submit, world

SECRETS = ("Канарейкин Пётр", "в/ч 77123", "ул. Скрытная, 9")


def _personal_need(session, w, user=None):
    need = submit(
        session,
        user or w.family,
        w,
        serviceman_name=SECRETS[0],
        serviceman_unit=SECRETS[1],
        delivery_kind="private_address",
        address=SECRETS[2],
    )
    services.approve_need(session, w.coordinator, need, need.version)
    session.commit()
    return need


def test_volunteer_and_auditor_see_demand_without_personal_data(app, session, client):
    w = world(session)
    need = _personal_need(session, w)
    need_id, public_id = need.id, need.public_id
    for user in (w.volunteer, w.auditor):
        bearer = {"Authorization": f"Bearer {f.token(session, user)}"}
        c = client.application.test_client()
        f.login(c, user)
        page = c.get("/needs/demand")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Wool socks" in text or "Шерстяные носки" in text
        assert public_id not in text
        for secret in SECRETS:
            assert secret not in text
        assert c.get(f"/needs/{need_id}").status_code == 403
        api = c.get("/api/v1/needs/demand", headers=bearer)
        assert api.status_code == 200
        assert set(api.get_json()["items"][0]) == {"item", "size", "quantity", "region", "priority"}
        for secret in SECRETS:
            assert secret not in api.get_data(as_text=True)


def test_board_aggregates_and_suppresses_small_counts(app, session, client):
    w = world(session)
    families = [w.family, w.family2, *(f.user(session, Role.FAMILY) for _ in range(3))]
    for family in families:
        _personal_need(session, w, family)  # 5 households × 5 pairs of socks in one cell
    _personal_need(session, w, w.family)  # a second need from one of them: still 5 households
    single = submit(session, w.family2, w)
    single.lines[0].item_id = w.gloves.id  # a cell with a single need: suppressed
    single.lines[0].size = None
    services.approve_need(session, w.coordinator, single, single.version)
    code = w.region.code
    session.commit()
    text = client.get("/needs/board").get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in text
    assert "Gloves" not in text and "Перчатки" not in text
    board = client.get("/api/v1/needs/board").get_json()
    assert len(board["rows"]) == 1
    row = board["rows"][0]
    assert (row["item"], row["region"], row["remaining"], row["needs"], row["parties"]) == (
        "WOOL-SOCKS",
        code,
        30,
        6,
        5,
    )
    assert board["suppressed"] == 1


def test_board_counts_households_not_needs(app, session, client):
    """Five needs from one household (or one unit) never make a cell public."""
    w = world(session)
    for _ in range(5):
        _personal_need(session, w)
    for _ in range(7):
        need = submit(session, w.unit, w, quantity=40)
        services.approve_need(session, w.coordinator, need, need.version)
    session.commit()
    board = client.get("/api/v1/needs/board").get_json()
    assert board["rows"] == [] and board["suppressed"] == 1  # 12 needs, 2 parties: one cell
    page = client.get("/needs/board").get_data(as_text=True)
    assert "Wool socks" not in page and "Шерстяные носки" not in page
    for _ in range(3):  # three more households bring the cell to five distinct parties
        _personal_need(session, w, f.user(session, Role.FAMILY))
    board = client.get("/api/v1/needs/board").get_json()
    assert [(r["needs"], r["parties"]) for r in board["rows"]] == [(15, 5)]
    page = client.get("/needs/board").get_data(as_text=True)
    assert "Wool socks" in page or "Шерстяные носки" in page


def test_submitted_needs_are_not_on_the_board_until_approved(app, session, client):
    w = world(session)
    for _ in range(5):
        submit(session, w.family, w)
    assert client.get("/api/v1/needs/board").get_json()["rows"] == []


def test_api_others_need_is_404_and_bad_input_is_problem_json(app, session, client):
    w = world(session)
    need = submit(session, w.family, w)
    need_id, code = need.id, w.region.code
    other = {"Authorization": f"Bearer {f.token(session, w.family2)}"}
    own = {"Authorization": f"Bearer {f.token(session, w.family)}"}
    assert client.get(f"/api/v1/needs/{need_id}", headers=other).status_code == 404
    assert (
        client.post(
            f"/api/v1/needs/{need_id}/cancel", json={"version": 1}, headers=other
        ).status_code
        == 404
    )
    assert client.get("/api/v1/needs", headers=other).get_json()["total"] == 0
    assert client.get("/api/v1/needs", headers=own).get_json()["total"] == 1
    for line in (
        {"item": "WOOL-SOCKS", "quantity": 0},
        {"item": "WOOL-SOCKS", "quantity": -3},
        {"item": "WOOL-SOCKS", "quantity": 10**12},
        {"item": "GLOVES", "quantity": 1, "note": '=HYPERLINK("x")'},
        {"item": "GLOVES", "quantity": 1, "note": "<img src=x>"},
        {"item": "GLOVES", "quantity": 1, "note": "a\x00b"},
        {"item": "GLOVES", "quantity": 1, "needed_by": "2001-01-01"},
    ):
        resp = client.post("/api/v1/needs", json={"region": code, "lines": [line]}, headers=own)
        assert resp.status_code == 400, (line, resp.get_data(as_text=True))
        assert resp.mimetype == "application/problem+json"


def test_api_submit_approve_and_idempotent_repeat(app, session, client):
    w = world(session)
    fam = {"Authorization": f"Bearer {f.token(session, w.family)}", "Idempotency-Key": "k" * 20}
    staff = {"Authorization": f"Bearer {f.token(session, w.coordinator)}"}
    body = {"region": w.region.code, "lines": [{"item": "GLOVES", "quantity": 2}]}
    first = client.post("/api/v1/needs", json=body, headers=fam)
    again = client.post("/api/v1/needs", json=body, headers=fam)
    assert (first.status_code, again.status_code) == (201, 200)
    need_id = first.get_json()["id"]
    assert again.get_json()["id"] == need_id
    stale = client.post(f"/api/v1/needs/{need_id}/approve", json={"version": 9}, headers=staff)
    assert stale.status_code == 409
    ok = client.post(f"/api/v1/needs/{need_id}/approve", json={"version": 1}, headers=staff)
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    seen = client.get(f"/api/v1/needs/{need_id}", headers={"Authorization": fam["Authorization"]})
    assert seen.get_json()["status"] == "approved"
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/needs/board", "/api/v1/needs/{need_id}/reject"} <= set(doc["paths"])


def test_form_refuses_bad_text_with_a_clear_message(app, session, client):
    w = world(session)
    f.login(client, w.family)
    for note, message in (
        ('=HYPERLINK("http://x")', "may not start with"),
        ("<b>hi</b>", "Angle brackets"),
        ("a\x00b", "cannot be stored"),
    ):
        resp = client.post(
            "/needs/new",
            data=form_data(w, **{"lines-0-note": note}),
            headers={"Accept-Language": "en"},
        )
        assert resp.status_code == 400
        assert message in resp.get_data(as_text=True)
    resp = client.post("/needs/new", data=form_data(w, **{"lines-0-quantity": "10001"}))
    assert resp.status_code == 400
