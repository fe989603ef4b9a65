"""Bulk import on SQLite: 100,000 production rows from CSV, checked and written, in rows/s.

Two figures per file: the dry run (read, check every row against preloaded lookups, store
the encrypted upload and the problems) and the confirm (the runner checks the file again,
then writes batches, lots, movements and one ledger entry per 1,000 rows in ONE
transaction, then commits). Target: the confirm at >= 10,000 rows/s.

Two ceilings measured in the same run, right after the confirm, each on a snapshot of the
database taken before it: bare sqlite3 executemany of the very rows the import writes
(same columns and values, fresh ids, prepared outside the clock) into the same three
tables (production_batch, lot, stock_movement) in one transaction with the app's PRAGMAs
(WAL, synchronous=FULL, foreign keys); and the same plus as many ledger appends as the
import makes (101 canonical-JSON bodies, SHA-256, head update, a node row each). That is
what the disk and SQLite allow with no Python app around it; the ratio to the second is
the fair one. The load average is printed: on a shared machine the absolute figures move
with it, the ratios much less. Also an XLSX of 10,000 rows (openpyxl read_only), whose
reading dominates.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from coordination import create_app  # noqa: E402
from coordination.db import db  # noqa: E402

ROWS = 100_000
XLSX_ROWS = 10_000
TARGET = 10_000
from bench.protocol import emit, figure  # noqa: E402


def make_app(tmp: Path, name: str) -> Flask:
    from flask_migrate import upgrade

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / name}",
            "SECRET_KEY": "bench",
            "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
            "IMPORTS_DIR": str(tmp / "up"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def world(app: Flask) -> int:
    from coordination.accounts.services import create_user
    from coordination.catalog.models import Item, UnitOfMeasure
    from coordination.kernel.actors import Role
    from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region

    with app.app_context():
        s = db.session
        region = Region(code="RU-KOS", name_ru="Кострома", name_en="Kostroma")
        s.add(region)
        s.flush()
        for n in range(5):
            group = Party(kind=PartyKind.GROUP, display_name=f"Circle {n}", region_id=region.id)
            s.add(group)
            s.flush()
            s.add(
                Location(
                    name=f"Workshop {n}",
                    kind=LocationKind.WORKSHOP,
                    region_id=region.id,
                    party_id=group.id,
                )
            )
        for code in ("WOOL-SOCKS", "BALACLAVA", "GLOVES"):
            s.add(
                Item(
                    code=code,
                    name_ru=code,
                    name_en=code,
                    unit=UnitOfMeasure.PAIR,
                    sizes=["40-42", "42-44"] if code == "WOOL-SOCKS" else [],
                )
            )
        admin = create_user(
            s, None, username="bench-admin", password=secrets.token_hex(12), role=Role.ADMIN
        )
        s.commit()
        return admin.id


def rows(n: int) -> list[list[Any]]:
    start = date(2025, 1, 1)
    items = [("WOOL-SOCKS", "42-44"), ("BALACLAVA", ""), ("GLOVES", "")]
    out: list[list[Any]] = []
    for i in range(n):
        code, size = items[i % 3]
        members = "Ivanova, Petrova" if i % 10 == 0 else ""
        out.append(
            [
                f"Circle {i % 5}",
                code,
                size,
                i % 150 + 1,
                (start + timedelta(days=i % 600)).isoformat(),
                members,
                "no",
            ]
        )
    return out


HEADER = ["group", "item", "size", "quantity", "made_on", "members", "members_public"]


def as_csv(data: list[list[Any]]) -> bytes:
    return ("\n".join(";".join(str(c) for c in r) for r in [HEADER, *data]) + "\n").encode()


def as_xlsx(data: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("log")
    sheet.append(HEADER)
    for r in data:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(app: Flask, admin_id: int, name: str, data: bytes) -> tuple[float, float, int]:
    from coordination.accounts.models import User
    from coordination.imports.models import ImportKind, ImportStatus
    from coordination.imports.runner import confirm_import
    from coordination.imports.services import check_upload

    with app.app_context():
        s = db.session
        admin = s.get(User, admin_id)
        assert admin is not None
        start = time.perf_counter()
        job = check_upload(s, admin, ImportKind.BATCHES, name, data)
        s.commit()
        checked = time.perf_counter() - start
        start = time.perf_counter()
        job = confirm_import(s, admin, job)
        written = time.perf_counter() - start
        assert job.status == ImportStatus.DONE, job.failure
        return checked, written, job.done_rows


def ceiling_rows(app: Flask, data: list[list[Any]]) -> tuple[list[tuple[Any, ...]], ...]:
    """The rows the import writes for `data`, ready for the bare driver (outside the clock).

    Same columns, same values (group, its place, item, size, quantity, date, members as a
    ciphertext-sized text on the rows that name them, flags, creator, timestamps), fresh
    public ids and primary keys; what the bare tool does not do is encrypt or check.
    """
    from coordination.catalog.models import Item
    from coordination.parties.models import Location, Party

    with app.app_context():
        s = db.session
        groups = {name: pid for pid, name in s.execute(db.select(Party.id, Party.display_name))}
        places = {party: lid for lid, party in s.execute(db.select(Location.id, Location.party_id))}
        items = {code: iid for iid, code in s.execute(db.select(Item.id, Item.code))}
        base = (s.execute(db.text("SELECT max(id) FROM lot")).scalar() or 0) + 1_000_000
    now = "2026-11-24 00:00:00.000000"
    cipher = "g" * 120  # a Fernet token of a short list of names is about this long
    batches: list[tuple[Any, ...]] = []
    lots: list[tuple[Any, ...]] = []
    moves: list[tuple[Any, ...]] = []
    for i, (group, code, size, quantity, made_on, members, _public) in enumerate(data):
        gid, iid, pk = groups[group], items[code], base + i
        batches.append(
            (
                pk,
                secrets.token_hex(8),
                gid,
                iid,
                size or None,
                quantity,
                made_on,
                cipher if members else None,
                0,
                1,
                now,
            )
        )
        lots.append(
            (
                pk,
                secrets.token_hex(8),
                iid,
                size or None,
                quantity,
                0,
                places[gid],
                "batch",
                pk,
                i // 1000,
                now,
            )
        )
        moves.append((pk, "in", quantity, i // 1000, 1, now))
    return batches, lots, moves


def snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a WAL database (what the -wal file holds included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def raw_ceiling(path: Path, rows_: tuple[list[tuple[Any, ...]], ...], ledger: bool) -> float:
    """Bare sqlite3: executemany of the import's rows into the same three tables, 1 txn.

    With `ledger`, also one append per 1,000 rows plus one (canonical JSON body of the
    chunk's public ids, codes, sizes, quantities and dates as parallel arrays, SHA-256
    leaf, head update, one node row): the same number of ledger writes as the import.
    """
    batches, lots, moves = rows_
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO production_batch (id, public_id, group_id, item_id, size, quantity, made_on,"
        " members, made_by_members_public, created_by_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batches,
    )
    conn.executemany(
        "INSERT INTO lot (id, public_id, item_id, size, quantity, reserved, location_id,"
        " origin_kind, origin_id, entry_index, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?)",
        lots,
    )
    conn.executemany(
        "INSERT INTO stock_movement (lot_id, kind, delta, entry_index, user_id, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        moves,
    )
    if ledger:
        for first in range(0, len(batches) + 1, 1000):
            part = range(first, min(first + 1000, len(batches)))
            body = json.dumps(
                {
                    "v": 1,
                    "kind": "import.batches",
                    "at": "2026-11-24T00:00:00Z",
                    "data": {
                        "batch": [batches[i][1] for i in part],
                        "lot": [lots[i][1] for i in part],
                        "quantity": [batches[i][5] for i in part],
                        "made_on": [batches[i][6] for i in part],
                        "size": [batches[i][4] for i in part],
                    },
                },
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            leaf = hashlib.sha256(b"\x00" + body.encode()).digest()
            index = (
                conn.execute(
                    "UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size"
                ).fetchone()[0]
                - 1
            )
            conn.execute(
                "INSERT INTO ledger_entry (idx, kind, body, leaf_hash, created_at)"
                " VALUES (?, 'import.batches', ?, ?, ?)",
                (index, body, leaf, "2026-11-24 00:00:00"),
            )
            conn.execute(
                "INSERT INTO ledger_node (level, position, hash) VALUES (1, ?, ?)",
                (1_000_000 + index, hashlib.sha256(leaf + leaf).digest()),
            )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return len(batches) / elapsed


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>16}  {note}")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        template = make_app(tmp, "template.sqlite3")
        with template.app_context():
            db.engine.dispose()
        shutil.copy(tmp / "template.sqlite3", tmp / "app.sqlite3")
        app = make_app(tmp, "app.sqlite3")
        admin = world(app)
        data = rows(ROWS)
        load = os.getloadavg()
        print(
            f"bulk import, SQLite, WAL + synchronous=FULL ({ROWS:,} production rows, CSV);"
            f" load average {load[0]:.1f} on {os.cpu_count()} cores"
        )
        ceiling_data = ceiling_rows(app, data)
        raw_db, raw_ledger_db = tmp / "raw.sqlite3", tmp / "raw-ledger.sqlite3"
        snapshot(tmp / "app.sqlite3", raw_db)  # the same schema and the same world
        snapshot(tmp / "app.sqlite3", raw_ledger_db)
        checked, written, done = run(app, admin, "log.csv", as_csv(data))
        rate = done / written
        # Right after the confirm, on a copy taken before it: same disk, same moment's load.
        bare = raw_ceiling(raw_db, ceiling_data, ledger=False)
        bare_ledger = raw_ceiling(raw_ledger_db, ceiling_data, ledger=True)
        line(
            "dry run (read, check, store file and problems)",
            f"{ROWS / checked:,.0f} rows/s",
            f"{checked:.1f} s",
        )
        line(
            "confirm (check again + write + ledger + commit)",
            f"{rate:,.0f} rows/s",
            f"{written:.1f} s; {'meets target' if rate >= TARGET else 'BELOW TARGET'}"
            f" (>= {TARGET:,})",
        )
        line(
            "ceiling: bare sqlite3 executemany, same rows, 3 tables, 1 txn",
            f"{bare:,.0f} rows/s",
            f"confirm at {rate / bare:.0%} of it",
        )
        line(
            "ceiling: the same + as many ledger appends (101)",
            f"{bare_ledger:,.0f} rows/s",
            f"confirm at {rate / bare_ledger:.0%} of it",
        )
        print(f"  load average after: {os.getloadavg()[0]:.1f}")
        xlsx = as_xlsx(rows(XLSX_ROWS))
        x_checked, x_written, x_done = run(app, admin, "log.xlsx", xlsx)
        line(
            f"XLSX {XLSX_ROWS:,} rows: dry run",
            f"{XLSX_ROWS / x_checked:,.0f} rows/s",
            f"{x_checked:.1f} s",
        )
        line(
            f"XLSX {XLSX_ROWS:,} rows: confirm (reads the file again)",
            f"{x_done / x_written:,.0f} rows/s",
            f"{x_written:.1f} s",
        )
        # one BENCH-JSON line, at the very end
        figure(
            "import confirm, 100k CSV rows",
            rate,
            "rows/s",
            better="higher",
            target=TARGET,
            ceiling=bare_ledger,
            ceiling_name="bare sqlite3 executemany of the same rows + 101 ledger appends",
        )
        figure(
            "import confirm vs bare inserts only",
            rate,
            "rows/s",
            better="higher",
            ceiling=bare,
            ceiling_name="bare sqlite3 executemany of the same rows",
        )
        figure("import dry run, 100k CSV rows", ROWS / checked, "rows/s", better="higher")
        figure("import XLSX 10k rows, confirm", x_done / x_written, "rows/s", better="higher")
        emit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
