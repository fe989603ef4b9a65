"""Operations commands (filled in by the operations work)."""

from __future__ import annotations

from flask import Flask


def init_ops_cli(app: Flask) -> None:
    """No commands yet."""
