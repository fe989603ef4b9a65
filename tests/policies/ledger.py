"""Access policy of the ledger openings a household or unit reads about itself.

Only a family or a unit representative opens the commitments to its own household or unit
(the holder opens any entry with `flask --app app ledger open`, not through the web); no
path parameter, so nobody can ask for another party's openings.
"""

from __future__ import annotations

from typing import Any

from tests.access_helpers import api_only

POLICY: dict[str, dict[str, Any]] = {
    "api.account_my_openings": {"expect": api_only("family", "unit_rep")},
}
