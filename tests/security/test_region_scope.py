"""Region scope (DESIGN §4): a coordinator reads and changes parties, locations, households,
needs and stock of its own region only; moving a location between regions or owning parties
is an admin's act; the network-wide directory shows names and regions, no personal field.

The attacks of issue #16 are replayed as a coordinator of another region, with valid bodies
(the access-policy table sends empty ones), and each must leave the data as it was.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from coordination.accounts.models import User
from coordination.deliveries.services import DraftInput, create_draft
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.needs.models import NeedStatus
from coordination.parties.models import PartyKind
from coordination.production.services import BatchInput, log_production_batch
from tests import factories as f
from tests.isolation import isolated_client
from tests.region_world import region_world

NAME, PHONE, ADDRESS, NOTE = "Кузнецова Анна Викторовна", "+7 912 345-67-89", "ул. Ленина 5", "сын"


def _bearer(session: Any, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {f.token(session, user)}"}


def _client(app: Any, user: User) -> Any:
    client = isolated_client(app)
    f.login(client, user)
    return client


def _personal_absent(text: str) -> None:
    for planted in (NAME, PHONE, ADDRESS):
        assert planted not in text


def test_other_regions_coordinator_reads_no_household(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    household = w["household"]
    for who, status in ((w["elsewhere"], 404), (w["coordinator"], 200)):
        api = isolated_client(app).get(
            f"/api/v1/parties/{household.id}", headers=_bearer(session, who)
        )
        page = _client(app, who).get(f"/admin/parties/{household.id}")
        assert (api.status_code, page.status_code) == (status, status), who.username
        if status == 404:
            _personal_absent(api.get_data(as_text=True) + page.get_data(as_text=True))
        else:
            assert api.get_json()["personal"]["phone"] == PHONE
            assert NAME in page.get_data(as_text=True)


def test_other_regions_coordinator_changes_nothing(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    household, hub = w["household"], w["hub"]
    other = w["elsewhere"]
    bearer = _bearer(session, other)
    client = isolated_client(app)
    resp = client.patch(
        f"/api/v1/parties/{household.id}",
        json={"version": household.version, "note": "rewritten"},
        headers=bearer,
    )
    assert resp.status_code == 404
    web = _client(app, other)
    form = {"version": str(household.version), "private_name": "x", "note": "rewritten"}
    assert web.post(f"/admin/parties/{household.id}/edit", data=form).status_code == 404
    assert web.post(f"/admin/parties/{household.id}/deactivate").status_code == 404
    assert web.post(f"/admin/locations/{hub.id}/deactivate").status_code == 404
    assert web.get(f"/admin/locations/{hub.id}/edit").status_code == 404
    assert client.get(f"/api/v1/locations/{hub.id}", headers=bearer).status_code == 404
    for body in ({"region": w["elsewhere_region"].code}, {"party": w["other_group"].public_id}):
        resp = client.patch(f"/api/v1/locations/{hub.id}", json=body, headers=bearer)
        assert resp.status_code == 404, body
    session.expire_all()
    assert household.note == NOTE and household.active
    assert hub.active and hub.region_id == w["region"].id and hub.party_id == w["group"].id


def test_moving_a_location_between_regions_or_parties_is_for_an_admin(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    hub = w["hub"]
    coordinator = _bearer(session, w["coordinator"])
    client = isolated_client(app)
    moves = ({"region": w["elsewhere_region"].code}, {"party": w["other_group"].public_id})
    for body in moves:
        resp = client.patch(f"/api/v1/locations/{hub.id}", json=body, headers=coordinator)
        assert resp.status_code == 400, body
    web = _client(app, w["coordinator"])
    page = web.get(f"/admin/locations/{hub.id}/edit").get_data(as_text=True)
    assert w["elsewhere_region"].code not in page  # the form offers its own region only
    session.expire_all()
    assert hub.region_id == w["region"].id and hub.party_id == w["group"].id
    # Renaming in its own region is the coordinator's to do.
    resp = client.patch(f"/api/v1/locations/{hub.id}", json={"name": "Хаб 2"}, headers=coordinator)
    assert resp.status_code == 200 and resp.get_json()["name"] == "Хаб 2"
    admin = _bearer(session, f.user(session, Role.ADMIN))
    for body in moves:
        assert (
            client.patch(f"/api/v1/locations/{hub.id}", json=body, headers=admin).status_code == 200
        )
    session.expire_all()
    assert hub.region_id == w["elsewhere_region"].id and hub.party_id == w["other_group"].id


def test_a_coordinator_registers_parties_only_in_its_region(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    bearer = _bearer(session, w["coordinator"])
    client = isolated_client(app)
    body = {"kind": "group", "display_name": "Кружок", "region": w["elsewhere_region"].code}
    assert client.post("/api/v1/parties", json=body, headers=bearer).status_code == 400
    del body["region"]
    resp = client.post("/api/v1/parties", json=body, headers=bearer)
    assert resp.status_code == 201 and resp.get_json()["region"] == w["region"].code
    group = w["group"]
    patch = {"version": group.version, "region": w["elsewhere_region"].code}
    assert (
        client.patch(f"/api/v1/parties/{group.id}", json=patch, headers=bearer).status_code == 400
    )


def test_lists_show_the_coordinators_region_only(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    mine = (w["group"].public_id, w["hub"].public_id)
    for who, present in ((w["coordinator"], True), (w["elsewhere"], False)):
        bearer = _bearer(session, who)
        client = isolated_client(app)
        parties = client.get("/api/v1/parties?per_page=100", headers=bearer).get_json()
        places = client.get("/api/v1/locations?per_page=100", headers=bearer).get_json()
        got = {p["public_id"] for p in parties["items"] + places["items"]}
        assert (set(mine) <= got) == present and (not got & set(mine)) == (not present)
        web = _client(app, who)
        html = web.get("/admin/parties?show=all").get_data(as_text=True)
        html += web.get("/admin/locations?show=all").get_data(as_text=True)
        assert (w["group"].display_name in html) == present
        assert (w["hub"].name in html) == present
    # The elsewhere coordinator's own lists are not empty: the filter is by region, not off.
    elsewhere = isolated_client(app).get(
        "/api/v1/parties", headers=_bearer(session, w["elsewhere"])
    )
    assert w["other_group"].public_id in {p["public_id"] for p in elsewhere.get_json()["items"]}


def test_needs_and_stock_writes_of_another_region_are_404(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    need, lot = w["need"], w["lot"]
    bearer = _bearer(session, w["elsewhere"])
    client = isolated_client(app)
    writes = [
        (f"/api/v1/needs/{need.id}/approve", {"version": need.version}),
        (f"/api/v1/needs/{need.id}/reject", {"version": need.version, "reason": "no"}),
        (f"/api/v1/needs/{need.id}/comment", {"text": "hello"}),
        (f"/api/v1/stock/lots/{lot.id}/transfer", {"to": w["other_hub"].public_id, "quantity": 1}),
        (f"/api/v1/stock/lots/{lot.id}/take", {"quantity": 1}),
    ]
    for url, body in writes:
        assert client.post(url, json=body, headers=bearer).status_code == 404, url
    session.expire_all()
    assert lot.quantity == 5 and need.status.value == "submitted"


def test_the_directory_shows_names_and_regions_but_no_personal_field(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    far = w["elsewhere_region"]
    f.party(
        session,
        PartyKind.COURIER,
        display_name="Курьер Север",
        region_id=far.id,
        private_name="Водителев Пётр",
        phone="+7 900 111-22-33",
    )
    far_household = f.party(session, PartyKind.HOUSEHOLD, region_id=far.id, private_name="Далёкие")
    session.commit()
    web = _client(app, w["coordinator"])
    pages = {
        "new delivery": web.get("/deliveries/new").get_data(as_text=True),
        "handover": web.get(f"/deliveries/{w['delivery'].id}/handover").get_data(as_text=True),
        "transport": web.get(f"/deliveries/{w['delivery'].id}").get_data(as_text=True),
    }
    # Groups and couriers of every region, by name, kind and region.
    group = re.escape(w["other_group"].display_name)
    assert re.search(rf"{group} · [^<·]+ · {far.code}</option>", pages["new delivery"])
    for name in ("handover", "transport"):
        assert re.search(rf"Курьер Север · [^<·]+ · {far.code}</option>", pages[name]), name
    for name, page in pages.items():
        assert "Водителев" not in page and "111-22" not in page, name
        assert NAME not in page and PHONE not in page, name
        assert far_household.display_name not in page, name  # households: its region only
    assert w["household"].display_name in pages["new delivery"]


def test_needs_stock_and_delivery_lists_are_the_regions_own(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    ours = {
        "/api/v1/needs?per_page=100": w["need"].public_id,
        "/api/v1/stock/lots?per_page=100": w["lot"].public_id,
        "/api/v1/deliveries?per_page=100": w["delivery"].public_id,
    }
    for who, present in ((w["coordinator"], True), (w["elsewhere"], False)):
        bearer = _bearer(session, who)
        client = isolated_client(app)
        for url, public_id in ours.items():
            resp = client.get(url, headers=bearer)
            assert resp.status_code == 200, url
            ids = {row["public_id"] for row in resp.get_json()["items"]}
            assert (public_id in ids) == present, (who.username, url)
        page = _client(app, who).get("/stock/").get_data(as_text=True)
        assert (w["lot"].public_id in page) == present


def test_a_coordinator_logs_batches_only_for_its_regions_groups(app, session):
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    data = BatchInput(
        group_id=w["group"].id, item_id=w["item"].id, quantity=3, made_on=date(2026, 11, 1)
    )
    with pytest.raises(NotFound):
        log_production_batch(session, w["elsewhere"], data)
    session.rollback()
    assert log_production_batch(session, w["coordinator"], data).group_id == w["group"].id
    page = _client(app, w["elsewhere"]).get("/production/batches/new").get_data(as_text=True)
    assert w["group"].display_name not in page and w["other_group"].display_name in page


def test_goods_go_to_a_household_only_from_its_own_regions_staff(app, session):
    # The manager's manifest carries the household's name, phone and address: a coordinator
    # of another region must not be able to make itself that manager.
    w = region_world(session, NAME, PHONE, ADDRESS, NOTE)
    need, other = w["need"], w["elsewhere"]
    need.status = NeedStatus.APPROVED
    session.commit()
    line_id = need.lines[0].id
    with pytest.raises(Invalid):
        create_draft(
            session,
            other,
            DraftInput(w["other_hub"].id, to_party_id=w["household"].id, allocate=False),
        )
    session.rollback()
    with pytest.raises(Invalid):
        create_draft(session, other, DraftInput(w["other_hub"].id, need_line_ids=[line_id]))
    session.rollback()
    box = f'name="need_line" value="{line_id}"'
    assert box not in _client(app, other).get("/deliveries/new").get_data(as_text=True)
    assert box in _client(app, w["coordinator"]).get("/deliveries/new").get_data(as_text=True)
    own = create_draft(
        session, w["coordinator"], DraftInput(w["hub"].id, need_line_ids=[line_id], allocate=False)
    )
    assert own.to_party_id == w["household"].id
