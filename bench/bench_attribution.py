"""Party attribution on SQLite as delivered lines grow: party_attribution(session, group).

`coordination.attribution.services.party_attribution` backs /sources/<party_id> and
/api/v1/attribution/parties/<id>: it walks EVERY delivered delivery line (any party's) and
its lot's origin in Python, keeping the credits of the party asked for. Measured at 500 and
5,000 delivered lines (`BENCH_ATTR_LINES=500,5000`, comma-separated, ascending; the
default run takes about two minutes on a 2-core machine, nearly all of it building data).

Data is built through the project's own services, as a coordinator would: five knitting
groups in one region each log production batches (log_production_batch: one batch, one lot,
per delivered line, so the walker's per-lot cache never helps), and deliveries of 25 lines
drawn from all five groups' workshops go to three units in another region (create_draft,
add_line, pack, dispatch, then one record_handover courier -> unit). Every step writes its
ledger entry. The larger size grows the same database. No receipts, so each line is
credited with its dispatched quantity; the measured group made one line in five.

Each timing runs in a fresh Session (as one request does), median of REPEATS runs; the
result is checked against the quantities the build gave the group. Target: 500 ms at the
largest size (a page should answer within that).

Ceiling, same run, same database: one SQLAlchemy Core query fetching the same delivered
lines joined to their delivery (status, recipient, date) and their lot (item, origin kind
and id, parent): the read no implementation can avoid. Printed beside it, for reference
only: the group's delivered quantity by item summed in SQL through lot -> production_batch.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import and_, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.protocol import emit, figure  # noqa: E402
from coordination import create_app  # noqa: E402
from coordination.db import db  # noqa: E402

SIZES = tuple(int(n) for n in os.environ.get("BENCH_ATTR_LINES", "500,5000").split(","))
GROUPS = 5
UNITS = 3
LINES_PER_DELIVERY = 25
REPEATS = 3
TARGET_MS = 500.0
MADE_ON = date(2026, 1, 15)
CEILING = "raw Core query: delivered lines joined to delivery and lot"


@dataclass
class World:
    groups: list[int]
    workshops: list[int]
    units: list[int]
    courier: int
    dest_region: int
    items: list[int]
    lines: int = 0  # delivered lines so far
    made: dict[int, int] = field(default_factory=dict)  # group id -> delivered quantity


def make_app(tmp: Path) -> Flask:
    from flask_migrate import upgrade

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'attr.sqlite3'}",
            "SECRET_KEY": "bench",
            "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def world(s: Session) -> World:
    from coordination.catalog.models import Item, UnitOfMeasure
    from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region

    src = Region(code="RU-KOS", name_ru="Кострома", name_en="Kostroma")
    dest = Region(code="RU-BEL", name_ru="Белгород", name_en="Belgorod")
    s.add_all([src, dest])
    s.flush()
    groups, workshops = [], []
    for n in range(GROUPS):
        group = Party(kind=PartyKind.GROUP, display_name=f"Circle {n}", region_id=src.id)
        s.add(group)
        s.flush()
        shop = Location(
            name=f"Workshop {n}", kind=LocationKind.WORKSHOP, region_id=src.id, party_id=group.id
        )
        s.add(shop)
        s.flush()
        groups.append(group.id)
        workshops.append(shop.id)
    units = [
        Party(kind=PartyKind.UNIT, display_name=f"Unit {n}", region_id=dest.id)
        for n in range(UNITS)
    ]
    courier = Party(kind=PartyKind.COURIER, display_name="Driver", region_id=src.id)
    items = [
        Item(code=code, name_ru=code, name_en=code, unit=UnitOfMeasure.PAIR)
        for code in ("WOOL-SOCKS", "BALACLAVA", "GLOVES")
    ]
    s.add_all([*units, courier, *items])
    s.commit()
    return World(
        groups, workshops, [u.id for u in units], courier.id, dest.id, [i.id for i in items]
    )


def grow(s: Session, w: World, want: int) -> None:
    """Batches and dispatched deliveries through the services until `want` lines left."""
    from coordination.deliveries.allocation import add_line
    from coordination.deliveries.handovers import HandoverInput, record_handover
    from coordination.deliveries.models import HandoverRole
    from coordination.deliveries.services import DraftInput, create_draft
    from coordination.deliveries.status import dispatch, pack
    from coordination.production.services import BatchInput, log_production_batch
    from coordination.stock.models import Lot, OriginKind

    while w.lines < want:
        n = min(LINES_PER_DELIVERY, want - w.lines)
        unit = w.units[(w.lines // LINES_PER_DELIVERY) % UNITS]
        d = create_draft(s, None, DraftInput(from_location_id=w.workshops[0], to_party_id=unit))
        for k in range(w.lines, w.lines + n):
            group, quantity = w.groups[k % GROUPS], 1 + k % 7
            batch = log_production_batch(
                s,
                None,
                BatchInput(
                    group_id=group,
                    item_id=w.items[k % len(w.items)],
                    quantity=quantity,
                    made_on=MADE_ON,
                ),
            )
            lot = s.scalars(
                select(Lot.id).where(Lot.origin_kind == OriginKind.BATCH, Lot.origin_id == batch.id)
            ).one()
            add_line(s, None, d, d.version, lot, quantity)
            w.made[group] = w.made.get(group, 0) + quantity
        d = dispatch(s, None, pack(s, None, d, d.version), d.version)
        record_handover(
            s,
            None,
            d,
            d.version,
            HandoverInput(
                from_party_id=w.courier,
                from_role=HandoverRole.CARRIER,
                to_party_id=unit,
                to_role=HandoverRole.RECIPIENT,
                place="Белгород",
                region_id=w.dest_region,
            ),
        )
        s.commit()
        w.lines += n
    s.expunge_all()


def median_ms(fn: Callable[[Session], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    """Median wall time of fn(fresh session), and fn's last result."""
    times, result = [], None
    for _ in range(repeats):
        with Session(db.engine) as s:
            start = time.perf_counter()
            result = fn(s)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def attribution(party_id: int) -> Callable[[Session], Any]:
    from coordination.attribution.services import party_attribution
    from coordination.parties.models import Party

    def run(s: Session) -> Any:
        party = s.get(Party, party_id)
        assert party is not None
        return party_attribution(s, party)

    return run


