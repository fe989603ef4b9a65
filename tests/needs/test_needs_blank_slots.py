"""A browser posts every line slot, blank ones as "" with the priority select's default:
such slots are empty, not half-filled lines (found by the browser journey)."""

from __future__ import annotations

from sqlalchemy import select

from coordination.needs.models import Need
from tests import factories as f
from tests.needs import support


def _browser_post(w: support.World, **extra: str) -> dict[str, str]:
    data = support.form_data(w)
    for slot in range(1, 5):
        for name in ("item_id", "size", "quantity", "needed_by", "note"):
            data[f"lines-{slot}-{name}"] = ""
        data[f"lines-{slot}-priority"] = "normal"
    data.update(extra)
    return data


def test_blank_slots_posted_by_a_browser_are_ignored(client, session) -> None:
    w = support.world(session)
    f.login(client, w.family)
    resp = client.post("/needs/new", data=_browser_post(w))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    need = session.scalars(select(Need)).one()
    assert [line.quantity for line in need.lines] == [3]


def test_a_slot_with_only_a_note_is_a_half_filled_line(client, session) -> None:
    w = support.world(session)
    f.login(client, w.family)
    resp = client.post("/needs/new", data=_browser_post(w, **{"lines-2-note": "size 44"}))
    assert resp.status_code == 400
    assert session.scalars(select(Need)).first() is None
