"""Hypothesis: hostile bodies to every delivery API write and form post, on both backends.

Every answer is a 2xx, a redirect, or a 4xx with a message: never a 500. After each refused
input the lot's reservation still equals what the delivery lines hold.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from coordination.deliveries.models import DeliveryLine
from coordination.stock.models import Lot
from tests import factories as f
from tests.deliveries.support import bearer, world
from tests.sizes import fuzz_settings

SETTINGS = fuzz_settings(full=150, quick=30)  # fresh inputs each run: tests/sizes.py
NASTY = ["", " ", "\x00", "a\x00b", "x" * 300, "Тёплые", "<b>", "1e3", "-1", "0" * 16]
scalars = st.one_of(
    st.integers(-(2**63), 2**63),
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(
        st.sampled_from(["line", "received", "quantity", "condition"]), scalars, max_size=3
    ).map(lambda d: [d]),
)
KEYS = [
    "version",
    "lot",
    "quantity",
    "need_line",
    "from_party",
    "from_role",
    "to_party",
    "to_role",
    "place",
    "region",
    "at",
    "note",
    "lines",
    "challenged",
    "from_location",
    "need_lines",
    "to_party",
    "to_location",
    "allocate",
    "expected_on",
]
ACTIONS = [
    "lines",
    "lines/1/remove",
    "pack",
    "unpack",
    "dispatch",
    "deliver",
    "cancel",
    "handovers",
    "receipt",
    "proposals",
]
FORM_ACTIONS = ["lines", "lines/1/remove", "details", "pack", "dispatch", "handover", "receipt"]


def _consistent(session) -> None:
    session.expire_all()
    held = session.scalar(select(func.coalesce(func.sum(Lot.reserved), 0)))
    lines = session.scalar(select(func.coalesce(func.sum(DeliveryLine.quantity), 0)))
    assert held == lines


def test_api_fuzz(app, session, client):
    w = world(session)
    headers = bearer(session, w.coordinator)
    d = client.post(
        "/api/v1/deliveries",
        headers=headers,
        json={"from_location": w.hub.public_id, "need_lines": [w.need.lines[0].id]},
    ).get_json()
    base = f"/api/v1/deliveries/{d['id']}"

    @SETTINGS
    @given(
        st.sampled_from([*ACTIONS, ""]), st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
    )
    def run(action: str, body: dict) -> None:
        url = f"{base}/{action}" if action else "/api/v1/deliveries"
        if action == "proposals":
            resp = client.get(
                url,
                headers=headers,
                query_string={k: str(v) for k, v in body.items() if isinstance(v, str | int)},
            )
        else:
            resp = client.post(url, headers=headers, json=body)
        assert resp.status_code < 500, (url, body, resp.get_data(as_text=True)[:300])
        _consistent(session)

    run()


def test_form_fuzz(app, session, client):
    w = world(session)
    f.login(client, w.coordinator)
    client.post(
        "/deliveries/new", data={"from_location_id": w.hub.id, "need_line": [w.need.lines[0].id]}
    )
    delivery_id = session.scalar(select(DeliveryLine.delivery_id))
    fields = [
        "version",
        "lot_id",
        "quantity",
        "need_line_id",
        "from_party_id",
        "from_role",
        "to_party_id",
        "to_role",
        "place",
        "region_id",
        "at",
        "note",
        "challenged",
        "expected_on",
        "carrier_id",
        "packages",
        "driver",
        "vehicle",
        "comments",
        f"qty-{w.need.lines[0].id}",
        "got-1",
        "cond-1",
    ]
    texts = st.one_of(
        st.sampled_from(NASTY), st.text(max_size=20), st.integers(-(10**12), 10**12).map(str)
    )

    @SETTINGS
    @given(
        st.sampled_from([*FORM_ACTIONS, "new"]),
        st.dictionaries(st.sampled_from(fields), texts, max_size=8),
    )
    def run(action: str, data: dict) -> None:
        url = "/deliveries/new" if action == "new" else f"/deliveries/{delivery_id}/{action}"
        resp = client.post(url, data=data)
        assert resp.status_code < 500, (url, data)
        _consistent(session)

    run()
