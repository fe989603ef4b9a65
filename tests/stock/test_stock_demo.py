"""The demo shows each lot's origin: the makers' batches and donations at the Vladimir hub."""

from __future__ import annotations

from sqlalchemy import func, select

from coordination.catalog.models import Item
from coordination.demo import build_demo
from coordination.parties.models import Location
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, MovementKind, OriginKind, StockMovement
from tests.isolation import isolated_client


def test_demo_builds_batches_lots_and_hub_stock(app, session) -> None:
    build_demo(session, None)
    session.commit()
    balaclavas = session.scalar(
        select(func.sum(ProductionBatch.quantity)).join(Item).where(Item.code == "BALACLAVA")
    )
    assert balaclavas == 150
    hub = session.scalar(select(Location).where(Location.name == "Владимирский хаб"))
    at_hub = session.scalars(select(Lot).where(Lot.location_id == hub.id)).all()
    assert {OriginKind.BATCH, OriginKind.IN_KIND} <= {lot.origin_kind for lot in at_hub}
    # Nothing is lost in the moves: every lot's quantity is the sum of its recorded movements
    # (moves, takes for deliveries, corrections), and each batch entered whole.
    for lot in session.scalars(select(Lot)):
        moved = session.scalar(
            select(func.sum(StockMovement.delta)).where(StockMovement.lot_id == lot.id)
        )
        assert moved == lot.quantity, lot.public_id
    for batch in session.scalars(select(ProductionBatch)):
        entered = session.scalar(
            select(func.sum(StockMovement.delta))
            .join(Lot, StockMovement.lot_id == Lot.id)
            .where(
                Lot.origin_kind == OriginKind.BATCH,
                Lot.origin_id == batch.id,
                StockMovement.kind == MovementKind.IN,
            )
        )
        assert entered == batch.quantity

    client = isolated_client(app)
    client.post("/login", data={"username": "demo-volunteer", "password": "aidtrail-demo"})
    page = client.get("/stock/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # The demo deliveries send the circle's socks on, so its own workshop may be empty; it is
    # still the one place offered, and nothing of another group's shows.
    assert "Our stock" in page and "Мастерская «Тёплых рук»" in page
    assert "Швейный цех" not in page
    assert "Балаклава" not in page and "Balaclava" not in page  # another group's goods


def test_demo_assembles_kits_and_records_a_correction(app, session) -> None:
    from coordination.ledger.models import LedgerEntry
    from coordination.stock.kits import assembly_of

    build_demo(session, None)
    session.commit()
    room = session.scalar(select(Location).where(Location.name == "Швейный цех колледжа"))
    kit_lot = session.scalars(select(Lot).where(Lot.origin_kind == OriginKind.KIT)).one()
    assert (kit_lot.location_id, kit_lot.quantity) == (room.id, 5)
    assembly = assembly_of(session, kit_lot)
    assert len(assembly.components) == len(kit_lot.item.components) == 7
    assert {use.lot.origin_kind for use in assembly.components} == {OriginKind.IN_KIND}
    balaclavas = session.scalars(
        select(Lot).join(Item).where(Item.code == "BALACLAVA", Lot.location_id == room.id)
    ).one()
    assert balaclavas.quantity == 48
    fix = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "stock.adjusted")).one()
    assert f'"supersedes":{balaclavas.entry_index}' in fix.body
