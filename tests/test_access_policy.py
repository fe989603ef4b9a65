"""Who may open what: every URL rule × every role, checked against one table.

Default deny for the suite: a rule that appears in app.url_map without an entry in POLICY
fails `test_every_rule_has_a_policy`. When you add a route, add one entry below saying what
each role should get; when a path parameter has a new name, add a filler to `fillers()`.

Path parameters are filled with objects that exist but belong to somebody else (an outsider
group, its user, token and location), so object-level checks must answer 404, while staff
who may see everything get the page.

Outcomes: an HTTP status (200, 400, 401, 403, 404, 405...), LOGIN (a redirect to the login
page) or REDIRECT (any other redirect, e.g. after a POST that did its work or re-showed a form).
Each request is made with the rule's GET if it has one, else its first method, with an empty
form body (CSRF is off here; tests/security/test_csrf.py covers it) and the entry's query.
The API (/api/...) is called with a bearer token for the role instead of a session cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.accounts import services as accounts
from coordination.accounts.models import User, UserSession
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.ledger.services import append
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.access_helpers import (
    ANON,
    ELSEWHERE,
    EXCLUDED,
    IGNORED_METHODS,
    LOGIN,
    OTHERS_LOT,
    OTHERS_NEED,
    REDIRECT,
    REGION_HOUSEHOLD,
    REGION_NEED,
    REGION_PARTY,
    REGION_PLACE,
    ROLES,
    SECOND_COORDINATOR,
    SIGNED_IN,
    STAFF,
    Outcome,
    api,
    api_only,
    everyone,
    in_region_only,
    only,
    signed_in,
    triage_entry,
)
from tests.isolation import IsolatedClient, isolated_client
from tests.policies import extend_world, more_policies

# One entry per endpoint. "expect" is required; "query" and "why" are optional.
POLICY: dict[str, dict[str, Any]] = {
    # --- main ---
    "main.home": {"expect": everyone(200)},
    "main.health": {"expect": everyone(200)},
    "main.set_language": {"expect": everyone(REDIRECT)},
    # --- accounts ---
    "accounts.login": {
        "expect": {ANON: 200, **dict.fromkeys(SIGNED_IN, REDIRECT)},
        "why": "a signed-in user is sent home",
    },
    "accounts.logout": {"expect": everyone(LOGIN)},
    "accounts.account": {"expect": signed_in(200)},
    "accounts.change_password": {"expect": signed_in(400), "why": "empty form is refused"},
    "accounts.create_token": {"expect": signed_in(REDIRECT)},
    "accounts.two_factor": {"expect": signed_in(200)},
    "accounts.new_recovery_codes": {
        "expect": signed_in(REDIRECT),
        "why": "without two-factor sign-in on, back to its page",
    },
    "accounts.disable_two_factor": {
        "expect": signed_in(REDIRECT),
        "why": "an empty form (no password) is refused on the two-factor page",
    },
    "accounts.login_second_factor": {
        "expect": everyone(LOGIN),
        "why": "without the password step first, back to sign in",
    },
    "accounts.reset_password": {"expect": everyone(404), "why": "an unknown reset link"},
    "accounts.issue_reset_link": {"expect": only("admin")},
    "accounts.reset_two_factor": {"expect": only("admin", ok=REDIRECT)},
    "accounts.audit_trail": {"expect": only("admin")},
    "accounts.revoke_token": {
        "expect": signed_in(404, admin=REDIRECT),
        "why": "someone else's token is 404; an admin may revoke any token",
    },
    # --- api ---
    "api.openapi": {"expect": everyone(200)},
    "api.account_me": {"expect": api(200)},
    # Writes are sent with an empty body, so a role that may write gets the 400 for it.
    "api.catalog_list_items": {"expect": api(200)},
    "api.catalog_get_item": {"expect": api(200)},
    "api.catalog_create_item": {"expect": api_only("admin", ok=400)},
    "api.catalog_update_item": {"expect": api_only("admin", ok=400)},
    "api.catalog_list_categories": {"expect": api(200)},
    "api.catalog_get_category": {"expect": api(200)},
    "api.catalog_create_category": {"expect": api_only("admin", ok=400)},
    "api.catalog_update_category": {"expect": api_only("admin", ok=400)},
    "api.parties_list_parties": {"expect": api_only(*STAFF, "auditor")},
    "api.parties_get_party": {
        "expect": api_only(*STAFF, "auditor") | ELSEWHERE,
        "why": "a group of another region: coordinators see their own region only",
        "also": [
            {
                "fill": {"party_id": "household_id"},
                "expect": api_only(*STAFF, "auditor") | {"auditor": 404, **ELSEWHERE},
                "why": "auditors never see households; this one is in another region",
            },
            {"fill": REGION_PARTY, "expect": api_only(*STAFF, "auditor"), "why": "in region"},
            {
                "fill": REGION_HOUSEHOLD,
                "expect": api_only(*STAFF, "auditor") | {"auditor": 404},
                "why": "a household of the coordinator's region",
            },
        ],
    },
    "api.parties_create_party": {"expect": api_only(*STAFF, ok=400)},
    "api.parties_update_party": {"expect": api_only(*STAFF, ok=400)},
    "api.parties_list_locations": {"expect": api_only(*STAFF)},
    "api.parties_get_location": {
        "expect": api_only(*STAFF) | ELSEWHERE,
        "why": "another region's location",
        "also": [{"fill": REGION_PLACE, "expect": api_only(*STAFF), "why": "in region"}],
    },
    "api.parties_create_location": {"expect": api_only(*STAFF, ok=400)},
    "api.parties_update_location": {"expect": api_only(*STAFF, ok=400)},
    "api.parties_list_regions": {"expect": api(200), "why": "region names are public"},
    "api.parties_get_region": {"expect": api(200)},
    "api.parties_create_region": {"expect": api_only("admin", ok=400)},
    "api.parties_update_region": {"expect": api_only("admin", ok=400)},
    "api.users_list_users": {"expect": api_only("admin")},
    "api.users_get_user": {"expect": api_only("admin")},
    "api.users_create_user": {"expect": api_only("admin", ok=400)},
    "api.users_update_user": {"expect": api_only("admin", ok=400)},
    "api.needs_list_needs": {"expect": api_only("family", "unit_rep", *STAFF)},
    "api.needs_get_need": {
        "expect": api_only("family", "unit_rep", *STAFF) | OTHERS_NEED,
        "why": "the need belongs to another household, in another coordinator's region",
        "also": [
            {
                "fill": REGION_NEED,
                "expect": api_only("family", "unit_rep", *STAFF) | {"family": 404, "unit_rep": 404},
            }
        ],
    },
    "api.needs_create_need": {"expect": api_only("family", "unit_rep", ok=400)},
    "api.needs_cancel_need": {"expect": api_only("family", "unit_rep", ok=400)},
    # Writes with an empty body: the body is refused (400) before the need is looked up.
    "api.needs_approve_need": {"expect": api_only(*STAFF, ok=400)},
    "api.needs_reject_need": {"expect": api_only(*STAFF, ok=400)},
    "api.needs_comment_need": {"expect": api_only(*STAFF, ok=400)},
    "api.needs_line_unavailable": {"expect": api_only(*STAFF, ok=400)},
    "api.needs_merge_need": {"expect": api_only(*STAFF, ok=400)},
    "api.needs_demand": {"expect": api_only("volunteer", "auditor", *STAFF)},
    "api.needs_needs_board": {"expect": everyone(200), "why": "public aggregates"},
    # --- admin: parties, locations, regions (staff; regions are admin-only to change) ---
    # A coordinator manages the parties and locations of its own region (DESIGN §4): the
    # outsider group, household and location are in another region (404), the REGION_* fills
    # are in the coordinator's region.
    "parties.list_parties": {"expect": only(*STAFF, "auditor")},
    "parties.view_party": {
        "expect": only(*STAFF, "auditor") | ELSEWHERE,
        "why": "a group of another region",
        "also": [
            {
                "fill": {"party_id": "household_id"},
                "expect": only(*STAFF, "auditor", others=403) | {"auditor": 404, **ELSEWHERE},
                "why": "auditors never see households; this one is in another region",
            },
            {"fill": REGION_PARTY, "expect": only(*STAFF, "auditor"), "why": "in region"},
            {
                "fill": REGION_HOUSEHOLD,
                "expect": only(*STAFF, "auditor") | {"auditor": 404},
                "why": "a household of the coordinator's region",
            },
        ],
    },
    "parties.new_party": {"expect": only(*STAFF)},
    "parties.edit_party": {
        "expect": only(*STAFF) | ELSEWHERE,
        "why": "a group of another region",
        "also": [
            {"fill": {"party_id": "household_id"}, "expect": only(*STAFF) | ELSEWHERE},
            {"fill": REGION_PARTY, "expect": only(*STAFF), "why": "in region"},
            {"fill": REGION_HOUSEHOLD, "expect": only(*STAFF), "why": "in region"},
        ],
    },
    "parties.set_party_active": in_region_only(REGION_PARTY, REDIRECT),
    "parties.list_locations": {"expect": only(*STAFF)},
    "parties.new_location": {"expect": only(*STAFF)},
    "parties.edit_location": in_region_only(REGION_PLACE, 200),
    "parties.set_location_active": in_region_only(REGION_PLACE, REDIRECT),
    "parties.list_regions": {"expect": only(*STAFF)},
    "parties.new_region": {"expect": only("admin")},
    "parties.edit_region": {"expect": only("admin")},
    # --- admin: users ---
    "accounts.list_users": {"expect": only("admin")},
    "accounts.new_user": {"expect": only("admin")},
    "accounts.edit_user": {"expect": only("admin")},
    "accounts.set_user_active": {"expect": only("admin", ok=REDIRECT)},
    # --- catalog: everyone signed in reads it, only admins change it ---
    "catalog.items": {"expect": signed_in(200)},
    "catalog.view_item": {"expect": signed_in(200)},
    "catalog.new_item": {"expect": only("admin")},
    "catalog.edit_item": {"expect": only("admin")},
    "catalog.set_item_active": {"expect": only("admin", ok=REDIRECT)},
    "catalog.categories": {"expect": only("admin")},
    "catalog.new_category": {"expect": only("admin")},
    "catalog.edit_category": {"expect": only("admin")},
    # --- needs: families and units submit and follow their own; staff triage; a need that
    # is not the viewer's answers 404; volunteers and auditors see anonymous demand only ---
    "needs.new_need": {"expect": only("family", "unit_rep")},
    "needs.my_needs": {"expect": only("family", "unit_rep")},
    "needs.view_need": {
        "expect": only("family", "unit_rep", *STAFF) | OTHERS_NEED,
        "why": "the need belongs to another household, in another coordinator's region",
        "also": [
            {
                "fill": REGION_NEED,
                "expect": only("family", "unit_rep", *STAFF) | {"family": 404, "unit_rep": 404},
            }
        ],
    },
    "needs.edit_need": {"expect": only("family", "unit_rep", ok=404)},
    "needs.cancel_need": {"expect": only("family", "unit_rep", ok=404)},
    "needs.withdraw_line": {"expect": only("family", "unit_rep", ok=404)},
    "needs.demand": {"expect": only("volunteer", "auditor", *STAFF)},
    "needs.board_page": {"expect": everyone(200)},
    "needs.triage": {"expect": only(*STAFF)},
    # Another region's need is 404 for a coordinator; in its own region the empty form gets
    # the answer named in "why".
    "needs.approve": triage_entry(409, "no version sent: stale"),
    "needs.reject": triage_entry(400, "a reason is required"),
    "needs.line_unavailable": triage_entry(409, "no version sent"),
    "needs.merge": triage_entry(400, "no target given"),
    "needs.comment": triage_entry(400, "empty comment"),
    # --- public ledger (DESIGN §7): no login, for anyone ---
    "ledger.ledger_page": {"expect": everyone(200)},
    "ledger.checkpoint": {"expect": everyone(200)},
    "ledger.key": {"expect": everyone(200)},
    "ledger.entries": {"expect": everyone(200), "query": {"start": 0, "end": 2}},
    "ledger.inclusion": {"expect": everyone(200), "query": {"index": 0, "size": 2}},
    "ledger.consistency": {"expect": everyone(200), "query": {"from": 1, "to": 2}},
    "witnesses.witnesses": {"expect": everyone(200)},
    # --- origins and stock: volunteers for their own group's places, coordinators for their
    # region, admins everywhere; the outsider lot is another group's, in another region ---
    "production.new_batch": {"expect": only("volunteer", *STAFF)},
    "donations.new_in_kind": {"expect": only("volunteer", *STAFF)},
    "stock.lots": {"expect": only("volunteer", *STAFF)},
    "stock.view_lot": OTHERS_LOT,
    "stock.transfer_lot": OTHERS_LOT,
    # Later capabilities keep their entries in tests/policies/<domain>.py.
    **more_policies(),
}


# --- the world the requests run in --------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    values: dict[str, Any]


def build_world(session: Session) -> World:
    users = {role.value: f.user(session, role) for role in Role}
    tokens = {name: f.token(session, u) for name, u in users.items()}
    # Somebody else's things: a group none of the role users belongs to, and what it owns.
    outsider_group = f.party(session, PartyKind.GROUP)
    outsider = f.user(session, Role.VOLUNTEER, party_id=outsider_group.id)
    outsider_token_row = accounts.create_token(session, outsider, outsider, "outsider")[0]
    household = f.party(session, PartyKind.HOUSEHOLD)
    loc = f.location(session, party_id=outsider_group.id)
    item = f.item(session)
    need = _need(session, household.id, household.region_id, item.id, "0001")
    own = _need(session, household.id, users["coordinator"].region_id, item.id, "0002")
    lot = _lot(session, loc.id, item.id)
    own_loc = f.location(
        session, party_id=users["volunteer"].party_id, region_id=users["coordinator"].region_id
    )
    own_lot = _lot(session, own_loc.id, item.id)
    # The coordinator's own region's parties, and a coordinator of a second region who must
    # get 404 for all of them (tests/test_access_policy_regions.py).
    here = users["coordinator"].region_id
    region_group = f.party(session, PartyKind.GROUP, region_id=here)
    region_household = f.party(session, PartyKind.HOUSEHOLD, region_id=here, private_name="x")
    elsewhere = f.user(session, Role.COORDINATOR)
    users[SECOND_COORDINATOR] = elsewhere
    tokens[SECOND_COORDINATOR] = f.token(session, elsewhere)
    extra = extend_world(
        session,
        users,
        {
            "group": outsider_group,
            "outsider": outsider,
            "household": household,
            "location": loc,
            "item": item,
            "lot": lot,
            "own_location": own_loc,
            "own_lot": own_lot,
        },
    )
    for n in range(2):  # so proofs have something to prove
        append(session, None, "test.access.policy", {"n": n})
    session.commit()
    values: dict[str, Any] = {
        "token_id": outsider_token_row.id,
        "party_id": outsider_group.id,
        "household_id": household.id,
        "user_id": outsider.id,
        "location_id": loc.id,
        "region_id": loc.region_id,
        "item_id": item.id,
        "category_id": _category_id(session),
        "need_id": need.id,
        "line_id": need.lines[0].id,
        "region_need_id": own.id,
        "region_line_id": own.lines[0].id,
        "lot_id": lot.id,
        "own_lot_id": own_lot.id,
        "own_location_id": own_loc.id,
        "region_party_id": region_group.id,
        "region_household_id": region_household.id,
        "action": "deactivate",
        "code": "en",
        "token": "rs_not-a-real-link",
        **extra,
    }
    return World(users, tokens, values)


def _need(session: Session, household_id: int, region_id: int, item_id: int, n: str) -> Any:
    from coordination.needs.models import DeliveryKind, Need, NeedLine, NeedStatus

    need = Need(
        party_id=household_id,
        region_id=region_id,
        delivery_kind=DeliveryKind.REGION,
        status=NeedStatus.SUBMITTED,
        submission_token=f"access-policy-need-{n}",
        lines=[NeedLine(item_id=item_id, quantity=1)],
    )
    session.add(need)
    session.flush()
    return need


def _lot(session: Session, location_id: int, item_id: int) -> Any:
    from coordination.stock.models import Lot, OriginKind

    lot = Lot(
        item_id=item_id,
        quantity=5,
        location_id=location_id,
        origin_kind=OriginKind.IN_KIND,
        origin_id=1,
    )
    session.add(lot)
    session.flush()
    return lot


def _category_id(session: Session) -> int:
    from coordination.catalog.models import Category

    cat = Category(code="TEST-CAT", name_ru="Категория", name_en="Category")
    session.add(cat)
    session.flush()
    return cat.id


def fillers(world: World) -> dict[str, Any]:
    return world.values


# --- the mechanism --------------------------------------------------------------------------------

DENIALS = {LOGIN, 401, 403, 404}


@dataclass
class Case:
    expect: dict[str, Outcome]
    fill: dict[str, str]
    query: dict[str, Any] | None
    label: str


def cases(entry: dict[str, Any]) -> Iterator[Case]:
    """The entry itself, then any extra cases under "also" (other objects, other queries)."""
    yield Case(entry["expect"], entry.get("fill", {}), entry.get("query"), "")
    for n, extra in enumerate(entry.get("also", []), 1):
        yield Case(
            extra["expect"],
            extra.get("fill", {}),
            extra.get("query", entry.get("query")),
            f" (case {n}: {extra.get('why', extra.get('fill'))})",
        )


def rules(app: Flask) -> Iterator[Any]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint not in EXCLUDED:
            yield rule


def methods_of(rule: Any) -> list[str]:
    """GET first if the rule has it, then the others in order."""
    methods = sorted((rule.methods or set()) - IGNORED_METHODS)
    return sorted(methods, key=lambda m: (m != "GET", m))


def url_of(rule: Any, world: World, fill: dict[str, str]) -> str:
    values = {**fillers(world), **{k: fillers(world)[v] for k, v in fill.items()}}
    missing = [arg for arg in rule.arguments if arg not in values]
    if missing:
        raise AssertionError(f"{rule.endpoint}: add a filler for path parameter(s) {missing}")
    return str(rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1])


def outcome_of(resp: Any) -> Outcome:
    if resp.status_code in (301, 302, 303, 307, 308):
        location = resp.headers.get("Location", "")
        return LOGIN if location.startswith("/login") else REDIRECT
    return int(resp.status_code)


class SignIns:
    """One sign-in per role; its session cookie is put on a fresh client for each request.

    Signing in again before each of the 800+ requests per database was most of this test's
    time. Each request still starts from a new client holding exactly the cookie a sign-in
    gave (nothing a previous request set rides along). A request that ended the role's
    session on the server (logout, a password change or deactivation deletes the session row)
    is noticed before the next request, which then signs in again.
    """

    def __init__(self, app: Flask) -> None:
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.cookies: dict[str, tuple[str, int]] = {}  # role -> (cookie, session row id)

    def sign_in(self, client: IsolatedClient, user: User, role: str) -> None:
        held = self.cookies.get(role)
        if held is not None:
            # The session row the cookie names still exists (no logout, password change or
            # deactivation ended it) and its user is active.
            alive = db.session.scalar(
                select(UserSession.id)
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.id == held[1], User.active.is_(True))
            )
            if alive is not None:
                client.set_cookie(self.cookie_name, held[0])
                return
        f.login(client, user)
        cookie = client.get_cookie(self.cookie_name)
        assert cookie is not None, f"signing in as {role} set no session cookie"
        fresh = db.session.scalar(
            select(func.max(UserSession.id)).where(UserSession.user_id == user.id)
        )
        assert fresh is not None
        self.cookies[role] = (cookie.value, fresh)


def request_as(
    app: Flask, world: World, role: str, rule: Any, case: Case, method: str, signins: SignIns
) -> Outcome:
    client: IsolatedClient = isolated_client(app)
    headers: dict[str, str] = {}
    if rule.rule.startswith("/api/"):
        if role != ANON:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif role != ANON:
        signins.sign_in(client, world.users[role], role)
    resp = client.open(
        url_of(rule, world, case.fill),
        method=method,
        query_string=case.query,
        headers=headers,
        data={} if method != "GET" else None,
    )
    return outcome_of(resp)


def test_every_rule_has_a_policy(app) -> None:
    missing = sorted(r.endpoint for r in rules(app) if r.endpoint not in POLICY)
    assert not missing, (
        "routes without an access-policy entry (add them to POLICY in tests/test_access_policy.py):"
        f" {missing}"
    )


def test_no_stale_policy_entries(app) -> None:
    known = {r.endpoint for r in rules(app)}
    stale = sorted(set(POLICY) - known)
    assert not stale, f"POLICY lists endpoints that no longer exist: {stale}"


def test_policy_entries_cover_every_role() -> None:
    for endpoint, entry in POLICY.items():
        for case in cases(entry):
            assert set(case.expect) == set(ROLES), endpoint + case.label


def test_access_matches_the_policy(app, session) -> None:
    world = build_world(session)
    signins = SignIns(app)
    wrong: list[str] = []
    for rule in rules(app):
        entry = POLICY.get(rule.endpoint)
        if entry is None:
            continue  # reported by test_every_rule_has_a_policy
        first, *others = methods_of(rule)
        for case in cases(entry):
            for role in ROLES:
                want = case.expect[role]
                got = request_as(app, world, role, rule, case, first, signins)
                if got != want:
                    wrong.append(
                        f"{rule.endpoint}{case.label} [{first} {rule.rule}] as {role}: "
                        f"expected {want}, got {got}"
                    )
                # A role refused the page is refused every other method on it too.
                for method in others if want in DENIALS else []:
                    got = request_as(app, world, role, rule, case, method, signins)
                    if got != want:
                        wrong.append(
                            f"{rule.endpoint}{case.label} [{method} {rule.rule}] as "
                            f"{role}: expected {want} like {first}, got {got}"
                        )
    assert not wrong, "access policy violations:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("role", SIGNED_IN)
def test_every_role_can_log_in(app, session, role: str) -> None:
    # The table means little if a role could not sign in at all.
    world = build_world(session)
    client = isolated_client(app)
    f.login(client, world.users[role])
    assert client.get("/account").status_code == 200
