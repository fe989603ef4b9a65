"""Who paid for a purchase: each funding donation's share of the whole and of each line.

Shares are exact integers of minor units; a line's price is split by the largest-remainder
rule, so the parts always add up to the price.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.donations.models import MoneyDonation, Purchase, PurchaseLine


def purchase_shares(session: Session, purchase: Purchase) -> list[tuple[MoneyDonation, int]]:
    """Each funding donation with what it paid, in minor units; they sum to the total.

    These are exact (each donation's share is what was recorded as taken from it), so the
    credit for the purchase's goods is pro rata to these amounts.
    """
    merged: dict[int, list[Any]] = {}
    for row in purchase.funding:
        merged.setdefault(row.donation_id, [row.donation, 0])[1] += row.amount_minor
    return [(donation, amount) for donation, amount in merged.values()]


def split_pro_rata(total: int, weights: list[int]) -> list[int]:
    """Split a whole number `total` in proportion to `weights`, exactly.

    Largest remainder: each part is first floor(total × weight / sum); the units left over
    go one each to the parts with the largest remainders, ties to the earlier weight. The
    parts always add up to `total`.
    """
    whole = sum(weights)
    if whole <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def line_shares(purchase: Purchase, line: PurchaseLine) -> list[tuple[MoneyDonation, int]]:
    """Each funding donation's share of one line's price (largest-remainder rule)."""
    rows = purchase.funding
    parts = split_pro_rata(line.price_minor, [row.amount_minor for row in rows])
    return [(row.donation, part) for row, part in zip(rows, parts, strict=True)]
