"""The true sources of a delivery line, as the dispute report prints them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.stock.origins import origin_source


def sources_of_line(session: Session, line: Any) -> list[dict[str, Any]]:
    """[{label, kind, quantity}] for the line: its lot's origin (walked back by attribution)."""
    kind, label, _origin = origin_source(session, line.lot)
    return [{"label": label or "anonymous donor", "kind": kind, "quantity": line.quantity}]
