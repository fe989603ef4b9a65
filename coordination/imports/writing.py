"""The bulk writer: checked rows into batches/donations, lots, movements and the ledger.

Why not call log_production_batch() per row: each call appends its own ledger entry and
flushes ORM objects one by one, which tops out near 2,000 rows/s. Here every table gets one
executemany per chunk of CHUNK rows on the driver's cursor (values through their column
types' bind processors; ids drawn before the insert so lots can point at their origins),
and the ledger gets one entry per chunk,
listing each row's public ids, item code, size, quantity and date as parallel arrays (one
list per column, the i-th element of each belonging to the chunk's i-th row): compact, and
the privacy guard and canonical JSON walk one flat list per column instead of a list per
row; then one summary entry for the import. No names: members (encrypted)
and the free-text channel stay out; the earmark goes in as origin.money has it, a salted
commitment (its salt stored on the donation row), checked like any entry data.
Everything runs in the caller's transaction; a failure anywhere rolls all of it back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.crypto import EncryptedText
from coordination.db import utcnow
from coordination.donations.models import (
    InKindDonation,
    InKindLine,
    MoneyDonation,
    new_receipt_code,
)
from coordination.imports.checks import Row
from coordination.imports.models import ImportJob, ImportKind
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.money.amounts import commit_earmark
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, MovementKind, OriginKind, StockMovement

CHUNK = 1000
Progress = Callable[[int], None]
BATCH_COLUMNS = [
    "batch",
    "lot",
    "group",
    "location",
    "item",
    "size",
    "quantity",
    "made_on",
    "named_members",
]
IN_KIND_COLUMNS = [
    "donation",
    "lot",
    "donor",
    "location",
    "item",
    "size",
    "quantity",
    "received_on",
]
MONEY_COLUMNS = [
    "donation",
    "donor",
    "amount_minor",
    "currency",
    "status",
    "date",
    "campaign",
    "holder",
    "earmark_commitment",
]

_B: Any = ProductionBatch.__table__
_L: Any = Lot.__table__
_M: Any = StockMovement.__table__
_D: Any = InKindDonation.__table__
_DL: Any = InKindLine.__table__
_MD: Any = MoneyDonation.__table__


def _public_ids(count: int) -> list[str]:
    """`count` ids shaped as parties.models.new_public_id's (8 random bytes as hex), drawn
    from the OS in one call instead of one per id."""
    text_ = secrets.token_bytes(8 * count).hex()
    return [text_[i : i + 16] for i in range(0, 16 * count, 16)]


def _arrays(columns: Sequence[str], rows: list[list[Any]]) -> dict[str, list[Any]]:
    """Rows as parallel arrays keyed by column name (the ledger chunk's shape)."""
    transposed = list(zip(*rows, strict=True)) or [()] * len(columns)
    return {name: list(values) for name, values in zip(columns, transposed, strict=True)}


def _pub(ref: Any) -> str | None:
    return ref.public_id if ref is not None else None


def _id(ref: Any) -> int | None:
    return ref.id if ref is not None else None


def _insert(
    session: Session, table: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]], **same: Any
) -> None:
    """executemany on the driver's cursor, in the session's transaction.

    Each value goes through its column type's own bind processor (dates, enums, UTC
    timestamps, encryption of members' names), so rows read back exactly like ORM rows;
    `same` holds columns with one value for every row, converted once. Skipping
    SQLAlchemy's per-row statement machinery is what makes 10,000 rows/s.
    """
    connection = session.connection()
    dialect = connection.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote

    def bound(name: str, value: Any) -> Any:
        process = table.c[name].type.bind_processor(dialect)
        return value if process is None or value is None else process(value)

    dbapi = dialect.loaded_dbapi
    tail = tuple(_driver_value(dbapi, bound(name, value)) for name, value in same.items())
    every = [*columns, *same]
    names = ", ".join(quote(c) for c in every)  # from the models, never from input
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([mark] * len(every))})"  # noqa: S608  # nosec B608
    params = [[*row, *tail] for row in rows]
    for position, name in enumerate(columns):
        kind = table.c[name].type
        process = kind.bind_processor(dialect)
        if process is None:
            continue
        # Dates, enums and flags repeat: convert each distinct value once. Never memoise
        # encryption: equal names must not get equal ciphertexts.
        memo: dict[Any, Any] | None = None if isinstance(kind, EncryptedText) else {}
        for values in params:
            value = values[position]
            if value is None:
                continue
            if memo is None:
                values[position] = process(value)
            else:
                done = memo.get(value, memo)
                if done is memo:
                    done = memo[value] = process(value)
                values[position] = done
    cursor = connection.connection.cursor()
    base = dbapi.Error
    try:
        cursor.executemany(sql, params)
    except base as exc:  # the driver's own error, wrapped as SQLAlchemy would have
        raise DBAPIError.instance(sql, None, exc, base) from exc
    finally:
        cursor.close()


