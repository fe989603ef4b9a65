"""Demo part for this domain (filled in by its work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from coordination.demo import World


def add_money(session: Session, world: World) -> None:
    """Nothing yet."""
