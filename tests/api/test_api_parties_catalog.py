"""/api/v1 parties, locations, regions, items, categories and users."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.catalog.seed import seed_catalog
from coordination.kernel.actors import Role
from coordination.parties.models import LocationKind, Party, PartyKind
from tests import factories as f
from tests.isolation import IsolatedClient, isolated_client
from tests.parties.support import ledger, ledger_text, raw_row

API = "/api/v1"


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    return isolated_client(app)


def auth(session: Any, role: Role, **kw: Any) -> dict[str, str]:
    user = f.user(session, role, **kw)
    return {"Authorization": f"Bearer {f.token(session, user)}"}


def problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    assert resp.mimetype == "application/problem+json"
    body: dict[str, Any] = resp.get_json(force=True)
    return body


# ---- parties -------------------------------------------------------------------------------


def test_staff_registers_and_reads_a_household_with_personal_fields(client, session):
    region = f.region(session, "RU-VLA")
    coord = auth(session, Role.COORDINATOR, region_id=region.id)
    session.commit()
    body = {
        "kind": "household",
        "region": "RU-VLA",
        "private_name": "Петрова Ольга",
        "phone": "+7 915 000-12-34",
    }
    resp = client.post(f"{API}/parties", json=body, headers=coord)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert (
        out["display_name"].startswith("Household ")
        and out["region"] == "RU-VLA"
        and out["version"] == 1
    )
    assert out["personal"]["private_name"] == "Петрова Ольга"
    stored = raw_row(session, "party", out["id"], "private_name", "phone")
    assert all("Петрова" not in v and "000-12" not in v for v in stored)
    assert "Петрова" not in ledger_text(session)
    got = client.get(f"{API}/parties/{out['id']}", headers=coord).get_json()
    assert got["personal"]["phone"] == "+7 915 000-12-34"


def test_auditor_gets_public_parties_without_personal_fields(client, session):
    auditor = auth(session, Role.AUDITOR)
    household = f.party(session, PartyKind.HOUSEHOLD, private_name="Секретная семья")
    group = f.party(session, PartyKind.GROUP, display_name="Кружок", phone="+7 999 111-22-33")
    session.commit()
    page = client.get(f"{API}/parties", headers=auditor).get_json()
    assert [p["public_id"] for p in page["items"]] == [group.public_id]
    assert page["items"][0]["personal"] is None
    assert "111-22" not in str(page)
    problem(client.get(f"{API}/parties/{household.id}", headers=auditor), 404)
    assert client.get(f"{API}/parties/{group.id}", headers=auditor).get_json()["personal"] is None
    problem(
        client.post(f"{API}/parties", json={"kind": "group", "display_name": "x"}, headers=auditor),
        403,
    )
    problem(client.patch(f"{API}/parties/{group.id}", json={"version": 1}, headers=auditor), 403)


@pytest.mark.parametrize("role", [Role.FAMILY, Role.UNIT_REP, Role.VOLUNTEER])
def test_other_roles_cannot_use_party_endpoints(client, session, role):
    headers = auth(session, role)
    for path in ("/parties", "/locations", "/users"):
        problem(client.get(f"{API}{path}", headers=headers), 403)


def test_patch_with_stale_version_is_409_and_changes_nothing(client, session):
    admin = auth(session, Role.ADMIN)
    party = f.party(session, PartyKind.GROUP, display_name="Первое")
    session.commit()
    resp = client.patch(
        f"{API}/parties/{party.id}", json={"version": 1, "display_name": "Второе"}, headers=admin
    )
    assert resp.status_code == 200 and resp.get_json()["version"] == 2
    body = problem(
        client.patch(
            f"{API}/parties/{party.id}",
            json={"version": 1, "display_name": "Третье"},
            headers=admin,
        ),
        409,
    )
    assert "Someone else" in body["detail"]
    session.expire_all()
    assert party.display_name == "Второе"
    assert ledger(session, "party.updated")[-1]["data"]["name"] == "Второе"
    resp = client.patch(
        f"{API}/parties/{party.id}", json={"version": 2, "active": False}, headers=admin
    )
    assert resp.get_json()["active"] is False


def test_party_list_pages_and_searches(client, session):
    admin = auth(session, Role.ADMIN)
    region = f.region(session, "RU-KOS")
    for n in range(12):
        f.party(session, PartyKind.GROUP, display_name=f"Кружок {n:02d}", region_id=region.id)
    f.party(session, PartyKind.CAMPAIGN, display_name="Школьная ярмарка")
    session.commit()
    page = client.get(f"{API}/parties?per_page=5&page=3&kind=group", headers=admin).get_json()
    assert page["total"] == 12 and page["pages"] == 3 and len(page["items"]) == 2
    found = client.get(f"{API}/parties?q=ярмарка", headers=admin).get_json()
    assert [p["display_name"] for p in found["items"]] == ["Школьная ярмарка"]
    assert client.get(f"{API}/parties?region=RU-KOS", headers=admin).get_json()["total"] == 12


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=99999999999999999999",
        "per_page=100000",
        "q=" + "x" * 101,
        "q=a%00b",
        "kind=alien",
        "status=maybe",
        "unknown=1",
        "region=Kostroma",
    ],
)
def test_bad_list_queries_are_400(client, session, query):
    admin = auth(session, Role.ADMIN)
    body = problem(client.get(f"{API}/parties?{query}", headers=admin), 400)
    assert body["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "group", "display_name": "a\x00b"},
        {"kind": "group", "display_name": "x" * 201},
        {"kind": "group", "display_name": "ok", "colour": "red"},
        {"kind": "group", "display_name": "ok", "region": "RU-NOPE-LONG"},
        {"kind": "pirate", "display_name": "ok"},
        {"kind": "group", "display_name": "ok", "note": "n" * 2001},
    ],
)
def test_bad_party_bodies_are_400(client, session, payload):
    admin = auth(session, Role.ADMIN)
    problem(client.post(f"{API}/parties", json=payload, headers=admin), 400)
    assert session.scalar(select(Party.id)) is None


def test_domain_refusals_and_unknown_ids(client, session):
    admin = auth(session, Role.ADMIN)
    problem(
        client.post(f"{API}/parties", json={"kind": "household"}, headers=admin), 400
    )  # no real name
    problem(
        client.post(
            f"{API}/parties",
            json={"kind": "group", "display_name": "x", "region": "RU-ZZ"},
            headers=admin,
        ),
        400,
    )
    problem(client.post(f"{API}/parties", data="not json", headers=admin), 400)
    for path in (
        "/parties/987654",
        "/parties/99999999999999",
        "/locations/5",
        "/regions/5",
        "/items/5",
        "/categories/5",
        "/users/99999999999",
    ):
        problem(client.get(f"{API}{path}", headers=admin), 404)
    problem(client.patch(f"{API}/parties/99999999999", json={"version": 1}, headers=admin), 404)
    problem(client.patch(f"{API}/parties/1", json={"version": 99999999999}, headers=admin), 400)


# ---- locations and regions ----------------------------------------------------------------------


def test_locations_and_regions(client, session):
    admin = auth(session, Role.ADMIN)
    resp = client.post(
        f"{API}/regions",
        json={"code": "RU-VLA", "name_ru": "Владимирская область", "name_en": "Vladimir Oblast"},
        headers=admin,
    )
    assert resp.status_code == 201
    coord = auth(session, Role.COORDINATOR, region_id=resp.get_json()["id"])
    problem(
        client.post(
            f"{API}/regions", json={"code": "RU-KOS", "name_ru": "x", "name_en": "x"}, headers=coord
        ),
        403,
    )
    assert client.get(f"{API}/regions?q=vladimir", headers=coord).get_json()["total"] == 1
    group = f.party(session, PartyKind.GROUP, region_id=resp.get_json()["id"])
    household = f.party(session, PartyKind.HOUSEHOLD, private_name="x")
    session.commit()
    body = {
        "name": "Хаб",
        "kind": "hub",
        "region": "RU-VLA",
        "town": "Владимир",
        "party": group.public_id,
    }
    resp = client.post(f"{API}/locations", json=body, headers=coord)
    assert resp.status_code == 201 and resp.get_json()["party"] == group.public_id
    loc_id = resp.get_json()["id"]
    problem(
        client.post(f"{API}/locations", json={**body, "party": household.public_id}, headers=coord),
        400,
    )
    problem(
        client.post(f"{API}/locations", json={**body, "party": "not-an-id"}, headers=coord), 400
    )
    # Handing the place to another party (here: nobody) is an admin's act, not a coordinator's.
    problem(
        client.patch(
            f"{API}/locations/{loc_id}", json={"name": "Хаб-2", "party": None}, headers=coord
        ),
        400,
    )
    resp = client.patch(f"{API}/locations/{loc_id}", json={"name": "Хаб-2"}, headers=coord)
    assert resp.get_json()["name"] == "Хаб-2" and resp.get_json()["party"] == group.public_id
    resp = client.patch(f"{API}/locations/{loc_id}", json={"party": None}, headers=admin)
    assert resp.get_json()["party"] is None
    assert client.get(f"{API}/locations?q=хаб-2", headers=coord).get_json()["total"] == 1
    problem(client.get(f"{API}/locations", headers=auth(session, Role.AUDITOR)), 403)


# ---- catalog --------------------------------------------------------------------------------


def test_items_for_everyone_and_admin_edits(client, session):
    seed_catalog(session)
    session.commit()
    family = auth(session, Role.FAMILY)
    admin = auth(session, Role.ADMIN)
    page = client.get(f"{API}/items?q=носки", headers=family).get_json()
    assert [i["code"] for i in page["items"]] == ["WOOL-SOCKS"]
    assert page["items"][0]["sizes"] == ["39-41", "42-44", "45-47"]
    kit = client.get(f"{API}/items?category=MEDICAL&per_page=50", headers=family).get_json()
    assert "MED-KIT" in {i["code"] for i in kit["items"]}
    problem(
        client.post(
            f"{API}/items",
            json={"code": "X1", "name_ru": "x", "name_en": "x", "unit": "piece"},
            headers=family,
        ),
        403,
    )
    body = {
        "code": "trench-kit",
        "name_ru": "Набор свечей",
        "name_en": "Candle set",
        "unit": "set",
        "category": "HEAT",
        "sizes": [" A ", "a", "B"],
        "is_kit": True,
        "components": [{"code": "TRENCH-CANDLE", "quantity": 6}],
    }
    resp = client.post(f"{API}/items", json=body, headers=admin)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert (
        out["code"] == "TRENCH-KIT"
        and out["sizes"] == ["A", "B"]
        and out["components"] == [{"code": "TRENCH-CANDLE", "quantity": 6}]
    )
    assert ledger(session, "item.created")[-1]["data"]["components"] == [
        {"code": "TRENCH-CANDLE", "quantity": 6}
    ]
    resp = client.patch(f"{API}/items/{out['id']}", json={"active": False}, headers=admin)
    assert resp.get_json()["active"] is False
    problem(client.get(f"{API}/items/{out['id']}", headers=family), 404)
    assert client.get(f"{API}/items/{out['id']}", headers=admin).status_code == 200


def test_kit_cycle_via_api_is_400(client, session):
    admin = auth(session, Role.ADMIN)
    a = client.post(
        f"{API}/items",
        json={"code": "KIT-A", "name_ru": "а", "name_en": "a", "unit": "kit", "is_kit": True},
        headers=admin,
    ).get_json()
    client.post(
        f"{API}/items",
        json={
            "code": "KIT-B",
            "name_ru": "б",
            "name_en": "b",
            "unit": "kit",
            "is_kit": True,
            "components": [{"code": "KIT-A", "quantity": 1}],
        },
        headers=admin,
    )
    body = problem(
        client.patch(
            f"{API}/items/{a['id']}",
            json={"components": [{"code": "KIT-B", "quantity": 1}]},
            headers=admin,
        ),
        400,
    )
    assert "itself" in body["detail"]
    body = problem(
        client.patch(
            f"{API}/items/{a['id']}",
            json={"components": [{"code": "KIT-A", "quantity": 1}]},
            headers=admin,
        ),
        400,
    )
    assert "itself" in body["detail"]
    assert session.scalars(select(Item).where(Item.code == "KIT-A")).one().components == []


@pytest.mark.parametrize(
    "patch",
    [
        {"sizes": ["x" * 17]},
        {"sizes": [str(n) for n in range(31)]},
        {"components": [{"code": "KIT-A", "quantity": 10**12}]},
        {"components": [{"code": "KIT-A", "quantity": 0}]},
        {"components": [{"code": "KIT-A", "quantity": 1, "extra": True}]},
        {"name_en": "a\x00"},
        {"unit": "litre"},
        {"code": "RENAMED"},
    ],
)
def test_bad_item_bodies_are_400(client, session, patch):
    admin = auth(session, Role.ADMIN)
    item = f.item(session, code="KIT-A", is_kit=True)
    session.commit()
    problem(client.patch(f"{API}/items/{item.id}", json=patch, headers=admin), 400)


def test_categories(client, session):
    admin = auth(session, Role.ADMIN)
    resp = client.post(
        f"{API}/categories",
        json={"code": "heat", "name_ru": "Обогрев", "name_en": "Heat"},
        headers=admin,
    )
    assert resp.status_code == 201 and resp.get_json()["code"] == "HEAT"
    cid = resp.get_json()["id"]
    assert (
        client.patch(
            f"{API}/categories/{cid}", json={"name_en": "Heat and light"}, headers=admin
        ).get_json()["name_en"]
        == "Heat and light"
    )
    volunteer = auth(session, Role.VOLUNTEER)
    assert client.get(f"{API}/categories", headers=volunteer).get_json()["total"] == 1
    problem(
        client.post(
            f"{API}/categories",
            json={"code": "X", "name_ru": "x", "name_en": "x"},
            headers=volunteer,
        ),
        403,
    )


# ---- users --------------------------------------------------------------------------------


def test_users_api_is_admin_only_and_keeps_usernames_out_of_the_ledger(client, session):
    admin = auth(session, Role.ADMIN)
    household = f.party(session, PartyKind.HOUSEHOLD, private_name="x")
    session.commit()
    problem(client.get(f"{API}/users", headers=auth(session, Role.COORDINATOR)), 403)
    body = {
        "username": "olga-p",
        "password": f.PASSWORD,
        "role": "family",
        "party": household.public_id,
    }
    resp = client.post(f"{API}/users", json=body, headers=admin)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["party"] == household.public_id and "password" not in str(out).lower()
    problem(
        client.post(
            f"{API}/users", json={**body, "username": "other", "party": None}, headers=admin
        ),
        400,
    )
    problem(client.post(f"{API}/users", json={**body, "username": "x\x00y"}, headers=admin), 400)
    problem(client.post(f"{API}/users", json={**body, "username": "olga-p"}, headers=admin), 409)
    assert "olga-p" not in ledger_text(session)
    found = client.get(f"{API}/users?q=olga&role=family", headers=admin).get_json()
    assert [u["username"] for u in found["items"]] == ["olga-p"]
    resp = client.patch(f"{API}/users/{out['id']}", json={"active": False}, headers=admin)
    assert resp.get_json()["active"] is False
    user = session.get(User, out["id"])
    session.refresh(user)
    assert user.active is False


def test_openapi_describes_the_new_endpoints(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    for path in (
        "/parties",
        "/parties/{party_id}",
        "/locations",
        "/regions",
        "/items",
        "/categories",
        "/users",
    ):
        assert f"{API}{path}" in doc["paths"], path


def test_query_filter_literals_match_the_enums():
    from typing import get_args

    from coordination.parties import schemas as api

    assert set(get_args(api.PartyKindName)) == {k.value for k in PartyKind}
    assert set(get_args(api.LocationKindName)) == {k.value for k in LocationKind}
    assert set(get_args(api.RoleName)) == {r.value for r in Role}
