"""The /api/v1 foundation: bearer tokens, problem+json errors and the OpenAPI document."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from flask import Blueprint, Flask
from pydantic import Field
from sqlalchemy import select, text

from coordination.accounts import services as accounts
from coordination.accounts.models import ApiToken
from coordination.api import framework
from coordination.api.framework import endpoint
from coordination.kernel.actors import Role
from coordination.kernel.schemas import PageQuery, Strict
from tests import factories as f
from tests.isolation import IsolatedClient, isolated_client

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    return isolated_client(app)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    body: dict[str, Any] = resp.get_json(force=True)
    assert body["status"] == status and body["title"]
    return body


# --- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token at_x", "Bearer at_" + "x" * 300],
)
def test_missing_or_malformed_token_is_401(client, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    body = assert_problem(client.get(f"{PREFIX}/me", headers=headers), 401)
    assert "token" in body["detail"].lower()
    resp = client.get(f"{PREFIX}/me", headers=headers)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    good = f.token(session, u)
    assert client.get(f"{PREFIX}/me", headers=bearer(good)).status_code == 200
    altered = good[:-1] + ("B" if good.endswith("A") else "A")  # always a different token
    assert_problem(client.get(f"{PREFIX}/me", headers=bearer(altered)), 401)
    assert_problem(client.get(f"{PREFIX}/me", headers=bearer("at_made_up_token")), 401)


def test_session_cookie_does_not_authenticate_the_api(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    assert_problem(client.get(f"{PREFIX}/me"), 401)


def test_revoked_token_is_401(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    row, plain = accounts.create_token(session, u, u, "laptop")
    session.commit()
    assert client.get(f"{PREFIX}/me", headers=bearer(plain)).status_code == 200
    accounts.revoke_token(session, u, row.id)
    session.commit()
    assert_problem(client.get(f"{PREFIX}/me", headers=bearer(plain)), 401)


def test_token_of_deactivated_user_is_401(client, session) -> None:
    admin = f.user(session, Role.ADMIN)
    u = f.user(session, Role.VOLUNTEER)
    plain = f.token(session, u)
    accounts.set_active(session, admin, u, False)
    session.commit()
    assert_problem(client.get(f"{PREFIX}/me", headers=bearer(plain)), 401)


def test_me_describes_the_token_owner(client, session) -> None:
    u = f.user(session, Role.FAMILY)
    resp = client.get(f"{PREFIX}/me", headers=bearer(f.token(session, u)))
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["username"] == u.username
    assert body["role"] == "family"
    assert body["party_public_id"] == u.party.public_id
    assert "id" not in body and "password_hash" not in body and "session_token" not in body


def test_token_use_is_recorded(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    plain = f.token(session, u)
    assert client.get(f"{PREFIX}/me", headers=bearer(plain)).status_code == 200
    session.expire_all()
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == u.id)).one()
    assert row.last_used_at is not None


# --- token storage and issuance ------------------------------------------------------------------


def _all_token_text(session: Any) -> str:
    rows = session.execute(text("SELECT * FROM api_token")).all()
    return " ".join(str(v) for r in rows for v in r)


def test_create_token_command_prints_a_working_token(app, client, session) -> None:
    u = f.user(session, Role.COORDINATOR)
    username = u.username
    session.commit()
    result = app.test_cli_runner().invoke(args=["create-token", username, "--name", "sync"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("at_") and len(plain) >= 40
    resp = client.get(f"{PREFIX}/me", headers=bearer(plain))
    assert resp.status_code == 200 and resp.get_json()["username"] == username
    # Only the SHA-256 is kept; the token itself appears nowhere in the database.
    session.expire_all()
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == u.id)).one()
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert row.name == "sync"
    assert plain not in _all_token_text(session)
    assert plain[10:] not in _all_token_text(session)


def test_create_token_command_refuses_unknown_user(app) -> None:
    result = app.test_cli_runner().invoke(args=["create-token", "no-such-user"])
    assert result.exit_code != 0
    assert "no such user" in result.output


def test_tokens_are_created_and_revoked_on_the_account_page(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    resp = client.post("/account/tokens", data={"name": "phone app"})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    shown = re.findall(r"at_[A-Za-z0-9_-]{20,}", page)
    assert len(shown) == 1
    plain = shown[0]
    assert client.get(f"{PREFIX}/me", headers=bearer(plain)).status_code == 200
    # Shown once only, and never carried in the (signed, not encrypted) session cookie.
    assert plain not in client.get("/account").get_data(as_text=True)
    assert all(plain not in c.value for c in client._cookies.values())
    assert plain not in _all_token_text(session)
    session.expire_all()
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == u.id)).one()
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert_problem(client.get(f"{PREFIX}/me", headers=bearer(plain)), 401)


def test_nameless_token_is_refused_on_the_account_page(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    client.post("/account/tokens", data={"name": "  "})
    session.expire_all()
    assert session.scalars(select(ApiToken).where(ApiToken.user_id == u.id)).all() == []


def test_nobody_revokes_someone_elses_token(client, session) -> None:
    owner = f.user(session, Role.VOLUNTEER)
    row, plain = accounts.create_token(session, owner, owner, "mine")
    session.commit()
    row_id = row.id
    other = f.user(session, Role.COORDINATOR)
    f.login(client, other)
    assert client.post(f"/account/tokens/{row_id}/revoke").status_code == 404
    assert client.get(f"{PREFIX}/me", headers=bearer(plain)).status_code == 200


# --- validation ----------------------------------------------------------------------------------


class _Person(Strict):
    name: str = Field(max_length=5)
    phone: int


@pytest.fixture
def echo_api(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """A test-only endpoint, kept out of the real registry so OpenAPI checks stay exact."""
    monkeypatch.setattr(framework, "REGISTRY", [])
    bp = Blueprint("apitest", __name__, url_prefix=f"{PREFIX}/_test")

    @endpoint(bp, "/echo", "POST", "Echo", query=PageQuery, body=_Person, roles=(Role.ADMIN,))
    def echo(query: PageQuery, body: _Person) -> dict[str, Any]:
        return {"name": body.name, "page": query.page}

    app.register_blueprint(bp)
    return app


SENSITIVE = "Ivanova Maria"


def test_validation_error_lists_fields_without_echoing_input(echo_api, client, session) -> None:
    token = f.token(session, f.user(session, Role.ADMIN))
    resp = client.post(
        f"{PREFIX}/_test/echo?page=0", json={"name": "ok", "phone": 1}, headers=bearer(token)
    )
    assert {e["field"] for e in assert_problem(resp, 400)["errors"]} == {"page"}
    resp = client.post(
        f"{PREFIX}/_test/echo",
        json={"name": SENSITIVE, "phone": "x", "address": "Lenina 1"},
        headers=bearer(token),
    )
    body = assert_problem(resp, 400)
    assert {e["field"] for e in body["errors"]} == {"name", "phone", "address"}
    assert SENSITIVE not in resp.get_data(as_text=True)


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'"text"', b""])
def test_body_must_be_a_json_object(echo_api, client, session, payload: bytes) -> None:
    token = f.token(session, f.user(session, Role.ADMIN))
    resp = client.post(
        f"{PREFIX}/_test/echo",
        data=payload,
        content_type="application/json",
        headers=bearer(token),
    )
    assert_problem(resp, 400)


def test_valid_request_passes_validation(echo_api, client, session) -> None:
    token = f.token(session, f.user(session, Role.ADMIN))
    resp = client.post(
        f"{PREFIX}/_test/echo?page=3", json={"name": "Anna", "phone": 5}, headers=bearer(token)
    )
    assert resp.status_code == 200 and resp.get_json() == {"name": "Anna", "page": 3}


def test_wrong_role_is_403_problem(echo_api, client, session) -> None:
    token = f.token(session, f.user(session, Role.COORDINATOR))
    resp = client.post(
        f"{PREFIX}/_test/echo", json={"name": "Anna", "phone": 5}, headers=bearer(token)
    )
    assert_problem(resp, 403)


# --- the OpenAPI document ------------------------------------------------------------------------


def _document(client: Any) -> dict[str, Any]:
    resp = client.get(f"{PREFIX}/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc: dict[str, Any] = resp.get_json()
    return doc


def test_openapi_document_is_valid_openapi_3_1(client) -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator (requirements-dev) not installed"
    )
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    doc = _document(client)
    assert doc["openapi"].startswith("3.1")
    validator.validate(doc, cls=OpenAPIV31SpecValidator)


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule)


def test_openapi_lists_exactly_the_registered_api_rules(app, client) -> None:
    doc = _document(client)
    documented = {
        (path, method.upper())
        for path, ops in doc["paths"].items()
        for method in ops
        if method.upper() not in IGNORED_METHODS
    }
    registered = {
        (_flask_to_openapi(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/") and rule.rule != f"{PREFIX}/openapi.json"
        for method in (rule.methods or set()) - IGNORED_METHODS
    }
    assert registered, "no API rules registered?"
    assert documented == registered, (
        f"undocumented: {sorted(registered - documented)}; stale: {sorted(documented - registered)}"
    )


def test_openapi_marks_protected_operations(client) -> None:
    doc = _document(client)
    me = doc["paths"][f"{PREFIX}/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    assert {"200", "401"} <= set(me["responses"])
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_nul_bytes_in_any_query_or_body_string_are_refused_as_bad_input(client, session) -> None:
    u = f.user(session, Role.ADMIN)
    headers = bearer(f.token(session, u))
    resp = client.get(f"{PREFIX}/parties?q=a%00b", headers=headers)
    assert_problem(resp, 400)
    body = {"code": "X\x00", "name_ru": "a", "name_en": "b"}
    resp = client.post(f"{PREFIX}/categories", json=body, headers=headers)
    assert_problem(resp, 400)


def test_openapi_query_schemas_reference_components_that_exist(client) -> None:
    doc = client.get(f"{PREFIX}/openapi.json").get_json()
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in doc["components"]["schemas"], ref
    assert "#/$defs/" not in text


def test_openapi_documents_file_uploads_as_multipart_with_their_part(client) -> None:
    # A client generated from the document must send a file, not JSON, to the two uploads.
    doc = _document(client)
    for path in (f"{PREFIX}/imports", f"{PREFIX}/handovers/{{handover_id}}/evidence"):
        body = doc["paths"][path]["post"]["requestBody"]
        assert list(body["content"]) == ["multipart/form-data"], path
        schema = body["content"]["multipart/form-data"]["schema"]
        assert schema["required"] == ["file"]
        assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