def _driver_value(dbapi: Any, value: Any) -> Any:
    """`value` as the driver's registered adapter makes it, once for every row of a column.

    sqlite3 adapts a datetime per row and per use (a third of a timestamp column's cost);
    applying the same registered adapter here stores exactly the same text. Drivers
    without an adapter table (psycopg) get the value unchanged.
    """
    adapters, protocol = getattr(dbapi, "adapters", None), getattr(dbapi, "PrepareProtocol", None)
    adapt = adapters.get((type(value), protocol)) if protocol is not None and adapters else None
    return value if adapt is None else adapt(value)


def _new_ids(session: Session, table: Any, count: int) -> list[int]:
    """Primary keys for `count` new rows, known before the insert so lots can name them.

    Not INSERT ... RETURNING: on SQLite, rows come back in parameter order only one
    statement per row, 20 times slower. PostgreSQL draws from the id sequence; SQLite
    continues after the largest id, which is safe because the import's transaction holds
    SQLite's write lock (BEGIN IMMEDIATE) from its first statement.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        stmt = text(
            "SELECT nextval(pg_get_serial_sequence(:name, 'id')) FROM generate_series(1, :count)"
        )
        return [
            int(n) for n in connection.execute(stmt, {"name": table.name, "count": count}).scalars()
        ]
    last = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + count + 1))


def _lots(
    session: Session,
    actor: User | None,
    chunk: list[dict[str, Any]],
    lot_ids: list[str],
    kind: OriginKind,
    origin_ids: Sequence[int],
    place_key: str,
    entry: int,
) -> None:
    now, user = utcnow(), actor.id if actor else None
    ids = _new_ids(session, _L, len(chunk))
    _insert(
        session,
        _L,
        ("id", "public_id", "item_id", "size", "quantity", "location_id", "origin_id"),
        [
            (
                ids[i],
                lot_ids[i],
                v["item"].id,
                v["size"],
                v["quantity"],
                v[place_key].id,
                origin_ids[i],
            )
            for i, v in enumerate(chunk)
        ],
        reserved=0,
        origin_kind=kind,
        entry_index=entry,
        created_at=now,
    )
    _insert(
        session,
        _M,
        ("lot_id", "delta"),
        [(ids[i], v["quantity"]) for i, v in enumerate(chunk)],
        kind=MovementKind.IN,
        user_id=user,
        entry_index=entry,
        at=now,
    )


def write_rows(
    session: Session, actor: User | None, job: ImportJob, rows: list[Row], progress: Progress
) -> int:
    """Write every row; returns the ledger index of the summary entry."""
    writer = {ImportKind.BATCHES: _batches, ImportKind.IN_KIND: _in_kind, ImportKind.MONEY: _money}[
        job.kind
    ]
    chunks = 0
    for start in range(0, len(rows), CHUNK):
        writer(session, actor, job, chunks, [r.values for r in rows[start : start + CHUNK]])
        chunks += 1
        progress(min(start + CHUNK, len(rows)))
    entry = append(
        session,
        actor,
        "import.done",
        {
            "job": job.public_id,
            "kind": job.kind.value,
            "rows": len(rows),
            "chunks": chunks,
        },
    )
    return entry.index


def _batches(
    session: Session, actor: User | None, job: ImportJob, n: int, chunk: list[dict[str, Any]]
) -> None:
    now, user = utcnow(), actor.id if actor else None
    batch_ids = _public_ids(len(chunk))
    lot_ids = _public_ids(len(chunk))
    for v in chunk:
        v["place"] = v["group"].place
    entry = append(
        session,
        actor,
        "import.batches",
        {
            "job": job.public_id,
            "chunk": n,
            **_arrays(
                BATCH_COLUMNS,
                [
                    [
                        batch_ids[i],
                        lot_ids[i],
                        v["group"].public_id,
                        v["place"].public_id,
                        v["item"].code,
                        v["size"],
                        v["quantity"],
                        v["made_on"].isoformat(),
                        v["members_public"],
                    ]
                    for i, v in enumerate(chunk)
                ],
            ),
        },
    ).index
    origin_ids = _new_ids(session, _B, len(chunk))
    _insert(
        session,
        _B,
        (
            "id",
            "public_id",
            "group_id",
            "item_id",
            "size",
            "quantity",
            "made_on",
            "members",
            "made_by_members_public",
        ),
        [
            (
                origin_ids[i],
                batch_ids[i],
                v["group"].id,
                v["item"].id,
                v["size"],
                v["quantity"],
                v["made_on"],
                v["members"],
                v["members_public"],
            )
            for i, v in enumerate(chunk)
        ],
        created_by_id=user,
        created_at=now,
    )
    _lots(session, actor, chunk, lot_ids, OriginKind.BATCH, origin_ids, "place", entry)


def _in_kind(
    session: Session, actor: User | None, job: ImportJob, n: int, chunk: list[dict[str, Any]]
) -> None:
    now, user = utcnow(), actor.id if actor else None
    donation_ids = _public_ids(len(chunk))
    lot_ids = _public_ids(len(chunk))
    entry = append(
        session,
        actor,
        "import.in_kind",
        {
            "job": job.public_id,
            "chunk": n,
            **_arrays(
                IN_KIND_COLUMNS,
                [
                    [
                        donation_ids[i],
                        lot_ids[i],
                        _pub(v["donor"]),
                        v["location"].public_id,
                        v["item"].code,
                        v["size"],
                        v["quantity"],
                        v["received_on"].isoformat(),
                    ]
                    for i, v in enumerate(chunk)
                ],
            ),
        },
    ).index
    origin_ids = _new_ids(session, _D, len(chunk))
    _insert(
        session,
        _D,
        ("id", "public_id", "donor_id", "location_id", "received_on", "receipt_code"),
        [
            (
                origin_ids[i],
                donation_ids[i],
                _id(v["donor"]),
                v["location"].id,
                v["received_on"],
                new_receipt_code(),
            )
            for i, v in enumerate(chunk)
        ],
        created_by_id=user,
        created_at=now,
    )
    _insert(
        session,
        _DL,
        ("donation_id", "item_id", "size", "quantity"),
        [(origin_ids[i], v["item"].id, v["size"], v["quantity"]) for i, v in enumerate(chunk)],
    )
    _lots(session, actor, chunk, lot_ids, OriginKind.IN_KIND, origin_ids, "location", entry)


def _money(
    session: Session, actor: User | None, job: ImportJob, n: int, chunk: list[dict[str, Any]]
) -> None:
    now, user = utcnow(), actor.id if actor else None
    donation_ids = _public_ids(len(chunk))
    marks = [commit_earmark(v["earmark"]) for v in chunk]  # (commitment, salt) per row
    append(
        session,
        actor,
        "import.money",
        {
            "job": job.public_id,
            "chunk": n,
            **_arrays(
                MONEY_COLUMNS,
                [
                    [
                        donation_ids[i],
                        _pub(v["donor"]),
                        v["amount"],
                        v["currency"],
                        v["status"].value,
                        v["received_on"].isoformat(),
                        _pub(v["campaign"]),
                        _pub(v["holder"]),
                        marks[i][0],
                    ]
                    for i, v in enumerate(chunk)
                ],
            ),
        },
    )
    _insert(
        session,
        _MD,
        (
            "public_id",
            "donor_id",
            "campaign_id",
            "holder_id",
            "amount_minor",
            "currency",
            "received_on",
            "channel",
            "earmark",
            "earmark_salt",
            "status",
            "receipt_code",
        ),
        [
            (
                donation_ids[i],
                _id(v["donor"]),
                _id(v["campaign"]),
                _id(v["holder"]),
                v["amount"],
                v["currency"],
                v["received_on"],
                v["channel"],
                v["earmark"],
                marks[i][1],
                v["status"],
                new_receipt_code(),
            )
            for i, v in enumerate(chunk)
        ],
        created_by_id=user,
        created_at=now,
    )


register("import.batches", _l("Imported production batches, part %(chunk)s of import %(job)s."))
register("import.in_kind", _l("Imported donations in kind, part %(chunk)s of import %(job)s."))
register("import.money", _l("Imported money donations, part %(chunk)s of import %(job)s."))
register("import.done", _l("Import %(job)s finished: %(rows)s rows in %(chunks)s parts."))
