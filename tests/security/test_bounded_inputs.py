"""Inputs that once reached a 500: numbers beyond a float, JSON nested 100,000 deep."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from coordination.api.bodies import MAX_DEPTH, MAX_JSON_BYTES
from coordination.api.framework import REGISTRY
from coordination.kernel.actors import Role
from tests import factories as f
from tests.needs.support import world as need_world
from tests.stock.support import world as stock_world

ROOT = Path(__file__).resolve().parents[2]
HUGE = "1" + "0" * 309  # 10**309: more than a float holds


def test_need_form_answers_a_huge_quantity_inline(app, session, client) -> None:
    w = need_world(session)
    session.commit()
    f.login(client, w.family)
    resp = client.post(
        "/needs/new",
        data={
            "region_id": str(w.region.id),
            "delivery_kind": "region",
            "lines-0-item_id": str(w.socks.id),
            "lines-0-quantity": HUGE,
            "lines-0-priority": "normal",
        },
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 400
    assert "Enter a whole number of at most 12 digits." in resp.get_data(as_text=True)


def test_batch_form_answers_a_huge_quantity_inline(app, session, client) -> None:
    w = stock_world(session)
    session.commit()
    f.login(client, w.volunteer)
    for quantity in (HUGE, "-" + "9" * 5000):
        resp = client.post(
            "/production/batches/new",
            data={"item_id": str(w.item.id), "quantity": quantity, "made_on": "2026-11-01"},
            headers={"Accept-Language": "en"},
        )
        assert resp.status_code == 400, quantity[:5]
        assert "Enter a whole number of at most 12 digits." in resp.get_data(as_text=True)
    ok = client.post(
        "/production/batches/new",
        data={"item_id": str(w.item.id), "quantity": " 12 ", "made_on": "2026-11-01"},
    )
    assert ok.status_code == 302  # ordinary numbers still pass through the same field


def test_no_form_uses_the_unbounded_integer_field() -> None:
    # The bound lives in one field (coordination.web.forms); a form importing wtforms' own
    # IntegerField would bring the OverflowError back.
    offenders = []
    for path in (ROOT / "coordination").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            from_wtforms = isinstance(node, ast.ImportFrom) and (node.module or "") == "wtforms"
            if from_wtforms and any(a.name == "IntegerField" for a in node.names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == ["coordination/web/forms.py"]


def _body_routes() -> list[tuple[str, str, tuple[Role, ...]]]:
    return [(r.rule, r.method, r.roles) for r in REGISTRY if r.body is not None]


DEEP_BODIES = {
    "deep array": b"[" * 100_000,
    "deep object": b'{"a":' * 100_000,
    "just past the depth bound": b'{"a":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}",
    "huge integer": b'{"quantity": ' + HUGE.encode() + b"}",
    "over the size bound": b'{"note": "' + b"x" * MAX_JSON_BYTES + b'"}',
    "NaN": b'{"quantity": NaN}',
}


def test_every_json_endpoint_refuses_deep_and_huge_bodies(app, session, client) -> None:
    routes = _body_routes()
    assert len(routes) >= 20  # the registry is populated: this walks every body endpoint
    tokens = {role: f.token(session, f.user(session, role)) for role in Role}
    for rule, method, roles in routes:
        path = "/api/v1" + re.sub(r"\{\w+\}", "1", rule)
        auth = {"Authorization": f"Bearer {tokens[roles[0]]}"}
        for name, body in DEEP_BODIES.items():
            resp = client.open(
                path,
                method=method,
                data=body,
                headers={**auth, "Content-Type": "application/json"},
            )
            assert resp.status_code == 400, (rule, name, resp.status_code)
            assert resp.mimetype == "application/problem+json", (rule, name)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 2])
def test_bodies_within_the_bounds_still_parse(app, session, client, depth) -> None:
    from coordination.api.bodies import parse_bounded

    nested = '{"a": ' + "[" * depth + "1" + "]" * depth + ', "b": "[[[[{{{{"}'
    data, refusal = parse_bounded(nested)
    assert refusal is None and data["b"] == "[[[[{{{{"
    assert parse_bounded(json.dumps({"n": 10**15}))[0] == {"n": 10**15}
