"""Money amounts: integer minor units in an ISO 4217 currency, never floats.

Forms take an amount in major units as typed ("59 000,50"); it is parsed as text into
minor units and shown back through Decimal, which is exact, so a kopeck is never lost.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Protocol

from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_, has_nul
from coordination.ledger.privacy import commit, new_salt

CURRENCY = re.compile(r"[A-Z]{3}")
MAX_AMOUNT_MINOR = 10**13  # 100 billion in major units: far above any real donation
# ISO 4217 minor-unit exponents that are not 2; every other code has 2.
MINOR_DIGITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
_MAJOR = re.compile(r"(\d{1,14})(?:[.,](\d{1,3}))?")
TEXT_LIMIT = 120


def digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def check_currency(value: Any, field: str = "currency") -> str:
    currency = value.strip().upper() if isinstance(value, str) else ""
    if not CURRENCY.fullmatch(currency):
        raise Invalid(N_("Enter a three-letter currency code such as RUB."), field)
    return currency


def check_amount(value: Any, field: str = "amount_minor") -> int:
    """A whole, positive number of minor units; bool and float are refused, not rounded."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or not 0 < value <= MAX_AMOUNT_MINOR:
        raise Invalid(N_("Enter a positive amount."), field)
    return int(value)


def parse_major(text: str | None, currency: str, field: str = "amount") -> int:
    """'59 000,50' RUB -> 5_900_050. More decimals than the currency has are refused."""
    raw = re.sub(r"[\s\u00a0\u202f']", "", text or "")
    match = _MAJOR.fullmatch(raw)
    places = digits(currency)
    if match is None or len(match.group(2) or "") > places:
        raise Invalid(N_("Enter an amount such as 1500 or 1500.50."), field)
    fraction = (match.group(2) or "").ljust(places, "0")
    return check_amount(int(match.group(1)) * 10**places + int(fraction or 0), field)


def major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-digits(currency))


def format_amount(amount_minor: int, currency: str) -> str:
    """Exact major units with thousands separated: 5_900_050 RUB -> '59 000.50 RUB'."""
    places = digits(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, part = divmod(abs(amount_minor), 10**places)
    text = f"{whole:,}".replace(",", "\u202f")
    if places:
        text += "." + str(part).rjust(places, "0")
    return f"{sign}{text} {currency}"


def clean_text(value: str | None, field: str, limit: int = TEXT_LIMIT) -> str | None:
    value = " ".join((value or "").split()) or None
    if value is not None and (len(value) > limit or has_nul(value)):
        raise Invalid(N_("Enter at most %(n)s characters."), field, n=limit)
    return value


def earmark_key(earmark: str | None) -> str | None:
    """Earmarks compare ignoring case and spacing: "Medical  kits" is "medical kits"."""
    return " ".join(earmark.split()).casefold() if earmark else None


class Earmarked(Protocol):
    earmark: str | None
    earmark_salt: bytes | None


def commit_earmark(
    earmark: str | None, salt: bytes | None = None
) -> tuple[str | None, bytes | None]:
    """What the ledger says of an earmark, and the salt to keep: (commit(earmark_key, salt),
    salt), a new salt if none is given; (None, salt) without an earmark.

    An earmark is free text a coordinator typed and may name a person ("for Ivanov's son"),
    and the ledger is public and permanent, so its text never goes there. The salt is kept on
    the row, so the holder can show an auditor which earmark was committed, and that a
    purchase's earmark is its donation's, without publishing either.
    """
    key = earmark_key(earmark)
    if key is None:
        return None, salt
    salt = salt or new_salt()
    return commit(key, salt), salt


def earmark_commitment(row: Earmarked) -> str | None:
    """commit_earmark() for a row, keeping its salt on it (made on first use)."""
    commitment, row.earmark_salt = commit_earmark(row.earmark, row.earmark_salt)
    return commitment
