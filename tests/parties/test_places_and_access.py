"""Locations and regions pages, and who may open which admin page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.parties import places
from coordination.parties.models import Location, PartyKind, Region
from tests import factories as f
from tests.parties.support import ledger, signed_in

# (method, path template); {party}, {location}, {region}, {user} are filled per test
PAGES = {
    "list_parties": ("GET", "/admin/parties"),
    "view_party": ("GET", "/admin/parties/{party}"),
    "new_party": ("GET", "/admin/parties/new"),
    "edit_party": ("GET", "/admin/parties/{party}/edit"),
    "deactivate_party": ("POST", "/admin/parties/{party}/deactivate"),
    "list_locations": ("GET", "/admin/locations"),
    "new_location": ("GET", "/admin/locations/new"),
    "edit_location": ("GET", "/admin/locations/{location}/edit"),
    "deactivate_location": ("POST", "/admin/locations/{location}/deactivate"),
    "list_regions": ("GET", "/admin/regions"),
    "new_region": ("GET", "/admin/regions/new"),
    "edit_region": ("GET", "/admin/regions/{region}/edit"),
    "list_users": ("GET", "/admin/users"),
    "new_user": ("GET", "/admin/users/new"),
    "edit_user": ("GET", "/admin/users/{user}/edit"),
    "deactivate_user": ("POST", "/admin/users/{user}/deactivate"),
}
STAFF_PAGES = {
    "list_parties",
    "view_party",
    "new_party",
    "edit_party",
    "deactivate_party",
    "list_locations",
    "new_location",
    "edit_location",
    "deactivate_location",
    "list_regions",
}
ALLOWED = {
    Role.ADMIN: set(PAGES),
    Role.COORDINATOR: STAFF_PAGES,
    Role.AUDITOR: {"list_parties", "view_party"},
    Role.VOLUNTEER: set(),
    Role.FAMILY: set(),
    Role.UNIT_REP: set(),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_permission_matrix(app, session, role):
    client, me = signed_in(app, session, role)
    target = f.user(session, Role.AUDITOR)
    # In the coordinator's own region (region scope is tested in test_region_scope.py).
    here = {"region_id": me.region_id} if me.region_id is not None else {}
    ids = {
        "party": f.party(session, PartyKind.GROUP, **here).id,
        "location": f.location(session, **here).id,
        "region": f.region(session).id,
        "user": target.id,
    }
    session.commit()
    for name, (method, template) in PAGES.items():
        resp = client.open(template.format(**ids), method=method)
        if name in ALLOWED[role]:
            assert resp.status_code in (200, 302), (name, resp.status_code)
        else:
            assert resp.status_code == 403, (name, resp.status_code)


@pytest.mark.parametrize("ident", ["987654", "99999999999", "99999999999999999999999"])
def test_unknown_ids_are_404(app, session, ident):
    client, _admin = signed_in(app, session, Role.ADMIN)
    for template in (
        "/admin/parties/{}",
        "/admin/parties/{}/edit",
        "/admin/locations/{}/edit",
        "/admin/regions/{}/edit",
        "/admin/users/{}/edit",
    ):
        assert client.get(template.format(ident)).status_code == 404, template
    assert client.post(f"/admin/parties/{ident}/deactivate").status_code == 404


def test_visitors_are_sent_to_sign_in(client):
    resp = client.get("/admin/parties")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_location_lifecycle(app, session):
    region = f.region(session, "RU-VLA")
    client, _coord = signed_in(app, session, Role.COORDINATOR, region_id=region.id)
    group = f.party(session, PartyKind.GROUP, display_name="Кружок", region_id=region.id)
    session.commit()
    data = {
        "name": "Владимирский хаб",
        "kind": "hub",
        "region_id": str(region.id),
        "town": "Владимир",
        "party_id": str(group.id),
    }
    assert client.post("/admin/locations/new", data=data).status_code == 302
    loc = session.scalars(select(Location)).one()
    entry = ledger(session, "location.registered")[-1]["data"]
    assert entry == {
        "location": loc.public_id,
        "kind": "hub",
        "name": "Владимирский хаб",
        "region": "RU-VLA",
        "party": group.public_id,
    }
    assert 'Владимир"' not in str(entry)  # the town stays out
    page = client.get("/admin/locations?q=хаб").get_data(as_text=True)
    assert "Владимирский хаб" in page
    form = client.get(f"/admin/locations/{loc.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([0-9a-f]+)"', form)
    assert stamp is not None
    data.update(name="Хаб во Владимире", stamp=stamp.group(1))
    assert client.post(f"/admin/locations/{loc.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert loc.name == "Хаб во Владимире"
    assert ledger(session, "location.updated")[-1]["data"]["name"] == "Хаб во Владимире"
    # The same (now stale) stamp again: refused, nothing overwritten.
    data.update(name="Третье имя")
    assert client.post(f"/admin/locations/{loc.id}/edit", data=data).status_code == 409
    session.expire_all()
    assert loc.name == "Хаб во Владимире"
    assert client.post(f"/admin/locations/{loc.id}/deactivate").status_code == 302
    session.expire_all()
    assert loc.active is False and ledger(session, "location.deactivated")


def test_location_cannot_belong_to_a_household_or_lack_a_region(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    region = f.region(session)
    household = f.party(session, PartyKind.HOUSEHOLD, private_name="x")
    session.commit()
    data = {
        "name": "Дом",
        "kind": "warehouse",
        "region_id": str(region.id),
        "party_id": str(household.id),
    }
    assert client.post("/admin/locations/new", data=data).status_code == 400
    assert (
        client.post(
            "/admin/locations/new", data={**data, "party_id": "0", "region_id": "0"}
        ).status_code
        == 400
    )
    assert session.scalar(select(Location.id)) is None


def test_admin_adds_and_renames_a_region(app, session):
    client, admin = signed_in(app, session, Role.ADMIN)
    resp = client.post(
        "/admin/regions/new",
        data={"code": "ru-kos", "name_ru": "Костромская область", "name_en": "Kostroma Oblast"},
    )
    assert resp.status_code == 302
    region = session.scalars(select(Region).where(Region.code == "RU-KOS")).one()
    assert ledger(session, "region.created")[-1]["data"]["region"] == "RU-KOS"
    assert (
        client.post(
            "/admin/regions/new", data={"code": "RU-KOS", "name_ru": "x", "name_en": "x"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/regions/new", data={"code": "Kostroma", "name_ru": "x", "name_en": "x"}
        ).status_code
        == 400
    )
    stamp = places.region_stamp(region)
    places.update_region(session, admin, region, stamp, "Костромская обл.", "Kostroma Oblast")
    session.commit()
    resp = client.post(
        f"/admin/regions/{region.id}/edit",
        data={"stamp": stamp, "name_ru": "Старое", "name_en": "Old"},
    )
    assert resp.status_code == 409
    session.expire_all()
    assert region.name_ru == "Костромская обл."
