"""Security headers on every kind of response, and error pages that reveal nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from coordination import create_app
from coordination.kernel.actors import Role
from coordination.web.access import roles_required
from tests import factories as f
from tests.isolation import isolated_client

SECRET = "Ivanova Maria, +7 900 123-45-67"  # stands for personal data inside an exception


def _boom() -> str:
    raise RuntimeError(f"lookup failed for {SECRET}")


def _db_down() -> str:
    raise OperationalError("SELECT phone FROM party", {}, Exception(SECRET))


@roles_required(Role.ADMIN)
def _admins_only() -> str:
    return "admins only"


def _add_test_routes(app: Flask) -> None:
    # Registered before the first request, on this test's own app instance only.
    app.add_url_rule("/_test/boom", "test_boom", _boom)
    app.add_url_rule("/_test/db-down", "test_db_down", _db_down)
    app.add_url_rule("/_test/admins-only", "test_admins_only", _admins_only)
    app.add_url_rule("/api/v1/_test/boom", "test_api_boom", _boom)


def _csp(resp: Any) -> dict[str, str]:
    header = resp.headers.get("Content-Security-Policy", "")
    directives: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_security_headers(resp: Any, *, production: bool = False) -> None:
    csp = _csp(resp)
    raw = resp.headers.get("Content-Security-Policy", "")
    assert raw, f"no CSP on {resp.status_code} {resp.mimetype}"
    assert "unsafe-inline" not in raw and "unsafe-eval" not in raw
    assert csp.get("object-src") == "'none'"
    assert csp.get("base-uri") == "'none'"
    assert csp.get("frame-ancestors") == "'none'"
    assert "*" not in csp.get("script-src", csp.get("default-src", "*"))
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy") == "no-referrer"
    if production:
        hsts = resp.headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000
    else:
        assert "Strict-Transport-Security" not in resp.headers


def assert_no_leak(resp: Any) -> None:
    body = resp.get_data(as_text=True)
    for needle in ("Traceback", 'File "', "RuntimeError", "OperationalError", SECRET, "SELECT"):
        assert needle not in body, needle


def _kinds(app: Flask, session: Any) -> dict[str, Callable[[], Any]]:
    volunteer = f.user(session, Role.VOLUNTEER)
    token = f.token(session, volunteer)
    throttled = f.user(session, Role.VOLUNTEER)
    name = volunteer.username

    def signed_in(path: str) -> Any:
        c = isolated_client(app)
        f.login(c, volunteer)
        return c.get(path)

    def too_many() -> Any:
        c = isolated_client(app)
        resp = None
        for _ in range(6):
            resp = c.post("/login", data={"username": throttled.username, "password": "wrong!!!"})
        return resp

    anon = isolated_client(app)
    bearer = {"Authorization": f"Bearer {token}"}
    return {
        "landing page": lambda: (anon.get("/"), 200, "text/html"),
        "signed-in page": lambda: (signed_in("/account"), 200, "text/html"),
        "login page": lambda: (anon.get("/login"), 200, "text/html"),
        "failed login": lambda: (
            anon.post("/login", data={"username": name, "password": "wrong!!!"}),
            200,
            "text/html",
        ),
        "redirect": lambda: (anon.get("/account"), 302, None),
        "404 page": lambda: (anon.get("/no/such/page"), 404, "text/html"),
        "403 page": lambda: (signed_in("/_test/admins-only"), 403, "text/html"),
        "405 page": lambda: (anon.get("/logout"), 405, "text/html"),
        "500 page": lambda: (anon.get("/_test/boom"), 500, "text/html"),
        "503 page": lambda: (anon.get("/_test/db-down"), 503, "text/html"),
        "429 page": lambda: (too_many(), 429, "text/html"),
        "static file": lambda: (anon.get("/static/css/app.css"), 200, "text/css"),
        "missing static": lambda: (anon.get("/static/nope.css"), 404, "text/html"),
        "health probe": lambda: (anon.get("/healthz"), 200, "application/json"),
        "API JSON": lambda: (anon.get("/api/v1/me", headers=bearer), 200, "application/json"),
        "OpenAPI": lambda: (anon.get("/api/v1/openapi.json"), 200, "application/json"),
        "API 401": lambda: (anon.get("/api/v1/me"), 401, "application/problem+json"),
        "API 404": lambda: (anon.get("/api/v1/nope"), 404, "application/problem+json"),
        "API 405": lambda: (
            anon.delete("/api/v1/me", headers=bearer),
            405,
            "application/problem+json",
        ),
        "API 500": lambda: (anon.get("/api/v1/_test/boom"), 500, "application/problem+json"),
    }


KINDS = [
    "landing page",
    "signed-in page",
    "login page",
    "failed login",
    "redirect",
    "404 page",
    "403 page",
    "405 page",
    "500 page",
    "503 page",
    "429 page",
    "static file",
    "missing static",
    "health probe",
    "API JSON",
    "OpenAPI",
    "API 401",
    "API 404",
    "API 405",
    "API 500",
]


@pytest.mark.parametrize("kind", KINDS)
def test_headers_on_every_kind_of_response(app, session, kind: str, caplog) -> None:
    _add_test_routes(app)
    caplog.set_level(logging.DEBUG)
    resp, status, mimetype = _kinds(app, session)[kind]()
    assert resp.status_code == status
    if mimetype:
        assert resp.mimetype == mimetype
    assert_security_headers(resp)
    assert_no_leak(resp)
    assert SECRET not in caplog.text  # personal data never reaches the logs either


def test_every_kind_is_listed(app, session) -> None:
    assert sorted(_kinds(app, session)) == sorted(KINDS)


def test_error_responses_keep_their_protocol_headers(app, session) -> None:
    _add_test_routes(app)
    kinds = _kinds(app, session)
    assert kinds["405 page"]()[0].headers.get("Allow")
    assert kinds["API 405"]()[0].headers.get("Allow")
    assert kinds["503 page"]()[0].headers.get("Retry-After")
    assert kinds["429 page"]()[0].headers.get("Retry-After")
    assert "Bearer" in kinds["API 401"]()[0].headers.get("WWW-Authenticate", "")


def test_pages_with_personal_data_are_not_cached(app, session) -> None:
    kinds = _kinds(app, session)
    for kind in ("signed-in page", "API JSON"):
        assert "no-store" in kinds[kind]()[0].headers.get("Cache-Control", ""), kind


@pytest.fixture
def production_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "AIDTRAIL_ENV": "production", "PASSWORD_HASH_FAST": False})


@pytest.mark.parametrize(
    "path",
    ["/", "/login", "/no/such/page", "/static/css/app.css", "/api/v1/openapi.json", "/api/v1/me"],
)
def test_hsts_in_production(production_app: Flask, path: str) -> None:
    resp = isolated_client(production_app).get(path, base_url="https://localhost")
    assert_security_headers(resp, production=True)


# --- when the failure is in what every page needs (the database, the signed-in user) -------------


@pytest.fixture
def broken_db_app(backend: str, tmp_path) -> Flask:
    from tests.conftest import base_config

    url = (
        f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"
        if backend == "sqlite"
        else "postgresql+psycopg://postgres@127.0.0.1:1/unreachable"
    )
    cfg = base_config(tmp_path, url)
    if backend != "sqlite":
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"connect_timeout": 2}}
    return create_app(cfg)


@pytest.mark.parametrize("path", ["/", "/login", "/account", "/ledger", "/api/v1/me"])
def test_database_down_gives_503_with_headers_even_when_signed_in(
    broken_db_app: Flask, path: str
) -> None:
    client = isolated_client(broken_db_app)
    with client.session_transaction() as s:  # a browser that was signed in before the outage
        s["_user_id"] = "1:sometoken"
        s["_fresh"] = True
    resp = client.get(path, headers={"Authorization": "Bearer at_whatever"})
    assert resp.status_code == 503
    assert resp.headers.get("Retry-After")
    api = path.startswith("/api/")
    assert resp.mimetype == ("application/problem+json" if api else "text/html")
    assert_security_headers(resp)
    assert_no_leak(resp)


def test_failing_user_loader_still_gives_a_safe_500(app, session, monkeypatch) -> None:
    from coordination.accounts import auth

    u = f.user(session, Role.VOLUNTEER)
    client = isolated_client(app)
    f.login(client, u)

    def broken(_cookie: str) -> None:
        raise RuntimeError(f"cannot decrypt {SECRET}")

    monkeypatch.setattr(auth, "load_session_user", broken)
    resp = client.get("/account")
    assert resp.status_code == 500 and resp.mimetype == "text/html"
    assert_security_headers(resp)
    assert_no_leak(resp)


def test_unrenderable_error_page_falls_back_to_plain_text(app, monkeypatch) -> None:
    import coordination.web.errors as errors

    def broken(*_a: Any, **_k: Any) -> str:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(errors, "render_template", broken)
    resp = isolated_client(app).get("/no/such/page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "404" in resp.get_data(as_text=True)
    assert_security_headers(resp)
    assert_no_leak(resp)
