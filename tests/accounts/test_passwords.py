"""Password policy (length and commonness only), argon2id storage and uniform login failures."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from coordination.accounts import passwords
from coordination.accounts import services as accounts
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from tests import factories as f

LONG_LOWERCASE_PHRASE = "the quiet river runs under the old stone bridge"


@pytest.mark.parametrize(
    ("length", "accepted"),
    [(7, False), (8, True), (128, True), (256, True), (257, False)],
)
def test_length_limits(length: int, accepted: bool) -> None:
    # Varied characters so the only thing under test is the length.
    candidate = ("k7Vq2mZp" * 40)[:length]
    assert (passwords.policy_error(candidate) is None) is accepted


def test_no_composition_rules() -> None:
    assert passwords.policy_error(LONG_LOWERCASE_PHRASE) is None
    assert passwords.policy_error("все буквы строчные и ни одной цифры") is None


@pytest.mark.parametrize("common", ["password123", "qwerty123", "iloveyou1", "PASSWORD123"])
def test_common_passwords_refused(common: str) -> None:
    error = passwords.policy_error(common)
    assert error is not None and "common" in error


def test_password_equal_to_username_refused() -> None:
    assert passwords.policy_error("Marina.Petrova", "marina.petrova") is not None


def test_strong_hasher_is_argon2id_with_rfc9106_cost() -> None:
    digest = passwords.STRONG.hash(LONG_LOWERCASE_PHRASE)
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_stored_hash_is_argon2id(app, session) -> None:
    u = f.user(session, Role.COORDINATOR)
    stored = session.execute(
        text("SELECT password_hash FROM user_account WHERE id = :id"), {"id": u.id}
    ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert f.PASSWORD not in stored
    assert passwords.verify_password(stored, f.PASSWORD)
    assert not passwords.verify_password(stored, f.PASSWORD + "x")


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("x" * 3 + "Q9z!", False),  # 7 characters
        ("Q9z!" * 2, True),  # 8
        ("Q9z!" * 32, True),  # 128
        ("Q9z!" * 64, True),  # 256
        ("Q9z!" * 64 + "a", False),  # 257
        (LONG_LOWERCASE_PHRASE, True),
        ("password123", False),
        ("qwerty123", False),
        ("iloveyou1", False),
    ],
)
def test_create_user_applies_policy(app, session, password: str, accepted: bool) -> None:
    kw = {"username": f"policy-{len(password)}", "password": password, "role": Role.AUDITOR}
    if accepted:
        u = accounts.create_user(session, None, **kw)
        session.commit()
        assert accounts.authenticate(session, u.username, password) is not None
    else:
        with pytest.raises(DomainError) as exc:
            accounts.create_user(session, None, **kw)
        assert exc.value.field == "password"


def test_change_password_applies_policy(app, client, session) -> None:
    u = f.user(session, Role.AUDITOR)
    f.login(client, u)
    for bad in ("short1!", "qwerty123", "Q9z!" * 64 + "a"):
        resp = client.post(
            "/account/password", data={"current_password": f.PASSWORD, "new_password": bad}
        )
        assert resp.status_code == 400, bad
    resp = client.post(
        "/account/password",
        data={"current_password": f.PASSWORD, "new_password": LONG_LOWERCASE_PHRASE},
    )
    assert resp.status_code == 302
    session.expire_all()
    assert accounts.authenticate(session, u.username, LONG_LOWERCASE_PHRASE) is not None
    assert accounts.authenticate(session, u.username, f.PASSWORD) is None


def _normalised(body: bytes, username: str) -> str:
    page = body.decode("utf-8")
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', 'name="csrf_token"', page)
    page = re.sub(r'value="[^"]*" name="csrf_token"', 'name="csrf_token"', page)
    return page.replace(username, "USERNAME")


def test_unknown_user_and_wrong_password_look_the_same(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    bad = "not the password"
    wrong = client.post("/login", data={"username": u.username, "password": bad})
    unknown = client.post("/login", data={"username": "nobody-here", "password": bad})
    assert wrong.status_code == unknown.status_code == 200
    assert b"flash-error" in wrong.data
    assert _normalised(wrong.data, u.username) == _normalised(unknown.data, "nobody-here")


def test_inactive_user_with_right_password_looks_like_wrong_password(app, client, session) -> None:
    admin = f.user(session, Role.ADMIN)
    u = f.user(session, Role.VOLUNTEER)
    accounts.set_active(session, admin, u, False)
    session.commit()
    inactive = client.post("/login", data={"username": u.username, "password": f.PASSWORD})
    wrong = client.post("/login", data={"username": u.username, "password": "not the password"})
    assert inactive.status_code == wrong.status_code == 200
    assert _normalised(inactive.data, u.username) == _normalised(wrong.data, u.username)


def test_unknown_user_still_costs_a_hash_verification(app, session, monkeypatch) -> None:
    # Timing equaliser: an unknown username must go through argon2 verify like a known one.
    calls: list[str] = []
    real = passwords._hasher

    class Spy:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    assert accounts.authenticate(session, "nobody-at-all", "whatever password") is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")
