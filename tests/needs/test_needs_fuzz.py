"""Hypothesis: generated inputs to the need form and to the API, on both backends (60 fresh
ones per test and run, 500 under `make fuzz`: see tests/sizes.py).

Every answer is a form re-shown with errors (200/400), a redirect (302) or problem+json 400
(the API may answer 201/200): never a 500. Every accepted input reads back as it was sent.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from urllib.parse import quote_from_bytes

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from coordination.db import utcnow
from coordination.needs.models import Need
from tests import factories as f
from tests.needs.support import world
from tests.sizes import fuzz_settings

# Fresh random inputs on every run, the seed printed in pytest's header (tests/sizes.py);
# the fixed hostile values below are always in the mix, and any input that ever failed is
# kept for good as an @example on its test.
SETTINGS = fuzz_settings(full=500, quick=60)
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "<b>",
    "Тёплые носки",
    "\ufffd",
    "\u202e",
    "x" * 600,
    "'; DROP TABLE need; --",
    "\r\n",
    "😀",
    "١٢",
    "1e3",
    "0x10",
    "  5  ",
]
BAD_BYTES = [b"\xff\xfe", b"\xc3\x28", b"ok\x80", b"\xed\xa0\x80", b"%00"]
today = utcnow().date()
DATES = [
    "",
    (today + timedelta(days=30)).isoformat(),
    (today - timedelta(days=30)).isoformat(),
    (today + timedelta(days=1000)).isoformat(),
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "tomorrow",
    "2025-1-1",
]
numbers = st.one_of(
    st.integers(1, 10_000).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", "0", "10000", "10001", "-5", "3.5", "1e3", "١٢", " 7 ", "∞"]),
    # Beyond a float (10**309 once raised OverflowError in the range check) and beyond
    # int()'s digit limit: refused inline like any other bad number.
    st.integers(10**300, 10**320).map(str),
    st.sampled_from(["1" + "0" * 309, "-" + "9" * 400, "9" * 5000, "1_000"]),
)
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.just(""))
raw = st.one_of(texts.map(lambda s: s.encode("utf-8", "surrogatepass")), st.sampled_from(BAD_BYTES))


def _body(fields: dict[str, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v).encode()
        for k, v in fields.items()
    )


def test_need_form_fuzz(app, session, client):
    w = world(session)
    f.login(client, w.family)
    items = [str(w.socks.id), str(w.gloves.id)]
    seen: list[int] = []

    @SETTINGS
    @given(
        item=st.one_of(st.sampled_from(items), st.sampled_from(["", "0", "abc", "99999999999"])),
        quantity=numbers,
        size=st.one_of(st.sampled_from(["", "42-44", "39-41", "XXL"]), texts),
        priority=st.sampled_from(["normal", "urgent", "low", "", "bogus"]),
        needed_by=st.sampled_from(DATES),
        note=raw,
        town=raw,
        kind=st.sampled_from(["region", "town", "hub", "private_address", "moon"]),
        region=st.sampled_from([str(w.region.id), "", "0", "-1", "99999999999999999999"]),
        name=raw,
    )
    def check(item, quantity, size, priority, needed_by, note, town, kind, region, name):
        token = secrets.token_urlsafe(24)
        fields = {
            "submission_token": token.encode(),
            "region_id": region.encode(),
            "delivery_kind": kind.encode(),
            "town": town,
            "serviceman_name": name,
            "lines-0-item_id": item.encode(),
            "lines-0-quantity": quantity.encode(),
            "lines-0-size": size.encode("utf-8", "surrogatepass"),
            "lines-0-priority": priority.encode(),
            "lines-0-needed_by": needed_by.encode(),
            "lines-0-note": note,
        }
        resp = client.post(
            "/needs/new", data=_body(fields), content_type="application/x-www-form-urlencoded"
        )
        assert resp.status_code in (200, 302, 400), resp.status_code
        seen.append(resp.status_code)
        if resp.status_code == 302:
            # Accepted: every text was valid UTF-8 and reads back as sent (trimmed).
            need = session.scalar(select(Need).where(Need.submission_token == token))
            assert need is not None
            line = need.lines[0]
            assert line.quantity == int(quantity)
            assert line.note == (note.decode("utf-8").strip() or None)
            assert need.serviceman_name == (name.decode("utf-8").strip() or None)
            if kind == "town":
                assert need.town == town.decode("utf-8").strip()
            session.rollback()

    check()
    assert len(seen) >= SETTINGS.max_examples and {302, 400} <= set(seen), sorted(set(seen))


json_numbers = st.one_of(
    st.integers(1, 10_000),
    st.integers(-(10**30), 10**30),
    st.sampled_from([0, 10_001, 3.5, True, None, "5", "", [], {}]),
)
json_texts = st.one_of(texts, st.sampled_from(["\ud800", "a\udfffb"]), st.none(), st.integers())


FIELDS = ("item", "quantity", "size", "priority", "needed_by", "note", "region", "extra")


def test_need_api_fuzz(app, session, client):
    w = world(session)
    token = f.token(session, w.family)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    seen: list[int] = []

    @SETTINGS
    @given(
        item=st.one_of(st.sampled_from(["WOOL-SOCKS", "GLOVES"]), json_texts),
        quantity=json_numbers,
        size=st.one_of(st.sampled_from([None, "42-44", "XXL"]), json_texts),
        priority=st.sampled_from(["normal", "urgent", "", "bogus", None]),
        needed_by=st.sampled_from([*DATES, None, 20250101]),
        note=json_texts,
        region=st.sampled_from(["RU-VLA", "ru-vla", "RU-XXX", "", None, 7]),
        extra=st.sampled_from([{}, {"unknown": 1}, {"delivery": "town"}, {"lines": []}]),
        focus=st.sampled_from(["all", *FIELDS]),
        good_quantity=st.integers(1, 10_000),
        good_note=st.text(max_size=30),
    )
    def check(
        item,
        quantity,
        size,
        priority,
        needed_by,
        note,
        region,
        extra,
        focus,
        good_quantity,
        good_note,
    ):
        # Either everything is generated, or one field is and the rest is valid, so that
        # both refusals and acceptances (to check the round trip) are common.
        drawn = dict(
            item=item,
            quantity=quantity,
            size=size,
            priority=priority,
            needed_by=needed_by,
            note=note,
            region=region,
            extra=extra,
        )
        if focus != "all":
            valid = dict(
                item="GLOVES",
                quantity=good_quantity,
                size=None,
                priority="high",
                needed_by=None,
                note=good_note,
                region="RU-VLA",
                extra={},
            )
            drawn = {**valid, focus: drawn[focus]}
        item, quantity, size, priority = (
            drawn[k] for k in ("item", "quantity", "size", "priority")
        )
        needed_by, note, region, extra = (
            drawn[k] for k in ("needed_by", "note", "region", "extra")
        )
        line = {"item": item, "quantity": quantity, "size": size, "note": note}
        if priority is not None:
            line["priority"] = priority
        if needed_by is not None:
            line["needed_by"] = needed_by
        body = {"region": region, "lines": [line], **extra}
        key = secrets.token_urlsafe(24)
        resp = client.post(
            "/api/v1/needs", data=json.dumps(body), headers={**auth, "Idempotency-Key": key}
        )
        assert resp.status_code in (201, 400), resp.status_code
        seen.append(resp.status_code)
        if resp.status_code == 400:
            assert resp.mimetype == "application/problem+json"
            return
        got = resp.get_json()
        assert got["lines"][0]["quantity"] == quantity
        assert got["lines"][0]["note"] == ((note or "").strip() or None)
        again = client.get(f"/api/v1/needs/{got['id']}", headers=auth).get_json()
        assert again["lines"] == got["lines"]

    check()
    assert len(seen) >= SETTINGS.max_examples and {201, 400} <= set(seen), sorted(set(seen))
