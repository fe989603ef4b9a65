"""Turning one spreadsheet cell into a value, or a reason it cannot be one.

Money is parsed with Decimal, never float: "59000", "59 000,00" and "59000.50" become
integer minor units exactly, and more decimals than the currency has (2 for RUB) are
refused rather than rounded. A number cell from XLSX arrives as int or float; a float is
read through its shortest repr, which is the number the spreadsheet showed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from coordination.imports.reading import FORMULA_START, MAX_CELL, Cell
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.money.amounts import MAX_AMOUNT_MINOR, check_currency, digits
from coordination.stock.services import MAX_QUANTITY

_SPACES = re.compile(r"[ \u00a0\u202f\u2009']")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YES = {"yes", "y", "true", "1", "да", "д", "+"}
_NO = {"no", "n", "false", "0", "нет", "н", "-", ""}


class Bad:
    """A cell already refused: later checks of the row skip it."""


BAD: Any = Bad()


class CellError(Exception):
    """A cell's value was refused; message is a template for N_ and params fill it."""

    def __init__(self, message: str, column: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.params = params


def text(value: Cell, limit: int) -> str | None:
    """A text cell: trimmed, None if blank; NUL, formulas and over-long values refused."""
    if value is None:
        return None
    if isinstance(value, date):
        value = value.isoformat()
    value = str(value).strip()
    if not value:
        return None
    if "\x00" in value:
        raise CellError(N_("The cell contains a NUL character."))
    if value.startswith(FORMULA_START):
        raise CellError(
            N_("The cell looks like a formula (starts with =, +, - or @); type the value itself.")
        )
    if len(value) > min(limit, MAX_CELL):
        raise CellError(N_("Enter at most %(n)s characters."), n=min(limit, MAX_CELL))
    return value


def _number_text(value: Cell) -> str:
    if isinstance(value, bool | date):
        raise CellError(N_("Enter a number."))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) < 1e15 else "x"
    raw = str(value or "").strip()
    if "\x00" in raw:
        raise CellError(N_("The cell contains a NUL character."))
    if raw.startswith(("=", "@")):
        raise CellError(
            N_("The cell looks like a formula (starts with =, +, - or @); type the value itself.")
        )
    return _SPACES.sub("", raw)


def quantity(value: Cell) -> int:
    raw = _number_text(value)
    if raw.endswith(".0"):
        raw = raw[:-2]
    if (raw.startswith("-") and raw[1:].isdigit()) or raw in ("0", ""):
        raise CellError(N_("Enter a quantity from 1 to %(max)s."), max=MAX_QUANTITY)
    if not raw.isdigit() or len(raw) > 9:
        raise CellError(N_("Enter a whole number."))
    number = int(raw)
    if not 1 <= number <= MAX_QUANTITY:
        raise CellError(N_("Enter a quantity from 1 to %(max)s."), max=MAX_QUANTITY)
    return number


def currency(value: Cell) -> str:
    try:
        return check_currency(text(value, 3) or "RUB")
    except Invalid as exc:
        raise CellError(exc.template) from None


def amount(value: Cell, code: str) -> int:
    """Minor units of `code` (kopecks for RUB), exactly."""
    raw = _number_text(value)
    if "," in raw and "." in raw:
        raise CellError(N_("Write the amount with one decimal separator, e.g. 59000,50."))
    raw = raw.replace(",", ".")
    if not _NUMBER.fullmatch(raw):
        raise CellError(N_("Enter a positive amount such as 59000 or 59 000,50."))
    places = digits(code)
    if "." in raw and len(raw.split(".")[1].rstrip("0")) > places:
        raise CellError(
            N_("%(currency)s amounts have at most %(n)s decimal places."), currency=code, n=places
        )
    try:
        minor = int(Decimal(raw).scaleb(places))
    except InvalidOperation:
        raise CellError(N_("Enter a positive amount such as 59000 or 59 000,50.")) from None
    if not 0 < minor <= MAX_AMOUNT_MINOR:
        raise CellError(N_("Enter a positive amount such as 59000 or 59 000,50."))
    return minor


def day(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value, 20)
    if raw is None:
        raise CellError(N_("Enter a date."))
    found = _day(raw)
    if found is None:
        raise CellError(N_("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))
    return found


@lru_cache(maxsize=4096)  # a log repeats the same few hundred dates; strptime is slow
def _day(raw: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def flag(value: Cell) -> bool:
    raw = str(value if value is not None else "").strip().lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(N_("Enter yes or no."))
