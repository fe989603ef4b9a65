"""The demo's three deliveries: socks via the hub to a unit, a household's partial receipt,
and the Vladimir case with the official recorded as presenter, never as a source."""

from __future__ import annotations

from sqlalchemy import select

from coordination.deliveries.models import DeliveryStatus, HandoverRole
from coordination.demo import World, build_demo
from coordination.ledger.models import LedgerEntry
from coordination.needs.models import NeedStatus
from coordination.stock.models import Lot


def _world(session) -> World:  # build_demo returns a report; rebuild the things from the db
    from coordination.demo import deliveries as demo

    captured: dict[str, World] = {}
    original = demo.add_deliveries

    def keep(session_, world):
        original(session_, world)
        captured["world"] = world

    demo.add_deliveries = keep
    try:
        build_demo(session, None)
    finally:
        demo.add_deliveries = original
    session.commit()
    return captured["world"]


def test_demo_deliveries(app, session):
    world = _world(session)
    socks = world.things["delivery-socks"]
    assert socks.status == DeliveryStatus.CONFIRMED
    assert socks.code and socks.dispatch_entry is not None
    entry = session.get(LedgerEntry, socks.dispatch_entry)
    assert entry.kind == "delivery.dispatched"
    assert all(ln.lot.item.code == "WOOL-SOCKS" for ln in socks.lines)
    assert {ln.need_line.need.status for ln in socks.lines} == {NeedStatus.FULFILLED}
    household = world.things["delivery-household"]
    assert household.status == DeliveryStatus.DISPUTED
    assert household.to_party_id == world.parties["household-vla"].id
    case = world.things["delivery-vladimir-case"]
    assert case.status == DeliveryStatus.CONFIRMED
    ceremony = world.things["handover-ceremony"]
    assert ceremony.from_party_id == world.parties["official"].id
    assert ceremony.from_role == HandoverRole.PRESENTER
    official = world.parties["official"].id
    for h in case.handovers:
        assert not (h.from_party_id == official and h.from_role == HandoverRole.SOURCE)
    move = world.things["delivery-hub-move"]
    hub_lots = session.scalars(
        select(Lot).where(Lot.parent_lot_id.in_([ln.lot_id for ln in move.lines]))
    ).all()
    assert hub_lots and all(lot.location_id == world.locations["hub-vla"].id for lot in hub_lots)
    for lot in hub_lots:
        assert (lot.origin_kind, lot.origin_id) == (lot.parent.origin_kind, lot.parent.origin_id)


def test_demo_delivery_pages(app, session, client):
    from coordination.accounts.models import User
    from tests import factories as f

    world = _world(session)
    for username, keys in (
        ("demo-coordinator", ("delivery-socks", "delivery-household", "delivery-vladimir-case")),
        ("demo-unit", ("delivery-socks", "delivery-vladimir-case")),
        ("demo-family", ("delivery-household",)),
        ("demo-volunteer", ("delivery-socks",)),
    ):
        user = session.scalar(select(User).where(User.username == username))
        f.login(client, user, "aidtrail-demo")
        for key in keys:
            d = world.things[key]
            page = client.get(f"/deliveries/{d.id}")
            assert page.status_code == 200, (username, key)
        listing = client.get("/deliveries/mine").get_data(as_text=True)
        assert all(world.things[k].public_id in listing for k in keys), username
        client.post("/logout")
    f.login(
        client, session.scalar(select(User).where(User.username == "demo-family")), "aidtrail-demo"
    )
    socks = world.things["delivery-socks"]
    assert client.get(f"/deliveries/{socks.id}").status_code == 404
    page = client.get(f"/deliveries/{world.things['delivery-vladimir-case'].id}")
    assert page.status_code == 404
