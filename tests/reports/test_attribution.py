"""Attribution of a hand-built chain, with the exact numbers worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from coordination.attribution.services import (
    ANONYMOUS,
    CreditKind,
    apportion,
    campaign_attribution,
    delivery_attribution,
    donation_attribution,
    handover_attribution,
    lot_credits,
    party_attribution,
)
from coordination.deliveries.models import HandoverRole
from coordination.parties.models import PartyKind
from coordination.stock.models import KitAssembly, KitComponentUse, Lot, OriginKind
from coordination.stock.services import open_lot
from tests import factories as f
from tests.reports.chain import DAY, chain
from tests.stock.support import kit_item as kit_of

F = Fraction


def by_label(credits):
    return {(c.label, c.kind.value): (c.quantity, c.money_minor) for c in credits}


def test_socks_kits_and_a_purchase_split_exactly(session) -> None:
    c = chain(session)
    socks, gloves, _ = c.items
    knitters = c.group("Kostroma knitters")
    alice = c.donor("Alice's fund")
    hidden = c.donor("Hidden Person", public=False)
    _batch, lot = c.batch(knitters, socks, 60)
    moved = c.transfer(lot, 40)  # the hub's socks: same origin, parent named
    d1 = c.money(alice, 30_000_00)
    d2 = c.money(hidden, 10_000_00)
    _purchase, (glove_lot,) = c.buy([(gloves, 10, 40_000_00)], [(d1, 30_000_00), (d2, 10_000_00)])
    kit_item = kit_of(session, [(socks, 2), (gloves, 2)])
    kit_lot = c.assemble(kit_item, 5, [(moved, 10), (glove_lot, 10)])  # per kit: 2 + 2
    unit = f.party(session, PartyKind.UNIT, region_id=c.dest_region.id, private_name="в/ч 99137")
    courier = f.party(session, PartyKind.COURIER)
    official = f.party(session, PartyKind.OFFICIAL, display_name="Deputy governor")
    delivery = c.deliver(
        unit,
        [(moved, 20), (kit_lot, 4)],
        handovers=[
            (knitters, HandoverRole.SOURCE, courier, HandoverRole.CARRIER),
            (courier, HandoverRole.CARRIER, official, HandoverRole.PRESENTER),
            (official, HandoverRole.PRESENTER, unit, HandoverRole.RECIPIENT),
        ],
    )

    report = delivery_attribution(session, delivery)
    # 20 socks + 4 kits: half of each kit is socks (the knitters), half gloves bought 3:1.
    # 4 kits hold 8 gloves at 4,000 RUB each: 32,000 RUB spent, 24,000 + 8,000.
    assert by_label(report.credits) == {
        ("Kostroma knitters", "maker"): (F(22), F(0)),
        ("Alice's fund", "funder"): (F(3, 2), F(24_000_00)),
        (ANONYMOUS, "funder"): (F(1, 2), F(8_000_00)),
    }
    assert sum(x.quantity for x in report.credits) == report.quantity == 24
    for line in report.lines:
        assert sum(x.quantity for x in line.credits) == line.quantity
    anonymous = next(x for x in report.credits if x.label == ANONYMOUS)
    assert anonymous.party is None  # an anonymous donor keeps no pseudonym on public pages
    roles = {r.label: (r.roles, r.credit) for r in report.custody}
    assert roles["Deputy governor"] == (["presenter"], 0)
    assert roles["courier"] == (["carrier"], 0)
    assert roles["Kostroma knitters"] == (["source"], 22)
    assert roles["unit"] == (["recipient"], 0)

    ceremony = handover_attribution(session, delivery.handovers[-1])
    assert {r.label: r.credit for r in ceremony.parties} == {"Deputy governor": 0, "unit": 0}
    assert sum(x.quantity for x in ceremony.credits) == 24


def test_money_passed_on_and_batch_funding(session) -> None:
    c = chain(session)
    balaclavas, gloves, _ = c.items
    sewing = c.group("Grozny sewing class")
    fair = f.party(session, PartyKind.CAMPAIGN, display_name="School fair")
    first = c.money(fair, 59_000_00, campaign=fair)
    passed = c.pass_on(first, sewing, 20_000_00)  # handed on to the sewing class
    batch, made = c.batch(sewing, balaclavas, 10)
    lot = c.transfer(made, 10)  # to the hub, where the gloves are
    c.fund(batch, passed, 5_000_00)
    _p, (glove_lot,) = c.buy([(gloves, 3, 3_000_00)], [(passed, 3_000_00)])
    unit = f.party(session, PartyKind.UNIT, region_id=c.dest_region.id)
    delivery = c.deliver(unit, [(lot, 4), (glove_lot, 3)])

    credits = lot_credits(session, lot, 4)
    # The pieces stay the makers'; the fair is shown beside them with its share of materials.
    assert by_label(credits) == {
        ("Grozny sewing class", "maker"): (F(4), F(0)),
        ("School fair", "funder"): (F(0), F(2_000_00)),
    }
    funder = next(x for x in credits if x.kind == CreditKind.FUNDER)
    assert funder.donation == first.public_id and funder.campaign == fair.public_id

    went = donation_attribution(session, first)
    assert [(p.region, p.item, p.quantity, p.money_minor) for p in went] == [
        (c.dest_region.code, balaclavas.code, F(0), F(2_000_00)),
        (c.dest_region.code, gloves.code, F(3), F(3_000_00)),
    ]
    assert went[0].month == delivery.dispatched_at.strftime("%Y-%m")
    # The money handed on is credited to the first donation, and both can follow it.
    assert donation_attribution(session, passed) == went
    assert campaign_attribution(session, fair) == went
    made = party_attribution(session, sewing)
    assert [(p.item, p.quantity) for p in made] == [(balaclavas.code, F(4))]


def test_members_named_only_as_members_of_the_group(session) -> None:
    c = chain(session)
    circle = c.group("Kusimovo circle")
    _b, lot = c.batch(circle, c.items[0], 5, members="Канарейкина А.П.", members_public=True)
    (credit,) = lot_credits(session, lot, 5)
    assert credit.label == "members of Kusimovo circle"
    assert credit.members_of == "Kusimovo circle"
    _b, private = c.batch(circle, c.items[0], 5, members="Канарейкина А.П.")
    assert lot_credits(session, private, 1)[0].label == "Kusimovo circle"


def test_a_kit_containing_itself_and_a_missing_origin_are_unknown(session) -> None:
    c = chain(session)
    assembly = KitAssembly(
        item_id=c.items[2].id, quantity=2, location_id=c.hub.id, assembled_on=DAY
    )
    session.add(assembly)
    session.flush()
    lot = open_lot(
        session,
        None,
        item=c.items[2],
        size=None,
        quantity=2,
        location=c.hub,
        origin_kind=OriginKind.KIT,
        origin_id=assembly.id,
    )
    session.add(KitComponentUse(assembly_id=assembly.id, lot_id=lot.id, quantity=1))
    session.flush()
    session.refresh(assembly)
    (credit,) = lot_credits(session, lot, 2)
    assert credit.kind == CreditKind.UNKNOWN and credit.quantity == 2

    orphan = Lot(
        item_id=c.items[0].id,
        quantity=3,
        location_id=c.hub.id,
        origin_kind=OriginKind.IN_KIND,
        origin_id=987_654,
    )
    session.add(orphan)
    session.flush()
    (credit,) = lot_credits(session, orphan, 3)
    assert credit.kind == CreditKind.UNKNOWN and credit.quantity == 3


def test_an_unfunded_purchase_is_unknown_not_invented(session) -> None:
    c = chain(session)
    _p, (lot,) = c.purchase([(c.items[0], 4, 400_00)], [])
    (credit,) = lot_credits(session, lot, 4)
    assert credit.kind == CreditKind.UNKNOWN and credit.origin == _p.public_id


def test_apportion_keeps_the_total() -> None:
    assert apportion(10, [F(1), F(1), F(1)]) == [4, 3, 3]
    assert apportion(3_200_000, [F(3, 2), F(1, 2)]) == [2_400_000, 800_000]
