"""Bulk import on SQLite: 100,000 production rows from CSV, checked and written, in rows/s.

Two figures per file: the dry run (read, check every row against preloaded lookups, store
the encrypted upload and the problems) and the confirm (the runner checks the file again,
then writes batches, lots, movements and one ledger entry per 1,000 rows in ONE
transaction, then commits). Target: the confirm at >= 10,000 rows/s.

Ceiling measured in the same run: bare sqlite3 executemany of the same number of rows
into the same three tables (production_batch, lot, stock_movement), ids precomputed, one
transaction, the app's PRAGMAs: what the disk and SQLite allow with no Python app around
it. Also an XLSX of 10,000 rows (openpyxl read_only), whose reading dominates.
"""

from __future__ import annotations

import io
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from coordination import create_app  # noqa: E402
from coordination.db import db  # noqa: E402

ROWS = 100_000
XLSX_ROWS = 10_000
TARGET = 10_000
try:  # the machine-readable summary line, where bench/protocol.py is present
    from bench.protocol import emit, figure  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older checkouts
    emit = figure = None


def make_app(tmp: Path, name: str) -> Flask:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / name}", "SECRET_KEY": "bench",
                      "AIDTRAIL_KEYS_DIR": str(tmp / "keys"), "IMPORTS_DIR": str(tmp / "up")})
    with app.app_context():
        upgrade()
    return app


def world(app: Flask) -> int:
    from coordination.accounts.models import Role
    from coordination.accounts.services import create_user
    from coordination.catalog.models import Item, UnitOfMeasure
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
            s.add(Location(name=f"Workshop {n}", kind=LocationKind.WORKSHOP,
                           region_id=region.id, party_id=group.id))
        for code in ("WOOL-SOCKS", "BALACLAVA", "GLOVES"):
            s.add(Item(code=code, name_ru=code, name_en=code, unit=UnitOfMeasure.PAIR,
                       sizes=["40-42", "42-44"] if code == "WOOL-SOCKS" else []))
        admin = create_user(s, None, username="bench-admin", password=secrets.token_hex(12),
                            role=Role.ADMIN)
        s.commit()
        return admin.id


def rows(n: int) -> list[list[object]]:
    start = date(2025, 1, 1)
    items = [("WOOL-SOCKS", "42-44"), ("BALACLAVA", ""), ("GLOVES", "")]
    out: list[list[object]] = []
    for i in range(n):
        code, size = items[i % 3]
        members = "Ivanova, Petrova" if i % 10 == 0 else ""
        out.append([f"Circle {i % 5}", code, size, i % 150 + 1,
                    (start + timedelta(days=i % 600)).isoformat(), members, "no"])
    return out


HEADER = ["group", "item", "size", "quantity", "made_on", "members", "members_public"]


def as_csv(data: list[list[object]]) -> bytes:
    return ("\n".join(";".join(str(c) for c in r) for r in [HEADER, *data]) + "\n").encode()


def as_xlsx(data: list[list[object]]) -> bytes:
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
        start = time.perf_counter()
        job = check_upload(s, admin, ImportKind.BATCHES, name, data)
        s.commit()
        checked = time.perf_counter() - start
        start = time.perf_counter()
        job = confirm_import(s, admin, job)
        written = time.perf_counter() - start
        assert job.status == ImportStatus.DONE, job.failure
        return checked, written, job.done_rows


def raw_ceiling(path: Path, n: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    base = 10_000_000
    now = "2026-11-24 00:00:00.000000"
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO production_batch (id, public_id, group_id, item_id, size, quantity, made_on,"
        " members, made_by_members_public, created_at) VALUES (?, ?, 1, 1, '42-44', ?, ?, NULL,"
        " 0, ?)", ((base + i, secrets.token_hex(8), i % 150 + 1, "2026-01-01", now)
                   for i in range(n)))
    conn.executemany(
        "INSERT INTO lot (id, public_id, item_id, size, quantity, reserved, location_id,"
        " origin_kind, origin_id, entry_index, created_at) VALUES (?, ?, 1, '42-44', ?, 0, 1,"
        " 'batch', ?, 0, ?)",
        ((base + i, secrets.token_hex(8), i % 150 + 1, base + i, now) for i in range(n)))
    conn.executemany(
        "INSERT INTO stock_movement (lot_id, kind, delta, entry_index, at)"
        " VALUES (?, 'in', ?, 0, ?)", ((base + i, i % 150 + 1, now) for i in range(n)))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


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
        print(f"bulk import, SQLite, WAL + synchronous=FULL ({ROWS:,} production rows, CSV)")
        checked, written, done = run(app, admin, "log.csv", as_csv(data))
        rate = done / written
        line("dry run (read, check, store file and problems)", f"{ROWS / checked:,.0f} rows/s",
             f"{checked:.1f} s")
        line("confirm (check again + write + ledger + commit)", f"{rate:,.0f} rows/s",
             f"{written:.1f} s; {'meets target' if rate >= TARGET else 'BELOW TARGET'}"
             f" (>= {TARGET:,})")
        raw_db = tmp / "raw.sqlite3"
        shutil.copy(tmp / "app.sqlite3", raw_db)
        ceiling = raw_ceiling(raw_db, ROWS)
        line("ceiling: bare sqlite3 executemany, same 3 tables, 1 txn", f"{ceiling:,.0f} rows/s")
        xlsx = as_xlsx(rows(XLSX_ROWS))
        x_checked, x_written, x_done = run(app, admin, "log.xlsx", xlsx)
        line(f"XLSX {XLSX_ROWS:,} rows: dry run", f"{XLSX_ROWS / x_checked:,.0f} rows/s",
             f"{x_checked:.1f} s")
        line(f"XLSX {XLSX_ROWS:,} rows: confirm (reads the file again)",
             f"{x_done / x_written:,.0f} rows/s", f"{x_written:.1f} s")
        if figure is not None and emit is not None:
            figure("import confirm, 100k CSV rows", rate, "rows/s", better="higher",
                   target=TARGET, ceiling=ceiling, ceiling_name="bare sqlite3 executemany")
            figure("import dry run, 100k CSV rows", ROWS / checked, "rows/s", better="higher")
            figure("import XLSX 10k rows, confirm", x_done / x_written, "rows/s",
                   better="higher")
            emit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
