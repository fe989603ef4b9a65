"""Canary coverage of later capabilities, one module per domain.

Each module `tests/privacy/parts/<domain>.py` defines:

- `CLASSIFIED: dict[ModuleType, tuple[set[str], set[str]]]`: for each service module, its
  writing functions and its other public functions (every public function must be listed);
- `exercise(session, admin, made) -> None`: calls every writer with canary personal data
  (tests/privacy/test_canary.py CANARIES); `made` holds the canary household, unit, donor,
  group, volunteer, family user and region created before, and parts may add to it;
- optionally `public_paths(session, made) -> list[str]`: public URLs (no login) whose answers
  must not contain any canary.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def canary_parts() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
