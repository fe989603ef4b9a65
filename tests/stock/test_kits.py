"""Kit assembly: the bill of materials is met exactly by lots at the location; the kit lot's
origin is the assembly, which names its component lots; refusals write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.kernel.errors import Invalid, NotFound
from coordination.ledger.models import LedgerEntry
from coordination.stock.kits import assemble_kits, assembly_of, propose_components
from coordination.stock.models import KitAssembly, Lot, MovementKind, OriginKind, StockMovement
from coordination.stock.origins import origin_public_id
from tests import factories as f
from tests.stock.support import entries, kit_item, lot_at, world


def _kit_world(session):
    w = world(session)
    bandage = f.item(session, code="T-BANDAGE")
    tourniquet = f.item(session, code="T-TOURNIQUET")
    kit = kit_item(session, [(bandage, 2), (tourniquet, 1)], code="T-MEDKIT")
    lots = {
        "b1": lot_at(session, w.hub, bandage, 3),
        "b2": lot_at(session, w.hub, bandage, 10),
        "t1": lot_at(session, w.hub, tourniquet, 5),
    }
    session.commit()
    return w, kit, lots


def test_assembly_takes_components_and_opens_a_kit_lot(session) -> None:
    w, kit, lots = _kit_world(session)
    kit_lot = assemble_kits(
        session, w.coordinator, kit, 4, w.hub, [(lots["b1"], 3), (lots["b2"], 5), (lots["t1"], 4)]
    )
    session.commit()
    assert (lots["b1"].quantity, lots["b2"].quantity, lots["t1"].quantity) == (0, 5, 1)
    assert (kit_lot.item_id, kit_lot.quantity, kit_lot.location_id) == (kit.id, 4, w.hub.id)
    assembly = assembly_of(session, kit_lot)
    assert kit_lot.origin_kind == OriginKind.KIT and kit_lot.origin_id == assembly.id
    assert [(u.lot_id, u.quantity) for u in assembly.components] == [
        (lots["b1"].id, 3),
        (lots["b2"].id, 5),
        (lots["t1"].id, 4),
    ]
    [entry] = entries(session, "stock.kit_assembled")
    assert entry["data"]["lot"] == kit_lot.public_id
    assert entry["data"]["assembly"] == assembly.public_id
    assert [
        (c["lot"], c["quantity"], c["origin"]["kind"], c["origin"]["id"])
        for c in entry["data"]["components"]
    ] == [
        (lot.public_id, q, "in_kind", origin_public_id(session, lot))
        for lot, q in ((lots["b1"], 3), (lots["b2"], 5), (lots["t1"], 4))
    ]
    index = session.scalar(
        select(LedgerEntry.index).where(LedgerEntry.kind == "stock.kit_assembled")
    )
    assert kit_lot.entry_index == index
    uses = session.scalars(select(StockMovement).where(StockMovement.kind == MovementKind.KIT_USE))
    assert sorted(m.delta for m in uses) == [-5, -4, -3]


@pytest.mark.parametrize(
    ("picks", "message"),
    [
        ([("b2", 8)], "exactly"),  # tourniquets missing
        ([("b2", 8), ("t1", 5)], "exactly"),  # one tourniquet too many
        ([("b2", 7), ("t1", 4)], "exactly"),  # one bandage short
        ([("b2", 4), ("b2", 4), ("t1", 4)], "twice"),
        ([("b2", 8), ("t1", 4), ("other", 1)], "does not contain"),
        ([("b2", 8), ("far", 4)], "not at this location"),
        ([("b2", 8), ("t1", 0)], "quantity"),
        ([], "component lots"),
    ],
)
def test_the_bill_of_materials_must_be_met_exactly(session, picks, message) -> None:
    w, kit, lots = _kit_world(session)
    lots["other"] = lot_at(session, w.hub, w.item, 5)
    lots["far"] = lot_at(session, w.workshop, kit.components[1].component, 5)
    session.commit()
    before = {k: lot.quantity for k, lot in lots.items()}
    size = session.scalar(select(func.count()).select_from(LedgerEntry))
    with pytest.raises(Invalid) as exc:
        assemble_kits(session, w.coordinator, kit, 4, w.hub, [(lots[k], q) for k, q in picks])
    assert message in str(exc.value)
    session.rollback()
    assert {k: session.get(Lot, lot.id).quantity for k, lot in lots.items()} == before
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == size
    assert session.scalar(select(func.count()).select_from(KitAssembly)) == 0


def test_reserved_components_are_not_used(session) -> None:
    w, kit, lots = _kit_world(session)
    lots["t1"].reserved = 3
    session.commit()
    with pytest.raises(Invalid) as exc:
        assemble_kits(session, w.coordinator, kit, 4, w.hub, [(lots["b2"], 8), (lots["t1"], 4)])
    assert "reserved" in str(exc.value)
    session.rollback()
    assert session.get(Lot, lots["b2"].id).quantity == 10  # the first lot taken came back


def test_an_item_that_is_not_a_kit_is_refused(session) -> None:
    w, _kit, lots = _kit_world(session)
    with pytest.raises(Invalid) as exc:
        assemble_kits(session, w.coordinator, w.item, 1, w.hub, [(lots["b2"], 1)])
    assert exc.value.field == "kit_id"


def test_outsiders_cannot_assemble_at_a_place_they_do_not_see(session) -> None:
    w, kit, lots = _kit_world(session)
    with pytest.raises(NotFound):
        assemble_kits(session, w.volunteer, kit, 1, w.hub, [(lots["b2"], 2), (lots["t1"], 1)])


def test_proposal_takes_the_oldest_lots_first_and_names_shortages(session) -> None:
    w, kit, lots = _kit_world(session)
    picks, short = propose_components(session, kit, 4, w.hub)
    assert [(lot.id, q) for lot, q in picks] == [
        (lots["b1"].id, 3),
        (lots["b2"].id, 5),
        (lots["t1"].id, 4),
    ]
    assert short == {}
    kit_lot = assemble_kits(session, w.coordinator, kit, 4, w.hub, picks)
    assert kit_lot.quantity == 4
    _picks, short = propose_components(session, kit, 3, w.hub)
    assert short == {"T-BANDAGE": 1, "T-TOURNIQUET": 2}
