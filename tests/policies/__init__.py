"""Access-policy entries of later capabilities, one module per domain.

Each module `tests/policies/<domain>.py` defines:

- `POLICY: dict[str, dict]`: entries in the format of tests/test_access_policy.py (use the
  helpers in tests/access_helpers.py);
- optionally `extend_world(session, users, base) -> dict[str, Any]`: creates the objects its
  routes need (belonging to somebody else: `base["group"]` is the outsider group, with
  `base["location"]` and `base["lot"]`; `base["own_location"]`/`base["own_lot"]` belong to
  the volunteer user's group in the coordinator's region) and returns filler values by path
  parameter name (e.g. {"delivery_id": 7}). `users` maps role names to the role users.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session


def _modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]


def more_policies() -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for module in _modules():
        clash = merged.keys() & module.POLICY.keys()
        assert not clash, f"{module.__name__} repeats policy entries {sorted(clash)}"
        merged.update(module.POLICY)
    return merged


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for module in _modules():
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            values.update(extend(session, users, base))
    return values
