"""Admin user management: create, edit, deactivate (which ends sessions), and what is recorded."""

from __future__ import annotations

import re

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.isolation import isolated_client
from tests.parties.support import ledger_opened, ledger_text, raw_row, signed_in


def _new_user(**kw: str) -> dict[str, str]:
    data = {
        "username": "maria-k",
        "password": f.PASSWORD,
        "role": "family",
        "party_id": "0",
        "region_id": "0",
    }
    data.update(kw)
    return data


def test_admin_creates_a_family_account_for_a_household(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    household = f.party(session, PartyKind.HOUSEHOLD, private_name="Иванова")
    session.commit()
    data = _new_user(
        party_id=str(household.id), full_name="Мария Иванова", phone="+7 901 111-22-33"
    )
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = session.scalars(select(User).where(User.username == "maria-k")).one()
    assert user.role == Role.FAMILY and user.party_id == household.id
    assert "Мария" not in raw_row(session, "user_account", user.id, "full_name")[0]
    data = ledger_opened(session, "account.created")
    assert data == {"user": f"user:{user.public_id}", "role": "family"}
    text = ledger_text(session)
    assert "maria-k" not in text and "Мария" not in text
    page = client.get("/admin/users?q=maria").get_data(as_text=True)
    assert "maria-k" in page
    assert "maria-k" not in client.get("/admin/users?role=admin").get_data(as_text=True)


def test_party_and_region_rules_are_enforced(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    group = f.party(session, PartyKind.GROUP)
    session.commit()
    # A family must act for a household, not a group.
    assert (
        client.post("/admin/users/new", data=_new_user(party_id=str(group.id))).status_code == 400
    )
    # A coordinator needs a region.
    assert client.post("/admin/users/new", data=_new_user(role="coordinator")).status_code == 400
    # Bad usernames, weak passwords and NUL bytes are form errors, never crashes.
    assert (
        client.post(
            "/admin/users/new", data=_new_user(role="auditor", username="Мария")
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/users/new", data=_new_user(role="auditor", password="password")
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/admin/users/new", data=_new_user(role="auditor", full_name="a\x00b")
        ).status_code
        == 400
    )
    assert session.scalar(select(User.id).where(User.username == "maria-k")) is None
    region = f.region(session)
    session.commit()
    data = _new_user(role="coordinator", region_id=str(region.id), party_id=str(group.id))
    assert client.post("/admin/users/new", data=data).status_code == 302
    coordinator = session.scalars(select(User).where(User.username == "maria-k")).one()
    assert coordinator.party_id is None and coordinator.region_id == region.id


def test_username_taken_is_shown_inline(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    f.user(session, Role.AUDITOR, username="taken")
    resp = client.post("/admin/users/new", data=_new_user(role="auditor", username="taken"))
    assert resp.status_code == 400 and "taken" in resp.get_data(as_text=True)


def test_edit_role_and_party(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    user = f.user(session, Role.FAMILY)
    group = f.party(session, PartyKind.GROUP)
    session.commit()
    form = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([0-9a-f]+)"', form).group(1)
    data = {"stamp": stamp, "role": "volunteer", "party_id": str(group.id), "region_id": "0"}
    assert client.post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert user.role == Role.VOLUNTEER and user.party_id == group.id
    assert ledger_opened(session, "account.role_changed") == {
        "user": f"user:{user.public_id}",
        "role": "volunteer",
    }
    # The same stamp is stale now.
    data["role"] = "auditor"
    assert client.post(f"/admin/users/{user.id}/edit", data=data).status_code == 409
    session.expire_all()
    assert user.role == Role.VOLUNTEER


def test_admin_cannot_change_own_role_or_deactivate_self(app, session):
    client, admin = signed_in(app, session, Role.ADMIN)
    form = client.get(f"/admin/users/{admin.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([0-9a-f]+)"', form).group(1)
    resp = client.post(
        f"/admin/users/{admin.id}/edit",
        data={"stamp": stamp, "role": "auditor", "party_id": "0", "region_id": "0"},
    )
    assert resp.status_code == 400
    client.post(f"/admin/users/{admin.id}/deactivate")
    session.expire_all()
    assert admin.role == Role.ADMIN and admin.active is True


def test_deactivation_ends_the_users_session_and_reactivation_restores_sign_in(app, session):
    admin_client, _admin = signed_in(app, session, Role.ADMIN)
    victim = f.user(session, Role.VOLUNTEER)
    victim_client = isolated_client(app)
    f.login(victim_client, victim)
    assert victim_client.get("/account").status_code == 200
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "data-confirm" in page
    assert admin_client.post(f"/admin/users/{victim.id}/deactivate").status_code == 302
    resp = victim_client.get("/account")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert ledger_opened(session, "account.deactivated") == {"user": f"user:{victim.public_id}"}
    admin_client.post(f"/admin/users/{victim.id}/reactivate")
    f.login(victim_client, victim)
    assert victim_client.get("/account").status_code == 200
