"""Region scope over the whole access-policy table: a coordinator of a second region.

Every route of tests/test_access_policy.py is requested again with the first region's ids:
each path parameter that names an object is replaced by its twin in the coordinator's own
region (FIRST_REGION). The coordinator of that region must get in (the table says what it
gets); the coordinator of the second region must get 404 (DESIGN §4: "a coordinator only its
own region ... the answer to anyone else is 404"), unless the entry's "elsewhere" says
otherwise and why. A route with no such parameter (a list, a form for a new object, the
catalog, regions, public pages) answers the second coordinator as it answers the first; the
lists' contents are checked in tests/security/test_region_scope.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask

from tests.access_helpers import SECOND_COORDINATOR, Outcome
from tests.test_access_policy import (
    DENIALS,
    POLICY,
    Case,
    SignIns,
    World,
    build_world,
    cases,
    methods_of,
    request_as,
    rules,
)

# Filler name -> the filler naming the same kind of object in the coordinator's own region.
FIRST_REGION = {
    "party_id": "region_party_id",
    "household_id": "region_household_id",
    "location_id": "own_location_id",
    "lot_id": "own_lot_id",
    "batch_id": "own_batch_id",
    "need_id": "region_need_id",
    "line_id": "region_line_id",
    "delivery_id": "region_delivery_id",
    "delivery_line_id": "region_delivery_line_id",
    "handover_id": "region_handover_id",
    "evidence_id": "region_evidence_id",
}
TWINS = set(FIRST_REGION.values())

# Entries whose second-region answer is not 404, and why. Each is checked like the rest.
SOURCE = "a source's credit report is network-wide (auditors read it) and has no personal field"
# The API checks a write's body before it reads the object, so an empty body is refused
# (400) first; tests/security/test_region_scope.py sends these writes valid bodies: 404.
BODY_FIRST = "an empty body is refused before the object is read"
ELSEWHERE: dict[str, tuple[Outcome, str]] = {
    "reports.source": (200, SOURCE),
    "api.reports_party": (200, SOURCE),
    **{
        endpoint: (400, BODY_FIRST)
        for endpoint in (
            "api.deliveries_cancel_delivery",
            "api.deliveries_deliver_delivery",
            "api.deliveries_dispatch_delivery",
            "api.deliveries_add_handover",
            "api.deliveries_add_line",
            "api.deliveries_remove_line",
            "api.deliveries_pack_delivery",
            "api.deliveries_add_receipt",
            "api.deliveries_unpack_delivery",
            "api.evidence_set_public",
            "api.evidence_upload",
            "api.parties_update_location",
            "api.parties_update_party",
            "api.needs_approve_need",
            "api.needs_comment_need",
            "api.needs_line_unavailable",
            "api.needs_merge_need",
            "api.needs_reject_need",
            "api.stock_adjust",
            "api.stock_take",
            "api.stock_transfer",
        )
    },
}


def first_region_fill(rule: Any, case: Case) -> dict[str, str] | None:
    """The case's fill with every object parameter moved to the first region's twin, or
    None when no parameter of the rule names an object of a region."""
    fill = {}
    for arg in rule.arguments:
        base = case.fill.get(arg, arg)
        fill[arg] = FIRST_REGION.get(base, base)
    return fill if TWINS & set(fill.values()) else None


def region_cases(rule: Any) -> Iterator[tuple[Case, dict[str, str] | None]]:
    """Each case of the rule's entry where the table lets the first region's coordinator in,
    with its first-region fill (deduplicated)."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    for case in cases(POLICY[rule.endpoint]):
        if case.expect["coordinator"] in DENIALS:
            continue
        fill = first_region_fill(rule, case)
        key = tuple(sorted((fill or case.fill).items()))
        if key in seen:
            continue
        seen.add(key)
        yield case, fill


def _check(
    app: Flask,
    world: World,
    rule: Any,
    case: Case,
    fill: dict[str, str] | None,
    signins: SignIns,
) -> list[str]:
    first = methods_of(rule)[0]
    where = f"{rule.endpoint} [{first} {rule.rule}]"
    if fill is None:
        # Nothing of a region in the URL: the second coordinator gets what the first gets.
        want = case.expect["coordinator"]
        got = request_as(app, world, SECOND_COORDINATOR, rule, case, first, signins)
        return [] if got == want else [f"{where}: expected {want} like the coordinator, got {got}"]
    moved = Case(case.expect, fill, case.query, case.label)
    wrong = []
    mine = request_as(app, world, "coordinator", rule, moved, first, signins)
    if mine in DENIALS:
        wrong.append(f"{where} with {fill}: the region's own coordinator got {mine}")
    want, why = ELSEWHERE.get(rule.endpoint, (404, "another region's object"))
    got = request_as(app, world, SECOND_COORDINATOR, rule, moved, first, signins)
    if got != want:
        wrong.append(
            f"{where} with {fill} as {SECOND_COORDINATOR}: expected {want} ({why}), got {got}"
        )
    return wrong


def test_a_second_regions_coordinator_gets_404_for_the_first_regions_ids(app, session) -> None:
    world = build_world(session)
    signins = SignIns(app)
    wrong: list[str] = []
    checked = 0
    for rule in rules(app):
        if rule.endpoint not in POLICY:
            continue  # reported by test_every_rule_has_a_policy
        for case, fill in region_cases(rule):
            wrong += _check(app, world, rule, case, fill, signins)
            checked += fill is not None
    assert not wrong, "region scope violations:\n  " + "\n  ".join(wrong)
    # The table must really reach the region's objects: parties, places, needs, stock,
    # deliveries, handovers and evidence routes all have first-region twins.
    assert checked >= 40, checked


def test_every_twin_names_an_object_of_the_coordinators_region(app, session) -> None:
    world = build_world(session)
    missing = sorted(name for name in TWINS if name not in world.values)
    assert not missing, f"add these fillers to the world: {missing}"
