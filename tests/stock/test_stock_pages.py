"""The pages: a volunteer logs a batch and sees it in its stock with its origin; another
group's volunteer gets 404; a transfer through the page keeps the origin."""

from __future__ import annotations

from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.isolation import isolated_client
from tests.stock.support import world

EN = {"Accept-Language": "en"}


def _log_batch(app, w):
    client = isolated_client(app)
    f.login(client, w.volunteer)
    resp = client.post(
        "/production/batches/new",
        data={
            "item_id": w.item.id,
            "size": "42-44",
            "quantity": "40",
            "made_on": "2026-11-01",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    page = client.get("/stock/", headers=EN).get_data(as_text=True)
    assert "Our stock" in page and "Kostroma circle" in page and "Production batch" in page
    return client, w


def test_volunteer_logs_a_batch_and_sees_it_with_origin(app, session) -> None:
    w = world(session)
    _log_batch(app, w)
    lot = session.scalars(select(Lot)).one()
    assert lot.origin_kind == OriginKind.BATCH and lot.location_id == w.workshop.id


def test_bad_batch_is_refused_with_a_message(app, session) -> None:
    w = world(session)
    client = isolated_client(app)
    f.login(client, w.volunteer)
    resp = client.post(
        "/production/batches/new",
        data={
            "item_id": w.item.id,
            "size": "99",
            "quantity": "40",
            "made_on": "2026-11-01",
        },
        headers=EN,
    )
    assert resp.status_code == 400
    assert "sizes" in resp.get_data(as_text=True)
    assert session.scalars(select(Lot)).all() == []


def test_other_group_gets_404_and_an_empty_list(app, session) -> None:
    w = world(session)
    _log_batch(app, w)
    lot = session.scalars(select(Lot)).one()
    stranger = isolated_client(app)
    f.login(stranger, f.user(session, Role.VOLUNTEER))
    assert stranger.get(f"/stock/lots/{lot.id}").status_code == 404
    assert (
        stranger.post(
            f"/stock/lots/{lot.id}/transfer", data={"to_location_id": w.hub.id, "quantity": 1}
        ).status_code
        == 404
    )
    assert lot.public_id not in stranger.get("/stock/", headers=EN).get_data(as_text=True)


def test_transfer_page_splits_and_keeps_origin(app, session) -> None:
    w = world(session)
    _log_batch(app, w)
    client = isolated_client(app)  # into the region's hub: the coordinator's move
    f.login(client, w.coordinator)
    lot = session.scalars(select(Lot)).one()
    resp = client.post(
        f"/stock/lots/{lot.id}/transfer", data={"to_location_id": w.hub.id, "quantity": 15}
    )
    assert resp.status_code == 302
    session.expire_all()
    lots = session.scalars(select(Lot).order_by(Lot.id)).all()
    assert [(x.location_id, x.quantity) for x in lots] == [(w.workshop.id, 25), (w.hub.id, 15)]
    assert lots[1].origin_id == lots[0].origin_id and lots[1].parent_lot_id == lots[0].id
    too_many = client.post(
        f"/stock/lots/{lot.id}/transfer",
        headers=EN,
        data={"to_location_id": w.hub.id, "quantity": 26},
    )
    assert too_many.status_code == 400 and "Only 25 left" in too_many.get_data(as_text=True)


def test_coordinator_records_in_kind_and_lists_by_location(app, session) -> None:
    w = world(session)
    client = isolated_client(app)
    f.login(client, w.coordinator)
    resp = client.post(
        "/donations/in-kind/new",
        data={
            "location_id": w.hub.id,
            "donor_id": 0,
            "received_on": "2026-11-02",
            "lines-0-item_id": w.item.id,
            "lines-0-size": "40-42",
            "lines-0-quantity": "20",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    page = client.get("/stock/?q=" + w.hub.name, headers=EN).get_data(as_text=True)
    assert "Donation in kind" in page and "anonymous donor" in page
    empty = client.post(
        "/donations/in-kind/new",
        data={"location_id": w.hub.id, "received_on": "2026-11-02"},
        headers=EN,
    )
    assert empty.status_code == 400 and "at least one line" in empty.get_data(as_text=True)
