"""The true sources of a delivery line, as the dispute report prints them: the attribution
walk (transfers, kits, purchases pro rata), with makers and donors by quantity and funders
by money."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.attribution.credit import CreditKind, approx
from coordination.attribution.services import line_credits


def sources_of_line(session: Session, line: Any) -> list[dict[str, Any]]:
    """[{label, kind, quantity, money, currency}] for the line, public labels only."""
    out = []
    for credit in line_credits(session, line):
        out.append(
            {
                "label": credit.label,
                "kind": credit.kind.value,
                "quantity": approx(credit.quantity),
                "money": approx(credit.money_minor / 100)
                if credit.kind == CreditKind.FUNDER
                else None,
                "currency": credit.currency,
            }
        )
    return out
