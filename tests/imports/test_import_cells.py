"""Cells: money to exact minor units, quantities, dates, formulas and files refused."""

from __future__ import annotations

from datetime import date

import pytest

from coordination.imports import cells
from coordination.imports.cells import CellError
from coordination.imports.reading import neutralise, open_sheet
from coordination.kernel.errors import Invalid
from tests.imports.support import csv_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("raw", "minor"),
    [
        ("59000", 5_900_000),
        ("59 000,00", 5_900_000),
        ("59000.50", 5_900_050),
        ("59\u00a0000,5", 5_900_050),
        (59000, 5_900_000),
        (59000.5, 5_900_050),
        ("0,01", 1),
        ("1234567,89", 123_456_789),
    ],
)
def test_amounts_become_exact_kopecks(raw, minor) -> None:
    assert cells.amount(raw, "RUB") == minor


@pytest.mark.parametrize("raw", ["12.345", "1,234.56", "-5", "0", "abc", "=1+1", "1e5", "", True])
def test_bad_amounts_are_refused(raw) -> None:
    with pytest.raises(CellError):
        cells.amount(raw, "RUB")


def test_a_currency_without_minor_units_takes_no_decimals() -> None:
    assert cells.amount("1500", "JPY") == 1500
    with pytest.raises(CellError, match="decimal places"):
        cells.amount("1500.5", "JPY")


@pytest.mark.parametrize("raw", ["RU", "рубли", "R1B", "=RUB"])
def test_bad_currencies_are_refused(raw) -> None:
    with pytest.raises(CellError):
        cells.currency(raw)


@pytest.mark.parametrize(
    ("raw", "want"), [("12", 12), (12, 12), (12.0, 12), ("1 000", 1000), ("100000", 100_000)]
)
def test_quantities(raw, want) -> None:
    assert cells.quantity(raw) == want


@pytest.mark.parametrize("raw", ["0", "-3", "100001", "12.5", 12.5, "x", "=A1*2", "1e3"])
def test_bad_quantities(raw) -> None:
    with pytest.raises(CellError):
        cells.quantity(raw)


def test_dates_in_both_spellings() -> None:
    assert cells.day("2026-11-01") == cells.day("01.11.2026") == date(2026, 11, 1)
    with pytest.raises(CellError):
        cells.day("11/32/2026")


@pytest.mark.parametrize("raw", ['=HYPERLINK("x")', "+7 902", "-cmd", "@SUM(A1)", "a\x00b"])
def test_formulas_and_nul_are_refused_in_text(raw) -> None:
    with pytest.raises(CellError):
        cells.text(raw, 100)


def test_neutralise_quotes_what_a_spreadsheet_would_run() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("@x") == "'@x"
    assert neutralise("-2") == "'-2" and neutralise("plain") == "plain"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.pdf", b"%PDF-1.7 binary", "neither"),
        ("x.xls", b"\xd0\xcf\x11\xe0rest", "xls"),
        ("x.csv", "группа;товар".encode("cp1251"), "UTF-8"),
        ("x.xlsx", b"PK\x03\x04not really a zip", "cannot be read"),
        ("x.csv", b"", "empty"),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(name, data, message) -> None:
    with pytest.raises(Invalid, match=message):
        open_sheet(name, data)


def test_csv_delimiters_and_bom_are_read_and_xlsx_keeps_row_numbers() -> None:
    for data in (
        csv_bytes([["item", "quantity"], ["A", 1]], ","),
        csv_bytes([["Item", "Quantity"], ["A", 1]], ";", bom=True),
    ):
        sheet = open_sheet("f.csv", data)
        assert sheet.columns == ["item", "quantity"] and list(sheet.rows) == [(2, ["A", "1"])]
    sheet = open_sheet(
        "f.xlsx",
        xlsx_bytes([["item", "when"], ["A", date(2026, 1, 2)], [None, None], ["B", "=1+1"]]),
    )
    assert list(sheet.rows) == [(2, ["A", date(2026, 1, 2)]), (4, ["B", "=1+1"])]
