"""Counted once, where it is: a move to a hub is not a delivery, and every follow-up counts
each piece once, at the stage it reached (received, or still on the way); a donation's goods
never come to more money than it gave. The demo's knitting circle page shows exactly what
reached recipients, checked against a sum computed from the rows without the walker."""

from __future__ import annotations

import re
from fractions import Fraction as F

from prov.model import ProvDocument
from sqlalchemy import select

from coordination.accounts.models import User
from coordination.attribution.followup import follow_up, party_follow_up
from coordination.attribution.services import Stage, party_attribution
from coordination.deliveries.allocation import add_line
from coordination.deliveries.models import (
    Delivery,
    DeliveryLine,
    LineCondition,
    ReceiptLine,
)
from coordination.deliveries.receipts import ReceiptInput, record_receipt
from coordination.deliveries.services import DraftInput, create_draft
from coordination.deliveries.status import dispatch, pack
from coordination.demo import build_demo
from coordination.donations.models import MoneyDonation
from coordination.kernel.actors import Role
from coordination.parties.models import Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.reports.provenance import prov_document
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.reports.chain import chain


def _move(session, lot: Lot, to, quantity: int) -> Delivery:
    move = create_draft(
        session, None, DraftInput(from_location_id=lot.location_id, to_location_id=to.id)
    )
    add_line(session, None, move, move.version, lot.id, quantity)
    pack(session, None, move, move.version)
    return dispatch(session, None, move, move.version)


def _receive(session, delivery: Delivery, got: int, condition=LineCondition.OK) -> None:
    answers = {line.id: (got, condition) for line in delivery.lines}
    # A hub's receipt is its region's coordinators' (or an admin's) to record.
    actor = f.user(session, Role.ADMIN) if delivery.to_location_id else None
    record_receipt(session, actor, delivery, delivery.version, ReceiptInput(lines=answers))


def _total(placements, stage: Stage = Stage.RECEIVED) -> F:
    return sum((p.quantity for p in placements if p.stage == stage), F(0))


def test_a_move_to_a_hub_then_to_a_family_counts_once(session) -> None:
    c = chain(session)
    socks = c.items[0]
    knitters = c.group("Kostroma knitters")
    _batch, made = c.batch(knitters, socks, 10)
    both = (Stage.RECEIVED, Stage.IN_TRANSIT)

    move = _move(session, made, c.hub, 10)
    assert _total(party_attribution(session, knitters, both)) == 0
    assert _total(party_attribution(session, knitters, both), Stage.IN_TRANSIT) == 10
    _receive(session, move, 10)  # at the hub: stock again, nobody received anything
    assert party_attribution(session, knitters, both) == []
    doc = ProvDocument.deserialize(content=prov_document(session, move), format="json")
    goods = [r for r in doc.get_records() if "goods-" in str(r.identifier)]
    stages = {
        k.localpart: v for k, v in goods[0].attributes if k.localpart in ("moved", "received")
    }
    assert stages == {"moved": 10}
    page = party_follow_up(session, knitters, "en")
    assert page["delivered_quantity"] == "0" and page["on_the_way"]["quantity"] == "0"

    at_hub = session.scalars(select(Lot).where(Lot.parent_lot_id == made.id)).one()
    household = f.party(session, PartyKind.HOUSEHOLD, region_id=c.dest_region.id)
    family = c.deliver(household, [(at_hub, 6)], receive=False)
    assert _total(party_attribution(session, knitters, both), Stage.IN_TRANSIT) == 6
    _receive(session, family, 5)  # one pair short
    placed = party_attribution(session, knitters, both)
    assert _total(placed) == 5 and _total(placed, Stage.IN_TRANSIT) == 0
    page = party_follow_up(session, knitters, "en")
    assert page["delivered_quantity"] == "5" and page["on_the_way"]["quantity"] == "0"
    assert [row["region"] for row in page["went"]] == [c.dest_region.code]  # not the hub's


def test_damaged_on_arrival_is_not_received(session) -> None:
    c = chain(session)
    knitters = c.group("Kostroma knitters")
    _batch, made = c.batch(knitters, c.items[0], 4)
    unit = f.party(session, PartyKind.UNIT, region_id=c.dest_region.id)
    delivery = c.deliver(unit, [(made, 4)], receive=False)
    _receive(session, delivery, 4, LineCondition.DAMAGED)
    assert party_attribution(session, knitters) == []
    assert party_attribution(session, knitters, (Stage.DAMAGED,))[0].quantity == 4


def test_a_gift_moved_through_a_hub_never_shows_more_money_than_it_gave(session) -> None:
    c = chain(session)
    gloves = c.items[1]
    donor = c.donor("Yarn shop")
    gift = c.money(donor, 8_500_00)
    _p, (bought,) = c.buy([(gloves, 10, 8_500_00)], [(gift, 8_500_00)])
    move = _move(session, bought, c.other_hub, 10)
    _receive(session, move, 10)
    at_hub = session.scalars(select(Lot).where(Lot.parent_lot_id == bought.id)).one()
    c.deliver(f.party(session, PartyKind.UNIT, region_id=c.dest_region.id), [(at_hub, 10)])
    page = follow_up(session, gift, "en")
    assert page["spent_minor"] == 8_500_00  # once, not 17,000 RUB
    assert page["delivered_quantity"] == "10"


def _root(lot: Lot) -> Lot:
    while lot.parent is not None:
        lot = lot.parent
    return lot


def test_the_demo_knitting_circle_shows_what_reached_recipients(app, session) -> None:
    build_demo(session, None)
    session.commit()
    knitting = session.scalars(
        select(Party).where(Party.kind == PartyKind.GROUP, Party.display_name.like("%вязания%"))
    ).one()
    # Independently of the walker: every received, undamaged line to a recipient whose lot
    # goes back (through its parents) to a batch the circle made.
    damaged = set(
        session.scalars(
            select(ReceiptLine.delivery_line_id).where(
                ReceiptLine.condition == LineCondition.DAMAGED
            )
        )
    )
    received = moved = 0
    for line in session.scalars(select(DeliveryLine)):
        root = _root(line.lot)
        if root.origin_kind != OriginKind.BATCH:
            continue
        if session.get(ProductionBatch, root.origin_id).group_id != knitting.id:
            continue
        if line.quantity_received is None or line.id in damaged:
            continue
        if line.delivery.to_party_id is not None:
            received += line.quantity_received
        else:
            moved += line.quantity_received
    assert received > 0 and moved > 0  # the demo moves socks through the hub, then on

    volunteer = session.scalar(select(User).where(User.username == "demo-volunteer"))
    assert volunteer.role == Role.VOLUNTEER
    client = app.test_client()
    f.login(client, volunteer, "aidtrail-demo")
    page = client.get(f"/sources/{knitting.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    shown = re.search(r'data-received="([^"]+)"', page.get_data(as_text=True))
    assert shown is not None and F(shown.group(1)) == received
    data = party_follow_up(session, knitting, "en")
    assert sum(F(row["quantity"]) for row in data["went"]) == received


def test_no_demo_donation_shows_more_money_than_it_gave(app, session) -> None:
    build_demo(session, None)
    session.commit()
    for gift in session.scalars(select(MoneyDonation)):
        assert follow_up(session, gift, "en")["spent_minor"] <= gift.amount_minor, gift.public_id
