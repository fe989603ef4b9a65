"""The bulk writer: checked rows into batches/donations, lots, movements and the ledger.

Why not call log_production_batch() per row: each call appends its own ledger entry and
flushes ORM objects one by one, which tops out near 2,000 rows/s. Here every table gets
SQLAlchemy Core executemany inserts per chunk of CHUNK rows (RETURNING ids in parameter
order, so lots can point at their origins), and the ledger gets one entry per chunk,
listing each row's public ids, item code, size, quantity and date (columns + rows, to keep
the entry compact), then one summary entry for the import. No names: members and the
free-text channel/earmark stay in their encrypted or private columns. Everything runs in
the caller's transaction; a failure anywhere rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.donations.models import InKindDonation, InKindLine, MoneyDonation
from coordination.imports.checks import Row
from coordination.imports.models import ImportJob, ImportKind
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.parties.models import new_public_id
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, MovementKind, OriginKind, StockMovement

CHUNK = 1000
Progress = Callable[[int], None]
BATCH_COLUMNS = ["batch", "lot", "group", "location", "item", "size", "quantity", "made_on",
                 "named_members"]  # fmt: skip
IN_KIND_COLUMNS = ["donation", "lot", "donor", "location", "item", "size", "quantity",
                   "received_on"]  # fmt: skip
MONEY_COLUMNS = ["donation", "donor", "amount_minor", "currency", "status", "date", "campaign",
                 "holder"]  # fmt: skip

_B: Any = ProductionBatch.__table__
_L: Any = Lot.__table__
_M: Any = StockMovement.__table__
_D: Any = InKindDonation.__table__
_DL: Any = InKindLine.__table__
_MD: Any = MoneyDonation.__table__


def _pub(ref: Any) -> str | None:
    return ref.public_id if ref is not None else None


def _ids(session: Session, table: Any, params: list[dict[str, Any]]) -> Sequence[int]:
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return session.connection().execute(stmt, params).scalars().all()


def _lots(session: Session, actor: User | None, chunk: list[dict[str, Any]], lot_ids: list[str],
          kind: OriginKind, origin_ids: Sequence[int], place_key: str, entry: int) -> None:
    now, user = utcnow(), actor.id if actor else None
    ids = _ids(session, _L, [
        {"public_id": lot_ids[i], "item_id": v["item"].id, "size": v["size"],
         "quantity": v["quantity"], "reserved": 0, "location_id": v[place_key].id,
         "origin_kind": kind, "origin_id": origin_ids[i], "entry_index": entry, "created_at": now}
        for i, v in enumerate(chunk)
    ])  # fmt: skip
    session.connection().execute(insert(_M), [
        {"lot_id": ids[i], "kind": MovementKind.IN, "delta": v["quantity"], "user_id": user,
         "entry_index": entry, "at": now}
        for i, v in enumerate(chunk)
    ])  # fmt: skip


def write_rows(session: Session, actor: User | None, job: ImportJob, rows: list[Row],
               progress: Progress) -> int:  # fmt: skip
    """Write every row; returns the ledger index of the summary entry."""
    writer = {ImportKind.BATCHES: _batches, ImportKind.IN_KIND: _in_kind,
              ImportKind.MONEY: _money}[job.kind]  # fmt: skip
    chunks = 0
    for start in range(0, len(rows), CHUNK):
        writer(session, actor, job, chunks, [r.values for r in rows[start : start + CHUNK]])
        chunks += 1
        progress(min(start + CHUNK, len(rows)))
    entry = append(session, actor, "import.done", {
        "job": job.public_id, "kind": job.kind.value, "rows": len(rows), "chunks": chunks,
    })  # fmt: skip
    return entry.index


def _batches(session: Session, actor: User | None, job: ImportJob, n: int,
             chunk: list[dict[str, Any]]) -> None:  # fmt: skip
    now, user = utcnow(), actor.id if actor else None
    batch_ids = [new_public_id() for _ in chunk]
    lot_ids = [new_public_id() for _ in chunk]
    for v in chunk:
        v["place"] = v["group"].place
    entry = append(session, actor, "import.batches", {
        "job": job.public_id, "chunk": n, "columns": BATCH_COLUMNS,
        "rows": [[batch_ids[i], lot_ids[i], v["group"].public_id, v["place"].public_id,
                  v["item"].code, v["size"], v["quantity"], v["made_on"].isoformat(),
                  v["members_public"]] for i, v in enumerate(chunk)],
    }).index  # fmt: skip
    origin_ids = _ids(session, _B, [
        {"public_id": batch_ids[i], "group_id": v["group"].id, "item_id": v["item"].id,
         "size": v["size"], "quantity": v["quantity"], "made_on": v["made_on"],
         "members": v["members"], "made_by_members_public": v["members_public"],
         "created_by_id": user, "created_at": now}
        for i, v in enumerate(chunk)
    ])  # fmt: skip
    _lots(session, actor, chunk, lot_ids, OriginKind.BATCH, origin_ids, "place", entry)


def _in_kind(session: Session, actor: User | None, job: ImportJob, n: int,
             chunk: list[dict[str, Any]]) -> None:  # fmt: skip
    now, user = utcnow(), actor.id if actor else None
    donation_ids = [new_public_id() for _ in chunk]
    lot_ids = [new_public_id() for _ in chunk]
    entry = append(session, actor, "import.in_kind", {
        "job": job.public_id, "chunk": n, "columns": IN_KIND_COLUMNS,
        "rows": [[donation_ids[i], lot_ids[i], _pub(v["donor"]), v["location"].public_id,
                  v["item"].code, v["size"], v["quantity"], v["received_on"].isoformat()]
                 for i, v in enumerate(chunk)],
    }).index  # fmt: skip
    origin_ids = _ids(session, _D, [
        {"public_id": donation_ids[i], "donor_id": v["donor"].id if v["donor"] else None,
         "location_id": v["location"].id, "received_on": v["received_on"],
         "created_by_id": user, "created_at": now}
        for i, v in enumerate(chunk)
    ])  # fmt: skip
    session.connection().execute(insert(_DL), [
        {"donation_id": origin_ids[i], "item_id": v["item"].id, "size": v["size"],
         "quantity": v["quantity"]}
        for i, v in enumerate(chunk)
    ])  # fmt: skip
    _lots(session, actor, chunk, lot_ids, OriginKind.IN_KIND, origin_ids, "location", entry)


def _money(session: Session, actor: User | None, job: ImportJob, n: int,
           chunk: list[dict[str, Any]]) -> None:  # fmt: skip
    now, user = utcnow(), actor.id if actor else None
    donation_ids = [new_public_id() for _ in chunk]
    append(session, actor, "import.money", {
        "job": job.public_id, "chunk": n, "columns": MONEY_COLUMNS,
        "rows": [[donation_ids[i], _pub(v["donor"]), v["amount"], v["currency"],
                  v["status"].value, v["received_on"].isoformat(), _pub(v["campaign"]),
                  _pub(v["holder"])] for i, v in enumerate(chunk)],
    })  # fmt: skip
    session.connection().execute(insert(_MD), [
        {"public_id": donation_ids[i], "donor_id": v["donor"].id if v["donor"] else None,
         "campaign_id": v["campaign"].id if v["campaign"] else None,
         "holder_id": v["holder"].id if v["holder"] else None, "amount_minor": v["amount"],
         "currency": v["currency"], "received_on": v["received_on"], "channel": v["channel"],
         "earmark": v["earmark"], "status": v["status"], "created_by_id": user,
         "created_at": now}
        for i, v in enumerate(chunk)
    ])  # fmt: skip


register("import.batches", _l("Imported production batches, part %(chunk)s of import %(job)s."))
register("import.in_kind", _l("Imported donations in kind, part %(chunk)s of import %(job)s."))
register("import.money", _l("Imported money donations, part %(chunk)s of import %(job)s."))
register("import.done", _l("Import %(job)s finished: %(rows)s rows in %(chunks)s parts."))
