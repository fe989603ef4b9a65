"""CSRF: every cookie-authenticated POST route refuses a request without a valid token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from coordination.kernel.actors import Role
from tests import factories as f
from tests.isolation import IsolatedClient, isolated_client

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client: IsolatedClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    match = TOKEN_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: IsolatedClient, username: str) -> None:
    token = csrf_token(client)
    resp = client.post(
        "/login", data={"username": username, "password": f.PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302, resp.status_code


def _sample(conv: Any) -> Any:
    kind = type(conv).__name__
    if kind in {"IntegerConverter", "NumberConverter", "FloatConverter"}:
        return 1
    if kind == "AnyConverter":
        return sorted(conv.items)[0]
    if kind == "UUIDConverter":
        return "00000000-0000-4000-8000-000000000000"
    return "x"


def _fill(rule: Any) -> str:
    """A concrete URL for a rule: CSRF is checked before the view, so any value will do."""
    values = {arg: _sample(conv) for arg, conv in rule._converters.items()}
    return str(rule.build(values, append_unknown=False)[1])


def form_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, url) for every unsafe-method rule outside the bearer-token API."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) & UNSAFE):
            routes.append((method, _fill(rule)))
    return routes


def test_there_are_form_routes(app) -> None:
    urls = {url for _m, url in form_routes(app)}
    assert {"/login", "/logout", "/account/password", "/account/tokens"} <= urls


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_form_route_refuses_a_missing_token(app, session, signed_in: bool) -> None:
    client = isolated_client(app)
    if signed_in:
        login(client, f.user(session, Role.ADMIN).username)
    failures = []
    for method, url in form_routes(app):
        resp = client.open(url, method=method, data={"name": "x", "username": "x"})
        if resp.status_code != 400:
            failures.append(f"{method} {url} -> {resp.status_code}")
    assert not failures, "accepted without CSRF token: " + ", ".join(failures)


def test_every_form_route_refuses_a_forged_token(app, session) -> None:
    client = isolated_client(app)
    login(client, f.user(session, Role.ADMIN).username)
    failures = []
    for method, url in form_routes(app):
        resp = client.open(url, method=method, data={"csrf_token": "forged.token.value"})
        if resp.status_code != 400:
            failures.append(f"{method} {url} -> {resp.status_code}")
    assert not failures, "accepted a forged CSRF token: " + ", ".join(failures)


def test_login_without_token_is_refused_even_with_right_password(app, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    client = isolated_client(app)
    resp = client.post("/login", data={"username": u.username, "password": f.PASSWORD})
    assert resp.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_and_logout_work_with_the_page_token(app, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    client = isolated_client(app)
    login(client, u.username)
    assert client.get("/account").status_code == 200
    # Logout without the token does nothing...
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    # ...with the token from a page, it signs out.
    token = csrf_token(client, "/account")
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert client.get("/account").status_code == 302


def test_token_from_another_browser_is_refused(app, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    attacker = isolated_client(app)
    foreign = csrf_token(attacker)
    victim = isolated_client(app)
    login(victim, u.username)
    resp = victim.post("/logout", data={"csrf_token": foreign})
    assert resp.status_code == 400
    assert victim.get("/account").status_code == 200


def test_password_change_and_token_creation_work_with_the_token(app, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    client = isolated_client(app)
    login(client, u.username)
    token = csrf_token(client, "/account")
    resp = client.post("/account/tokens", data={"name": "cli", "csrf_token": token})
    assert resp.status_code == 200
    assert "at_" in resp.get_data(as_text=True)
    resp = client.post(
        "/account/password",
        data={
            "current_password": f.PASSWORD,
            "new_password": "another long passphrase",
            "csrf_token": token,
        },
    )
    assert resp.status_code == 302


def test_language_switch_needs_the_token(app) -> None:
    client = isolated_client(app)
    assert client.post("/lang/en").status_code == 400
    token = csrf_token(client, "/")
    assert client.post("/lang/en", data={"csrf_token": token}).status_code == 302
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_csrf_refusal_page_has_security_headers(app) -> None:
    from tests.security.test_headers import assert_no_leak, assert_security_headers

    resp = isolated_client(app).post("/login", data={"username": "x", "password": "y"})
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert_security_headers(resp)
    assert_no_leak(resp)


def test_api_is_exempt_but_needs_a_bearer_token(app, session) -> None:
    # No CSRF token on the API: a cookie never authenticates it, so a forged form gets 401.
    u = f.user(session, Role.ADMIN)
    client = isolated_client(app)
    login(client, u.username)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and (rule.methods or set()) & UNSAFE:
            for method in sorted((rule.methods or set()) & UNSAFE):
                resp = client.open(_fill(rule), method=method, json={})
                assert resp.status_code == 401, f"{method} {rule.rule}"


def test_failed_logins_look_the_same_with_csrf_on(app, session) -> None:
    # The CSRF token differs per session; everything else on the page must be identical.
    u = f.user(session, Role.VOLUNTEER)
    pages = []
    for username in (u.username, "nobody-here-at-all"):
        client = isolated_client(app)
        token = csrf_token(client)
        resp = client.post(
            "/login", data={"username": username, "password": "wrong password", "csrf_token": token}
        )
        assert resp.status_code == 200
        page = resp.get_data(as_text=True).replace(token, "TOKEN").replace(username, "USERNAME")
        pages.append(TOKEN_RE.sub('name="csrf_token" value="TOKEN"', page))
    assert pages[0] == pages[1]