def raw_lines(s: Session) -> list[Any]:
    """The ceiling: delivered lines with their delivery and lot, one Core query."""
    from coordination.attribution.services import LEFT
    from coordination.deliveries.models import Delivery, DeliveryLine
    from coordination.stock.models import Lot

    stmt = (
        select(
            DeliveryLine.id,
            DeliveryLine.quantity,
            DeliveryLine.quantity_received,
            Delivery.to_party_id,
            Delivery.to_location_id,
            Delivery.region_id,
            Delivery.dispatched_at,
            Lot.item_id,
            Lot.origin_kind,
            Lot.origin_id,
            Lot.parent_lot_id,
        )
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(Lot, Lot.id == DeliveryLine.lot_id)
        .where(Delivery.status.in_(LEFT))
        .order_by(DeliveryLine.id)
    )
    return list(s.connection().execute(stmt).all())


def sql_made(party_id: int) -> Callable[[Session], Any]:
    """Reference only: the group's delivered quantity by item, summed in SQL."""
    from coordination.attribution.services import LEFT
    from coordination.deliveries.models import Delivery, DeliveryLine
    from coordination.production.models import ProductionBatch
    from coordination.stock.models import Lot, OriginKind

    def run(s: Session) -> Any:
        got = func.coalesce(DeliveryLine.quantity_received, DeliveryLine.quantity)
        stmt = (
            select(Lot.item_id, func.sum(got))
            .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
            .join(Lot, Lot.id == DeliveryLine.lot_id)
            .join(
                ProductionBatch,
                and_(Lot.origin_kind == OriginKind.BATCH, ProductionBatch.id == Lot.origin_id),
            )
            .where(Delivery.status.in_(LEFT), ProductionBatch.group_id == party_id)
            .group_by(Lot.item_id)
        )
        return list(s.connection().execute(stmt).all())

    return run


def main() -> None:
    import logging

    logging.disable(logging.INFO)
    load = os.getloadavg()[0]
    print(f"party attribution on SQLite, sizes {SIZES}, {GROUPS} groups, load average {load:.2f}")
    rows: list[tuple[int, float, float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            w = world(db.session)
            party = w.groups[0]
            for size in SIZES:
                start = time.perf_counter()
                grow(db.session, w, size)
                built = time.perf_counter() - start
                attr_ms, placements = median_ms(attribution(party))
                total = sum(p.quantity for p in placements)
                assert total == w.made[party], (total, w.made[party])
                ceiling_ms, got = median_ms(raw_lines, 5)
                assert len(got) == size, (len(got), size)
                sql_ms, by_item = median_ms(sql_made(party), 5)
                assert sum(q for _i, q in by_item) == w.made[party]
                print(
                    f"  {size:,} lines built in {built:.1f} s; the group's share: "
                    f"{total} pieces in {len(placements)} placements"
                )
                rows.append((size, attr_ms, ceiling_ms, sql_ms, attr_ms / size * 1000))
    print(
        f"\n{'delivered lines':>16} {'attribution ms':>15} {'ceiling ms':>11} "
        f"{'SQL sum ms':>11} {'us/line':>8} {'share':>7}"
    )
    for size, attr_ms, ceiling_ms, sql_ms, per_line in rows:
        print(
            f"{size:>16,} {attr_ms:>15.1f} {ceiling_ms:>11.2f} {sql_ms:>11.2f} "
            f"{per_line:>8.0f} {ceiling_ms / attr_ms:>7.1%}"
        )
    print(
        "ceiling: one Core query for the delivered lines joined to delivery and lot; "
        "SQL sum: the group's quantity by item through production_batch (reference)"
    )
    if len(rows) > 1:
        (n0, t0, *_), (n1, t1, *_) = rows[0], rows[-1]
        k = math.log(t1 / t0) / math.log(n1 / n0)
        shape = "linear" if 0.8 <= k <= 1.2 else "sublinear" if k < 0.8 else "superlinear"
        print(
            f"growth: time ~ lines^{k:.2f} from {n0:,} to {n1:,} lines ({shape}); "
            f"{t1 / t0:.1f}x the time for {n1 / n0:.0f}x the lines"
        )
    for size, attr_ms, ceiling_ms, *_ in rows:
        big = size == rows[-1][0]
        label = f"{size / 1000:g}k" if size >= 1000 else str(size)
        figure(
            f"party attribution, {label} delivered lines",
            attr_ms,
            "ms",
            better="lower",
            target=TARGET_MS if big else None,
            ceiling=ceiling_ms,
            ceiling_name=CEILING,
        )
    if rows:
        verdict = "meets" if rows[-1][1] <= TARGET_MS else "misses"
        print(f"target {TARGET_MS:.0f} ms at {rows[-1][0]:,} lines: {verdict}")
    emit()


if __name__ == "__main__":
    main()
