"""The machine-readable line every bench script ends with, read by bench/run_all.py.

A script collects its figures with `figure(...)` and calls `emit()` once at the end; it
prints one line `BENCH-JSON {"results": [...]}`. See bench/README.md.
"""

from __future__ import annotations

import json
from typing import Literal

PREFIX = "BENCH-JSON "
Better = Literal["lower", "higher"]

_results: list[dict[str, object]] = []


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    better: Better,
    target: float | None = None,
    ceiling: float | None = None,
    ceiling_name: str | None = None,
) -> dict[str, object]:
    """Record one figure; ratio is value/ceiling (a share of what the bare tool achieves)."""
    ratio = None
    if ceiling:
        ratio = value / ceiling if better == "higher" else ceiling / value if value else None
    meets = None
    if target is not None:
        meets = value >= target if better == "higher" else value <= target
    row: dict[str, object] = {
        "name": name,
        "value": value,
        "unit": unit,
        "better": better,
        "target": target,
        "ceiling": ceiling,
        "ceiling_name": ceiling_name,
        "ratio": ratio,
        "meets_target": meets,
    }
    _results.append(row)
    return row


def emit() -> None:
    print(PREFIX + json.dumps({"results": _results}, ensure_ascii=False), flush=True)
