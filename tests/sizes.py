"""How hard the generated and concurrent tests push: quick by default, full with `make fuzz`.

`make test` draws FRESH random inputs on every run (a new seed each time, printed in the
header: `hypothesis seed N`), so fewer examples per run explore new ground run after run,
where the same fixed 500 inputs repeated forever explored nothing new. A failure is
reproduced with `HYPOTHESIS_SEED=N` (or `--hypothesis-seed=N`), then kept for good as an
explicit `@example(...)` on the test. `make fuzz` (AIDTRAIL_TEST_SIZE=full) runs the full
sizes: every generated test at its full example count and every concurrency test for all its
rounds.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings

FULL = os.environ.get("AIDTRAIL_TEST_SIZE", "quick") == "full"


def sized(full: int, quick: int) -> int:
    """`full` under `make fuzz`, else `quick`."""
    return full if FULL else quick


def fuzz_settings(full: int, quick: int, **extra: Any) -> settings:
    """Settings for a generated test that sends requests: random (never derandomized), no
    deadline (the machine is shared), fixtures built once per test function by design."""
    values: dict[str, Any] = {
        "max_examples": sized(full, quick),
        "deadline": None,
        "derandomize": False,
        # No example database: what a run tries follows from its seed alone.
        "database": None,
        "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    }
    values.update(extra)
    return settings(**values)
