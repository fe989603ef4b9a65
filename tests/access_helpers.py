"""The vocabulary of the access policy (tests/test_access_policy.py and tests/policies/*.py)."""

from __future__ import annotations

from typing import Any

from coordination.kernel.actors import Role

LOGIN = "login"
REDIRECT = "redirect"
ANON = "anonymous"
ROLES = [ANON, *(r.value for r in Role)]  # anonymous, family, unit_rep, volunteer, ...
SIGNED_IN = ROLES[1:]
EXCLUDED = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

Outcome = int | str


def everyone(outcome: Outcome = 200) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome = 200, **per_role: Outcome) -> dict[str, Outcome]:
    """Anonymous visitors are sent to log in; every role gets `outcome` unless listed."""
    return {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, outcome), **per_role}


def only(*roles: str, ok: Outcome = 200, others: Outcome = 403) -> dict[str, Outcome]:
    """A page for some roles: anonymous → login, the roles → ok, every other role → 403."""
    return {ANON: LOGIN, **{r: (ok if r in roles else others) for r in SIGNED_IN}}


def api(outcome: Outcome = 200, **per_role: Outcome) -> dict[str, Outcome]:
    """An API endpoint for every role: no token → 401."""
    return {ANON: 401, **dict.fromkeys(SIGNED_IN, outcome), **per_role}


def api_only(*roles: str, ok: Outcome = 200) -> dict[str, Outcome]:
    """An API endpoint for some roles: no token → 401, other roles → 403."""
    return {ANON: 401, **{r: (ok if r in roles else 403) for r in SIGNED_IN}}


STAFF = ("coordinator", "admin")
# The outsider need (need_id) is another household's, in a region no role user coordinates:
# submitters and the coordinator get 404, the admin (every region) sees it. REGION_NEED fills
# the same parameters with a need in the coordinator's own region.
OTHERS_NEED = {"family": 404, "unit_rep": 404, "coordinator": 404}
REGION_NEED = {"need_id": "region_need_id", "line_id": "region_line_id"}


def triage_entry(ok: Outcome, why: str) -> dict[str, Any]:
    return {
        "expect": only(*STAFF, ok=ok) | {"coordinator": 404},
        "why": "another region's need",
        "also": [{"fill": REGION_NEED, "expect": only(*STAFF, ok=ok), "why": why}],
    }


OTHERS_LOT = {
    "expect": only("volunteer", *STAFF) | {"volunteer": 404, "coordinator": 404},
    "why": "another group's lot, in another coordinator's region",
    "also": [
        {
            "fill": {"lot_id": "own_lot_id"},
            "expect": only("volunteer", *STAFF),
            "why": "the volunteer's own group's lot, in the coordinator's region",
        }
    ],
}


# Region scope: the outsider objects are in another region, so the coordinator gets 404
# (ELSEWHERE); the REGION_* fills name objects of the coordinator's own region.
ELSEWHERE = {"coordinator": 404}
REGION_PARTY = {"party_id": "region_party_id"}
REGION_HOUSEHOLD = {"party_id": "region_household_id"}
REGION_PLACE = {"location_id": "own_location_id"}
# A coordinator of a second region, who gets the first region's ids (tests/
# test_access_policy_regions.py); not a column of the table: it is a coordinator.
SECOND_COORDINATOR = "coordinator_elsewhere"


def in_region_only(fill: dict[str, str], ok: Outcome) -> dict[str, Any]:
    """A staff page on one object: 404 for the coordinator when it is another region's."""
    return {
        "expect": only(*STAFF, ok=ok) | ELSEWHERE,
        "why": "another region's object",
        "also": [{"fill": fill, "expect": only(*STAFF, ok=ok), "why": "in region"}],
    }
