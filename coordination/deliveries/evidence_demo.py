"""Demo photos for the demo handovers (filled in by the evidence work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from coordination.demo import World


def add_photos(session: Session, world: World) -> None:
    """Nothing yet."""
