"""Helpers for import tests: files built in memory, counts of what an import writes."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.imports.models import ImportProblem
from coordination.ledger.models import LedgerEntry
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, StockMovement


def csv_bytes(rows: list[list[Any]], delimiter: str = ";", bom: bool = False) -> bytes:
    text = "\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts(session: Session) -> dict[str, int]:
    models = {
        "batch": ProductionBatch,
        "lot": Lot,
        "movement": StockMovement,
        "in_kind": InKindDonation,
        "money": MoneyDonation,
        "ledger": LedgerEntry,
    }
    return {
        name: session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in models.items()
    }


def problems(session: Session, job_id: int) -> list[tuple[int, str | None, str]]:
    rows = session.scalars(
        select(ImportProblem)
        .where(ImportProblem.job_id == job_id)
        .order_by(ImportProblem.row_no, ImportProblem.id)
    )
    return [(p.row_no, p.column, p.message % p.params if p.params else p.message) for p in rows]
