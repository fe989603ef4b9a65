"""Reading an uploaded spreadsheet into numbered rows of named cells.

CSV: UTF-8 (with or without a BOM), ";" or "," as the delimiter (sniffed from the header
line, which is what Russian and English Excel save). XLSX: openpyxl in read_only mode, the
first sheet, formulas read as their text so they can be refused rather than trusted (a
cached formula result may be stale or absent). The first row holds the column names;
row numbers are the spreadsheet's own (the header is row 1), so a user finds the row.

Limits keep one upload from exhausting the server: MAX_BYTES, MAX_ROWS, MAX_COLUMNS and
MAX_CELL characters; anything else is refused with a message naming the limit.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_

MAX_BYTES = 15 * 1024 * 1024  # below the app's 16 MB request limit, so the message is ours
MAX_ROWS = 200_000
MAX_COLUMNS = 30
MAX_CELL = 1000
# An XLSX file is a zip archive of XML parts. A few hundred KB can inflate to gigabytes, and
# openpyxl keeps every shared string in memory, so the archive's directory is checked before
# anything is inflated. zipfile never yields more than an entry's declared size (and fails
# its CRC check when the data is longer), so declared sizes are a bound that holds.
MAX_ZIP_ENTRIES = 300
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
# Spreadsheet XML deflates 5 to 30 times; a bomb is built of runs that deflate ~1000 times.
MAX_RATIO = 150
FORMULA_START = ("=", "+", "-", "@")
Cell = str | int | float | date | None


@dataclass
class Sheet:
    columns: list[str]  # lower-cased header names, in file order
    rows: Iterator[tuple[int, list[Cell]]]  # (row number, cells in column order)


def neutralise(text: str) -> str:
    """Text safe to put in a CSV a spreadsheet will open: a formula-looking cell is quoted."""
    if text[:1] in FORMULA_START or text[:1] in ("\t", "\r"):
        return "'" + text
    return text


def file_kind(name: str, head: bytes) -> str:
    """'xlsx' or 'csv' from the content and the name, or Invalid for anything else."""
    lowered = (name or "").lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid(N_("Old .xls files cannot be read: save the sheet as XLSX or CSV."), "file")
    if lowered.endswith((".csv", ".txt")):
        return "csv"  # a binary file will not decode as UTF-8, and is refused there
    raise Invalid(N_("Upload a CSV (UTF-8) or XLSX file; this file is neither."), "file")


def open_sheet(name: str, data: bytes) -> Sheet:
    if not data:
        raise Invalid(N_("The file is empty."), "file")
    if len(data) > MAX_BYTES:
        raise Invalid(N_("The file is larger than %(n)s MB."), "file", n=MAX_BYTES // 2**20)
    if file_kind(name, data[:8192]) == "xlsx":
        return _xlsx(data)
    return _csv(data)


def _header(cells: list[Any]) -> list[str]:
    names = [str(c).strip().lower() if c is not None else "" for c in cells[:MAX_COLUMNS]]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise Invalid(N_("The first row must name the columns; see the template."), "file")
    return names


def _csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(N_("Save the CSV file as UTF-8 (in Excel: CSV UTF-8)."), "file") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise Invalid(N_("The file is empty."), "file") from None
    columns = _header(list(header))
    width = len(columns)  # cells right of the last named column are not read

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        number = 1
        try:
            for record in reader:
                number += 1
                if "".join(record).strip():  # some cell holds more than blanks
                    cells: list[Cell] = record[:width]  # type: ignore[assignment]
                    yield number, cells
        except csv.Error:
            raise Invalid(
                N_("Row %(row)s is not valid CSV (a quote is not closed)."), "file", row=number + 1
            ) from None

    return Sheet(columns, rows())


def _xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = next(values, None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError):
        raise Invalid(
            N_("This XLSX file cannot be read; save it again from the spreadsheet."), "file"
        ) from None
    if header is None:
        raise Invalid(N_("The file is empty."), "file")
    columns = _header(list(header))
    width = len(columns)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, record in enumerate(values, 2):
            cells = [_xlsx_cell(v) for v in record[:width]]
            if any(c is not None and c != "" for c in cells):
                yield number, cells
        book.close()

    return Sheet(columns, rows())


def check_zip(data: bytes) -> None:
    """Refuse an archive whose directory promises more than a spreadsheet holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Invalid(
            N_("This XLSX file cannot be read; save it again from the spreadsheet."), "file"
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise Invalid(N_("This XLSX file has too many parts to be a spreadsheet."), "file")
    total = 0
    for entry in entries:
        size = entry.file_size
        total += size
        limit = MAX_SHARED_STRINGS_BYTES if "sharedstrings" in entry.filename.lower() else None
        too_big = size > (limit or MAX_ENTRY_BYTES)
        # Tiny entries can have any ratio (an empty part compresses to almost nothing).
        ratio = size / max(entry.compress_size, 1)
        if too_big or (size > 1024 * 1024 and ratio > MAX_RATIO) or total > MAX_TOTAL_BYTES:
            raise Invalid(
                N_(
                    "This XLSX file unpacks to far more data than its size suggests, "
                    "so it is not read. Save the sheet again, or split it into smaller files."
                ),
                "file",
            )


def _xlsx_cell(value: Any) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, str | int | float | date):
        return value
    return str(value)


def limited(sheet: Sheet) -> Iterator[tuple[int, list[Cell]]]:
    """The sheet's rows, refusing the file once it holds more than MAX_ROWS of them."""
    for count, row in enumerate(sheet.rows, 1):
        if count > MAX_ROWS:
            raise Invalid(
                N_("The file has more than %(n)s rows; split it into smaller files."),
                "file",
                n=MAX_ROWS,
            )
        yield row
