"""TOTP second factor: enrolment, sign-in, replay, recovery codes, admin reset, the policy."""

from __future__ import annotations

import base64
import io
import re
import time
from typing import Any

import pyotp
import pytest
import zxingcpp
from PIL import Image

from coordination.kernel.actors import Role
from tests import factories as f
from tests.conftest import base_config
from tests.isolation import isolated_client

CODES = re.compile(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>")


def _enrol(client, session) -> tuple[str, list[str]]:
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    resp = client.post("/account/2fa", data={"code": pyotp.TOTP(secret).now()})
    assert resp.status_code == 200
    codes = CODES.findall(resp.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _password_step(client, user) -> Any:
    return client.post("/login", data={"username": user.username, "password": f.PASSWORD})


def _fresh_code(secret: str) -> str:
    # A code not yet accepted: the next time step's (the server allows one step of drift).
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_qr_code_on_the_enrolment_page_decodes_to_the_secret(app, session, client) -> None:
    user = f.user(session, Role.COORDINATOR)
    f.login(client, user)
    page = client.get("/account/2fa").get_data(as_text=True)
    data_uri = re.search(r'<img src="data:image/png;base64,([^"]+)"', page).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(data_uri)))
    [decoded] = zxingcpp.read_barcodes(image.convert("L"))
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert decoded.text.startswith("otpauth://totp/AidTrail:")
    assert f"secret={secret}" in decoded.text and "issuer=AidTrail" in decoded.text


def test_enrol_then_sign_in_with_the_app_code(app, session, client) -> None:
    user = f.user(session, Role.ADMIN)
    f.login(client, user)
    secret, _codes = _enrol(client, session)
    client.post("/logout")
    resp = _password_step(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/2fa")
    assert client.get("/account").status_code == 302  # not signed in after the password alone
    wrong = client.post("/login/2fa", data={"code": "000000"})
    assert wrong.status_code == 400
    code = _fresh_code(secret)
    assert client.post("/login/2fa", data={"code": code}).status_code == 302
    assert client.get("/account").status_code == 200
    # The same code cannot be replayed by someone who saw it.
    other = isolated_client(app)
    _password_step(other, user)
    assert other.post("/login/2fa", data={"code": code}).status_code == 400


def test_recovery_code_works_once(app, session, client) -> None:
    user = f.user(session, Role.COORDINATOR)
    f.login(client, user)
    _secret, codes = _enrol(client, session)
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/2fa", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/2fa", data={"code": codes[0]}).status_code == 400
    assert client.post("/login/2fa", data={"code": codes[1]}).status_code == 302


def test_digits_of_another_script_are_a_wrong_code_not_an_error(app, session, client) -> None:
    user = f.user(session, Role.COORDINATOR)
    f.login(client, user)
    _enrol(client, session)
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/2fa", data={"code": "١٢٣٤٥٦"}).status_code == 400


def test_turning_the_second_factor_off_does_not_allow_password_guessing(
    app, session, client
) -> None:
    user = f.user(session, Role.VOLUNTEER)
    f.login(client, user)
    _enrol(client, session)
    answers = [
        client.post("/account/2fa/disable", data={"password": "wrong-guess"}).status_code
        for _ in range(7)
    ]
    assert answers[:5] == [302] * 5 and 429 in answers[5:], answers
    # Still on: no guess turned it off.
    assert "disable" in client.get("/account/2fa").get_data(as_text=True)


def test_second_step_needs_the_password_step_first(app, session, client) -> None:
    assert client.get("/login/2fa").status_code == 302
    assert client.post("/login/2fa", data={"code": "123456"}).status_code == 302


def test_admin_resets_a_lost_second_factor(app, session) -> None:
    user = f.user(session, Role.COORDINATOR)
    mine = isolated_client(app)
    f.login(mine, user)
    _enrol(mine, session)
    admin = f.user(session, Role.ADMIN)
    desk = isolated_client(app)
    f.login(desk, admin)
    assert "reset-2fa" in desk.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert desk.post(f"/admin/users/{user.id}/reset-2fa").status_code == 302
    session.expire_all()
    assert user.totp_enabled_at is None and user.totp_secret is None
    assert mine.get("/account").status_code == 302  # their sessions ended
    # The password alone signs in again (the policy is off in tests unless set).
    f.login(isolated_client(app), user)
    coordinator = isolated_client(app)
    f.login(coordinator, f.user(session, Role.COORDINATOR))
    assert coordinator.post(f"/admin/users/{user.id}/reset-2fa").status_code == 403


class TestRequired:
    @pytest.fixture
    def app_config(self, database_url: str, tmp_path) -> dict[str, Any]:
        return base_config(tmp_path, database_url, AIDTRAIL_REQUIRE_2FA=True)

    def test_admins_and_coordinators_must_enrol_first(self, app, session) -> None:
        coordinator = isolated_client(app)
        user = f.user(session, Role.COORDINATOR)
        f.login(coordinator, user)
        resp = coordinator.get("/needs/")
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/2fa")
        secret, _codes = _enrol(coordinator, session)
        assert coordinator.get("/account").status_code == 200
        # Required roles cannot turn it off.
        coordinator.post("/account/2fa/disable", data={"password": f.PASSWORD})
        session.expire_all()
        assert user.totp_enabled_at is not None and secret
        # A family is not held to it.
        family = isolated_client(app)
        f.login(family, f.user(session, Role.FAMILY))
        assert family.get("/account").status_code == 200


def test_policy_default_follows_the_environment(monkeypatch) -> None:
    from coordination.config import load_config

    monkeypatch.delenv("AIDTRAIL_REQUIRE_2FA", raising=False)
    assert load_config("/tmp", {"SECRET_KEY": "x"})["AIDTRAIL_REQUIRE_2FA"] is False
    monkeypatch.setenv("AIDTRAIL_ENV", "production")
    assert load_config("/tmp", {"SECRET_KEY": "x"})["AIDTRAIL_REQUIRE_2FA"] is True
    monkeypatch.setenv("AIDTRAIL_REQUIRE_2FA", "0")
    assert load_config("/tmp", {"SECRET_KEY": "x"})["AIDTRAIL_REQUIRE_2FA"] is False
