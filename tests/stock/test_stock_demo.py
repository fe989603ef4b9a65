"""The demo shows each lot's origin: the makers' batches and donations at the Vladimir hub."""

from __future__ import annotations

from sqlalchemy import func, select

from coordination.catalog.models import Item
from coordination.demo import build_demo
from coordination.parties.models import Location
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind
from tests.isolation import isolated_client


def test_demo_builds_batches_lots_and_hub_stock(app, session) -> None:
    build_demo(session, None)
    session.commit()
    balaclavas = session.scalar(
        select(func.sum(ProductionBatch.quantity)).join(Item).where(Item.code == "BALACLAVA"))
    assert balaclavas == 150
    hub = session.scalar(select(Location).where(Location.name == "Владимирский хаб"))
    at_hub = session.scalars(select(Lot).where(Lot.location_id == hub.id)).all()
    assert {lot.origin_kind for lot in at_hub} == {OriginKind.BATCH, OriginKind.IN_KIND}
    # Nothing is lost in the moves: every batch's lots add up to the batch.
    for batch in session.scalars(select(ProductionBatch)):
        total = session.scalar(select(func.sum(Lot.quantity)).where(
            Lot.origin_kind == OriginKind.BATCH, Lot.origin_id == batch.id))
        assert total == batch.quantity

    client = isolated_client(app)
    client.post("/login", data={"username": "demo-volunteer", "password": "aidtrail-demo"})
    page = client.get("/stock/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Our stock" in page and "Тёплые руки" in page
    assert "Балаклава" not in page and "Balaclava" not in page  # another group's goods
