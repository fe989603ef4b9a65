"""The staff audit trail: every staff change recorded, personal fields masked, read-only."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from coordination.accounts.audit import MASK, StaffChange
from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.parties.models import Location, PartyKind
from tests import factories as f
from tests.parties.support import ledger, signed_in


def _changes(session, kind: str) -> list[StaffChange]:
    session.expire_all()
    return list(
        session.scalars(
            select(StaffChange).where(StaffChange.subject_type == kind).order_by(StaffChange.id)
        )
    )


def test_admin_role_change_is_recorded_with_personal_fields_masked(app, session) -> None:
    client, admin = signed_in(app, session, Role.ADMIN)
    region = f.region(session, "RU-VLA")
    target = f.user(session, Role.VOLUNTEER)
    session.commit()
    form = client.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]+)"', form).group(1)
    resp = client.post(
        f"/admin/users/{target.id}/edit",
        data={
            "role": "coordinator",
            "party_id": "0",
            "region_id": str(region.id),
            "full_name": "Анна Жукова",
            "phone": "+7 900 000-11-22",
            "stamp": stamp,
        },
    )
    assert resp.status_code == 302
    [row] = [c for c in _changes(session, "user") if c.subject_id == target.id]
    changes = json.loads(row.changes)
    assert (row.actor_id, row.actor_name, row.action) == (admin.id, admin.username, "updated")
    assert changes["role"] == ["volunteer", "coordinator"]
    assert changes["region_id"][1] == region.id
    assert changes["full_name"] == [None, MASK] and changes["phone"] == [None, MASK]
    assert "Жукова" not in row.changes and "900" not in row.changes
    page = client.get("/admin/audit?type=user").get_data(as_text=True)
    assert "volunteer → coordinator" in page and "Жукова" not in page


def test_location_region_change_is_audited_and_goes_to_the_ledger(app, session) -> None:
    # Moving a location to another region is an admin's act (a coordinator's is refused).
    client, admin = signed_in(app, session, Role.ADMIN)
    first, second = f.region(session, "RU-VLA"), f.region(session, "RU-IVA")
    group = f.party(session, PartyKind.GROUP, display_name="Кружок")
    session.commit()
    data = {"name": "Хаб", "kind": "hub", "region_id": str(first.id), "party_id": str(group.id)}
    assert client.post("/admin/locations/new", data=data).status_code == 302
    loc = session.scalars(select(Location)).one()
    form = client.get(f"/admin/locations/{loc.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([0-9a-f]+)"', form).group(1)
    data.update(region_id=str(second.id), stamp=stamp)
    assert client.post(f"/admin/locations/{loc.id}/edit", data=data).status_code == 302
    created, updated = _changes(session, "location")
    assert created.action == "created" and updated.action == "updated"
    assert json.loads(updated.changes)["region_id"] == [first.id, second.id]
    assert updated.actor_name == admin.username
    # Attribution follows places, so the ledger records the move too, without personal data.
    entry = ledger(session, "location.updated")[-1]["data"]
    assert entry["region"] == "RU-IVA" and entry["party"] == group.public_id


def test_api_changes_are_audited_and_nobody_else_is_logged(app, session, client) -> None:
    admin = f.user(session, Role.ADMIN)
    token = f.token(session, admin)
    volunteer = f.user(session, Role.VOLUNTEER)
    session.commit()
    before = len(_changes(session, "user"))
    # A volunteer's own sign-in and password change are not staff changes.
    f.login(client, volunteer)
    assert len(_changes(session, "user")) == before
    resp = client.patch(
        f"/api/v1/users/{volunteer.id}",
        json={"active": False},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 200, resp.status_code
    rows = [c for c in _changes(session, "user") if c.subject_id == volunteer.id]
    assert rows and json.loads(rows[-1].changes)["active"] == [True, False]
    assert rows[-1].actor_name == admin.username


def test_audit_page_is_for_admins_only_and_filters(app, session) -> None:
    client, admin = signed_in(app, session, Role.ADMIN)
    f.region(session, "RU-VLA")
    session.commit()
    assert (
        client.post(
            "/admin/users/new",
            data={
                "username": "new-auditor",
                "password": f.PASSWORD,
                "role": "auditor",
                "party_id": "0",
                "region_id": "0",
            },
        ).status_code
        == 302
    )
    page = client.get(f"/admin/audit?actor={admin.username}&type=user").get_data(as_text=True)
    row = "создано · учётная запись"  # "created · account", in the default language
    assert row in page and "new-auditor" in page
    assert "password_hash" in page and MASK in page
    empty = client.get("/admin/audit?actor=someone-else").get_data(as_text=True)
    assert row not in empty
    assert client.get("/admin/audit?from=2000-01-01&to=2000-01-02&page=x").status_code == 200
    coordinator, _c = signed_in(app, session, Role.COORDINATOR)
    assert coordinator.get("/admin/audit").status_code in (403, 404)
    # No route edits or deletes a record.
    rules = [r for r in app.url_map.iter_rules() if "/audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    assert session.scalar(select(User).where(User.username == "new-auditor")) is not None
