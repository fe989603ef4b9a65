"""Template files to download: the header every import kind expects and one example row.

Column format (also shown on the upload page):
- batches: group (name or public id; volunteers may leave it empty for their own group),
  item (catalog code), size (optional, one of the item's sizes), quantity (1..100000),
  made_on (YYYY-MM-DD or DD.MM.YYYY), members (optional names, encrypted, never in the
  ledger), members_public (yes/no);
- in_kind: location (name or public id), donor (name or public id; empty = anonymous),
  item, size, quantity, received_on — one row is one donation of one item;
- money: donor, amount ("59000", "59 000,00" or "59000.50"), currency (ISO 4217, empty =
  RUB), received_on, status (received or pledged; empty = received), campaign and holder
  (names or public ids, optional), channel and earmark (optional, never in the ledger).
"""

from __future__ import annotations

import csv
import io

from coordination.imports.checks import COLUMNS
from coordination.imports.models import ImportKind

EXAMPLES: dict[ImportKind, list[str]] = {
    ImportKind.BATCHES: ["Kostroma circle", "WOOL-SOCKS", "42-44", "150", "2026-11-01", "", "no"],
    ImportKind.IN_KIND: ["Vladimir hub", "", "WOOL-SOCKS", "42-44", "20", "2026-11-02"],
    ImportKind.MONEY: ["", "59 000,00", "RUB", "2026-11-03", "received", "", "", "", ""],
}


def sample_csv(kind: ImportKind) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS[kind])
    writer.writerow(EXAMPLES[kind])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def sample_xlsx(kind: ImportKind) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.value)
    sheet.append(list(COLUMNS[kind]))
    sheet.append(EXAMPLES[kind])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
