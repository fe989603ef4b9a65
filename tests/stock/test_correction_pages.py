"""Pages: correcting a lot (asks first), assembling kits, the lot page's history, splits and
kit components, and the lot list's location and item filters."""

from __future__ import annotations

from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.production.services import log_production_batch
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import transfer_lot
from tests import factories as f
from tests.isolation import isolated_client
from tests.stock.support import batch_input, entries, kit_item, lot_at, world

EN = {"Accept-Language": "en"}


def _client(app, user):
    client = isolated_client(app)
    f.login(client, user)
    return client


def _batch_lot(session, w, quantity=30) -> Lot:
    batch = log_production_batch(session, w.volunteer, batch_input(w, quantity))
    lot = session.scalars(select(Lot).where(Lot.origin_id == batch.id)).one()
    session.commit()
    return lot


def test_adjust_page_asks_first_and_records_a_correction(app, session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    client = _client(app, w.volunteer)
    page = client.get(f"/stock/lots/{lot.id}/adjust", headers=EN).get_data(as_text=True)
    assert "data-confirm" in page and "Recount" in page
    resp = client.post(f"/stock/lots/{lot.id}/adjust", data={"reason": "lost", "quantity": "3"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Lot, lot.id).quantity == 27
    assert entries(session, "stock.adjusted")[0]["supersedes"] == lot.entry_index
    shown = client.get(f"/stock/lots/{lot.id}", headers=EN).get_data(as_text=True)
    assert "Corrected (lost)" in shown and "-3" in shown


def test_adjust_page_refuses_bad_input_inline(app, session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    client = _client(app, w.volunteer)
    for data in (
        {"reason": "lost", "quantity": "31"},
        {"reason": "recount", "quantity": "30"},
        {"reason": "stolen", "quantity": "1"},
        {"reason": "lost", "quantity": "-1"},
        {"reason": "lost", "quantity": "9" * 5000},
        {"reason": "lost\x00"},
    ):
        resp = client.post(f"/stock/lots/{lot.id}/adjust", data=data, headers=EN)
        assert resp.status_code == 400, data
        assert 'class="error"' in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Lot, lot.id).quantity == 30 and entries(session, "stock.adjusted") == []
    stranger = _client(app, f.user(session, Role.VOLUNTEER))
    session.commit()
    assert (
        stranger.post(
            f"/stock/lots/{lot.id}/adjust", data={"reason": "lost", "quantity": "1"}
        ).status_code
        == 404
    )


def test_kit_page_proposes_lots_then_assembles(app, session) -> None:
    w = world(session)
    cloth, pad = f.item(session, code="T-CLOTH"), f.item(session, code="T-PAD")
    kit = kit_item(session, [(cloth, 2), (pad, 1)], code="T-KIT")
    c1, p1 = lot_at(session, w.hub, cloth, 6), lot_at(session, w.hub, pad, 6)
    session.commit()
    client = _client(app, w.coordinator)
    assert client.get("/stock/kits/new").status_code == 200
    form = {"kit_id": kit.id, "quantity": "3", "location_id": w.hub.id}
    proposal = client.post("/stock/kits/new", data={**form, "action": "propose"}, headers=EN)
    text = proposal.get_data(as_text=True)
    assert proposal.status_code == 200
    assert f'name="use-{c1.id}" value="6"' in text and f'name="use-{p1.id}" value="3"' in text
    wrong = client.post(
        "/stock/kits/new",
        headers=EN,
        data={**form, "action": "assemble", f"use-{c1.id}": "5", f"use-{p1.id}": "3"},
    )
    assert wrong.status_code == 400 and "exactly" in wrong.get_data(as_text=True)
    assert f'name="use-{c1.id}" value="5"' in wrong.get_data(as_text=True)  # kept as typed
    junk = client.post(
        "/stock/kits/new",
        headers=EN,
        data={**form, "action": "assemble", f"use-{c1.id}": "x", f"use-{p1.id}": "3"},
    )
    assert junk.status_code == 400
    done = client.post(
        "/stock/kits/new",
        data={**form, "action": "assemble", f"use-{c1.id}": "6", f"use-{p1.id}": "3"},
    )
    assert done.status_code == 302
    kit_lot = session.scalars(select(Lot).where(Lot.origin_kind == OriginKind.KIT)).one()
    page = client.get(f"/stock/lots/{kit_lot.id}", headers=EN).get_data(as_text=True)
    assert c1.public_id in page and p1.public_id in page and "Donation in kind" in page


def test_kit_page_hides_places_the_user_does_not_see(app, session) -> None:
    w = world(session)
    kit = kit_item(session, [(f.item(session), 1)])
    session.commit()
    client = _client(app, w.volunteer)
    resp = client.post(
        "/stock/kits/new",
        data={"kit_id": kit.id, "quantity": "1", "location_id": w.hub.id, "action": "propose"},
    )
    assert resp.status_code == 400  # the hub is not among the volunteer's choices


def test_lot_page_shows_reserved_history_and_splits(app, session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    new = transfer_lot(session, w.coordinator, lot, w.hub.id, 10)
    lot.reserved = 4
    session.commit()
    client = _client(app, w.coordinator)
    page = client.get(f"/stock/lots/{lot.id}", headers=EN).get_data(as_text=True)
    assert "Moved out" in page and "Entered stock" in page and new.public_id in page
    assert "<dd>4</dd>" in page and "<dd>16</dd>" in page  # reserved, available
    child = client.get(f"/stock/lots/{new.id}", headers=EN).get_data(as_text=True)
    assert lot.public_id in child and "Moved in" in child


def test_lot_list_filters_by_location_and_item(app, session) -> None:
    w = world(session)
    lot = _batch_lot(session, w)
    transfer_lot(session, w.coordinator, lot, w.hub.id, 10)
    other = f.item(session, code="T-OTHER")
    lot_at(session, w.hub, other, 3)
    session.commit()
    client = _client(app, w.coordinator)

    def found(query: str) -> str:
        page = client.get(f"/stock/?{query}", headers=EN).get_data(as_text=True)
        return page.split('<p class="muted">')[1].split("</p>")[0]

    assert found("") == "3 found"
    assert found(f"location={w.hub.id}") == "2 found"
    assert found(f"location={w.hub.id}&item={other.id}") == "1 found"
    assert found("location=abc&item=" + "9" * 400) == "3 found"  # junk means no filter
