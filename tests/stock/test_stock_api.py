"""/api/v1/stock and /api/v1/production: the services through the API, the same scopes as
the pages, and bad input answered with a clear 400 (never a 500), nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from coordination.production.services import log_production_batch
from coordination.stock.models import Lot
from tests import factories as f
from tests.stock.support import batch_input, kit_item, lot_at, world


def _setup(session):
    w = world(session)
    batch = log_production_batch(session, w.volunteer, batch_input(w, 30))
    lot = session.scalars(select(Lot).where(Lot.origin_id == batch.id)).one()
    tokens = {u.role.value: f.token(session, u) for u in (w.volunteer, w.coordinator, w.admin)}
    session.commit()
    return w, batch, lot, tokens


def _call(client, token: str, method: str, path: str, body: Any = None):
    return client.open(
        f"/api/v1{path}", method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _ledger(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(LedgerEntry))


def test_list_and_get_lots_with_origin_and_filters(client, session) -> None:
    w, batch, lot, tokens = _setup(session)
    resp = _call(client, tokens["volunteer"], "GET", "/stock/lots")
    assert resp.status_code == 200
    [row] = resp.json["items"]
    assert row["public_id"] == lot.public_id and row["available"] == 30
    assert row["origin"] == {"kind": "batch", "id": batch.public_id, "source": "Kostroma circle"}
    got = _call(client, tokens["coordinator"], "GET", f"/stock/lots/{lot.id}").json
    assert got["entry_index"] == lot.entry_index and got["location"] == w.workshop.public_id
    by_place = _call(client, tokens["admin"], "GET", f"/stock/lots?location={w.hub.public_id}")
    assert by_place.json["total"] == 0
    by_item = _call(client, tokens["admin"], "GET", f"/stock/lots?item={w.item.code}")
    assert by_item.json["total"] == 1
    assert _call(client, tokens["admin"], "GET", "/stock/lots?q=WOOL").json["total"] == 1


def test_transfer_take_adjust_through_the_api(client, session) -> None:
    w, _batch, lot, tokens = _setup(session)
    moved = _call(  # into the region's hub: the coordinator's move
        client,
        tokens["coordinator"],
        "POST",
        f"/stock/lots/{lot.id}/transfer",
        {"to": w.hub.public_id, "quantity": 10},
    )
    assert moved.status_code == 201, moved.json
    assert moved.json["parent"] == lot.public_id and moved.json["origin"]["kind"] == "batch"
    took = _call(client, tokens["volunteer"], "POST", f"/stock/lots/{lot.id}/take", {"quantity": 5})
    assert took.json["quantity"] == 15
    fixed = _call(
        client,
        tokens["volunteer"],
        "POST",
        f"/stock/lots/{lot.id}/adjust",
        {"reason": "recount", "quantity": 14},
    )
    assert fixed.status_code == 200 and fixed.json["quantity"] == 14


def test_kit_assembly_through_the_api(client, session) -> None:
    w, _batch, _lot, tokens = _setup(session)
    cloth, pad = f.item(session), f.item(session)
    kit = kit_item(session, [(cloth, 2), (pad, 1)])
    c1, p1 = lot_at(session, w.hub, cloth, 6), lot_at(session, w.hub, pad, 6)
    session.commit()
    named = _call(
        client,
        tokens["coordinator"],
        "POST",
        "/stock/kits",
        {
            "kit": kit.code,
            "quantity": 2,
            "location": w.hub.public_id,
            "components": [
                {"lot": c1.public_id, "quantity": 4},
                {"lot": p1.public_id, "quantity": 2},
            ],
        },
    )
    assert named.status_code == 201, named.json
    assert named.json["origin"]["kind"] == "kit"
    assert [c["lot"] for c in named.json["components"]] == [c1.public_id, p1.public_id]
    oldest = _call(
        client,
        tokens["coordinator"],
        "POST",
        "/stock/kits",
        {"kit": kit.code, "quantity": 1, "location": w.hub.public_id},
    )
    assert oldest.status_code == 201
    short = _call(
        client,
        tokens["coordinator"],
        "POST",
        "/stock/kits",
        {"kit": kit.code, "quantity": 5, "location": w.hub.public_id},
    )
    assert short.status_code == 400 and "Not enough" in short.json["detail"]
    hidden = _call(
        client,
        tokens["volunteer"],
        "POST",
        "/stock/kits",
        {"kit": kit.code, "quantity": 1, "location": w.hub.public_id},
    )
    assert hidden.status_code == 404


def test_other_groups_and_regions_get_404(client, session) -> None:
    _w, batch, lot, tokens = _setup(session)
    stranger = f.token(session, f.user(session, Role.VOLUNTEER))
    far = f.token(session, f.user(session, Role.COORDINATOR))
    auditor = f.token(session, f.user(session, Role.AUDITOR))
    session.commit()
    for token in (stranger, far):
        assert _call(client, token, "GET", f"/stock/lots/{lot.id}").status_code == 404
        assert _call(client, token, "GET", f"/production/batches/{batch.id}").status_code == 404
        assert (
            _call(client, token, "POST", f"/stock/lots/{lot.id}/take", {"quantity": 1}).status_code
            == 404
        )
        assert _call(client, token, "GET", "/stock/lots").json["total"] == 0
    assert _call(client, auditor, "GET", "/stock/lots").status_code == 403
    assert (
        _call(client, tokens["coordinator"], "GET", f"/production/batches/{batch.id}").status_code
        == 200
    )


def test_production_batches_list_get_create(client, session) -> None:
    w, batch, _lot, tokens = _setup(session)
    made = _call(
        client,
        tokens["volunteer"],
        "POST",
        "/production/batches",
        {
            "item": w.item.code,
            "size": "40-42",
            "quantity": 12,
            "made_on": "2026-11-03",
            "members": "Ирина, Ольга",
            "members_public": False,
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["group"] == w.group.public_id and made.json["members"] is None
    assert made.json["lot"] is not None
    listed = _call(client, tokens["volunteer"], "GET", "/production/batches").json
    assert [b["public_id"] for b in listed["items"]] == [made.json["public_id"], batch.public_id]
    one = _call(client, tokens["admin"], "GET", f"/production/batches/{made.json['id']}")
    assert one.json["quantity"] == 12


BAD_BODIES = [
    ("/stock/lots/{lot}/take", {"quantity": -1}),
    ("/stock/lots/{lot}/take", {"quantity": 0}),
    ("/stock/lots/{lot}/take", {"quantity": 10**12}),
    ("/stock/lots/{lot}/take", {"quantity": "3"}),
    ("/stock/lots/{lot}/take", {"quantity": True}),
    ("/stock/lots/{lot}/take", {"quantity": 31}),
    ("/stock/lots/{lot}/take", {"quantity": 1, "extra": 1}),
    ("/stock/lots/{lot}/take", [1]),
    ("/stock/lots/{lot}/adjust", {"reason": "stolen", "quantity": 1}),
    ("/stock/lots/{lot}/adjust", {"reason": "lost\x00", "quantity": 1}),
    ("/stock/lots/{lot}/adjust", {"reason": "recount", "quantity": 30}),
    ("/stock/lots/{lot}/adjust", {"reason": "recount", "quantity": -5}),
    ("/stock/lots/{lot}/transfer", {"to": "ffffffffffffffff", "quantity": 1}),
    ("/stock/lots/{lot}/transfer", {"to": "x" * 100_000, "quantity": 1}),
    ("/stock/lots/{lot}/transfer", {"to": "{workshop}", "quantity": 1}),
    ("/stock/kits", {"kit": "\x00", "quantity": 1, "location": "{hub}"}),
    ("/stock/kits", {"kit": "{item}", "quantity": 1, "location": "{hub}"}),
    ("/stock/kits", {"kit": "NOPE", "quantity": 1, "location": "{hub}"}),
    (
        "/stock/kits",
        {
            "kit": "{item}",
            "quantity": 1,
            "location": "{hub}",
            "components": [{"lot": "zz", "quantity": 1}],
        },
    ),
    ("/production/batches", {"item": "{item}", "quantity": 1, "made_on": "2999-01-01"}),
    (
        "/production/batches",
        {"item": "{item}", "quantity": 1, "made_on": "2026-11-01", "size": "\x00"},
    ),
    (
        "/production/batches",
        {"item": "{item}", "quantity": 1, "made_on": "2026-11-01", "members": "x" * 10_000},
    ),
    (
        "/production/batches",
        {"item": "{item}", "quantity": 1, "made_on": "2026-11-01", "group": "0000000000000000"},
    ),
    ("/production/batches", {"item": "{item}", "quantity": 1, "made_on": "not a date"}),
]


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


@pytest.mark.parametrize(("path", "body"), BAD_BODIES)
def test_bad_input_is_a_400_and_writes_nothing(client, session, path, body) -> None:
    w, _batch, lot, tokens = _setup(session)
    names = {"{hub}": w.hub.public_id, "{workshop}": w.workshop.public_id, "{item}": w.item.code}
    size = _ledger(session)
    resp = _call(client, tokens["admin"], "POST", path.format(lot=lot.id), _fill(body, names))
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    assert _ledger(session) == size
    assert session.get(Lot, lot.id).quantity == 30


@pytest.mark.parametrize(
    "query",
    ["location=zz", "item=" + "x" * 500, "page=0", "per_page=9999", "q=%00", "include_empty=maybe"],
)
def test_bad_list_queries_are_400(client, session, query) -> None:
    _w, _batch, _lot, tokens = _setup(session)
    resp = _call(client, tokens["admin"], "GET", f"/stock/lots?{query}")
    assert resp.status_code == 400


def test_huge_ids_are_404_not_500(client, session) -> None:
    _w, _batch, _lot, tokens = _setup(session)
    for path in ("/stock/lots/99999999999", "/production/batches/99999999999"):
        assert _call(client, tokens["admin"], "GET", path).status_code == 404


def test_every_stock_route_is_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/stock/lots",
        "/api/v1/stock/lots/{lot_id}",
        "/api/v1/stock/lots/{lot_id}/adjust",
        "/api/v1/stock/kits",
        "/api/v1/production/batches",
        "/api/v1/production/batches/{batch_id}",
    ):
        assert path in paths, path
