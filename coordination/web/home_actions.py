"""The home page's action tiles by role: only tiles whose page exists are shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session

from coordination.kernel.actors import Role
from coordination.web.ui import url_or_none


@dataclass(frozen=True)
class Action:
    """A tile on a role's home page. The first endpoint that exists is linked; if none
    exists yet (its module is not built), the tile is not shown, so nothing leads to a 404."""

    endpoints: tuple[str, ...]
    label: Any
    description: Any
    icon: str
    primary: bool = False
    own_party: bool = False  # the page is about the user's own group: /.../<party_id>


@dataclass
class HomeAction:
    label: str
    description: str
    url: str
    icon: str
    primary: bool


_NEEDS_BOARD = Action(
    ("needs.board_page",),
    _l("Needs board"),
    _l("What is being asked for now, without names."),
    "board",
)
_DEMAND = Action(
    ("needs.demand",),
    _l("Open demand"),
    _l("Approved needs, line by line, without names or places."),
    "list",
)
_ACCOUNT = Action(
    ("accounts.account",), _l("Your account"), _l("Password, language and API tokens."), "account"
)
_LEDGER = Action(
    ("ledger.ledger_page",),
    _l("Public ledger"),
    _l("Every recorded event, with proofs anyone can check."),
    "ledger",
)

_ATTRIBUTION = Action(
    ("desk.attribution",),
    _l("Attribution"),
    _l("Who really supplied what, computed from the record."),
    "chart",
)
_MONEY = Action(
    ("money.donations",),
    _l("Money"),
    _l("Donations in money, what they bought, and totals by campaign and month."),
    "gift",
)
_IMPORTS = Action(
    ("imports.jobs",),
    _l("Import a spreadsheet"),
    _l("Production logs and donations from CSV or XLSX, checked row by row first."),
    "list",
)
_DISPUTES = Action(
    ("disputes.list_disputes",),
    _l("Disputes"),
    _l("Challenge a claim about goods you supplied, with proof from the ledger."),
    "dispute",
)

HOME_ACTIONS: dict[Role, list[Action]] = {
    Role.FAMILY: [
        Action(
            ("needs.new_need",),
            _l("Submit a need"),
            _l("Tell us what he or the household needs: items, sizes, quantities."),
            "need",
            primary=True,
        ),
        Action(
            ("needs.my_needs",),
            _l("My needs"),
            _l("Follow each request and confirm what has arrived."),
            "list",
        ),
        Action(
            ("deliveries.my_deliveries",),
            _l("Incoming deliveries"),
            _l("What is on its way to you; confirm what arrived, line by line."),
            "truck",
        ),
        _NEEDS_BOARD,
    ],
    Role.UNIT_REP: [
        Action(
            ("needs.new_need",),
            _l("Submit a need"),
            _l("Ask for what the unit or hospital needs: items, sizes, quantities, by when."),
            "need",
            primary=True,
        ),
        Action(
            ("needs.my_needs",),
            _l("Our needs"),
            _l("Follow each request and confirm what has arrived."),
            "list",
        ),
        Action(
            ("deliveries.my_deliveries",),
            _l("Incoming deliveries"),
            _l("What is on its way to you; confirm what arrived, line by line."),
            "truck",
        ),
        _NEEDS_BOARD,
    ],
    Role.VOLUNTEER: [
        Action(
            ("production.new_batch",),
            _l("Log a batch"),
            _l("Record what your group has made: item, size, quantity."),
            "batch",
            primary=True,
        ),
        _DEMAND,
        Action(
            ("donations.new_in_kind",),
            _l("Record a donation"),
            _l("Goods or money brought to your group, credited to the donor."),
            "gift",
        ),
        Action(
            ("stock.lots",),
            _l("Our stock"),
            _l("The lots your group holds, each with its origin."),
            "stock",
        ),
        Action(
            ("deliveries.my_deliveries", "deliveries.list_deliveries"),
            _l("Deliveries"),
            _l("Where your group's goods went and who received them."),
            "truck",
        ),
        Action(
            ("reports.source",),
            _l("Where our goods went"),
            _l("Everything your group made or paid for that was delivered, by region and month."),
            "chart",
            own_party=True,
        ),
        _MONEY,
        _IMPORTS,
        _DISPUTES,
        _NEEDS_BOARD,
        _LEDGER,
    ],
    Role.COORDINATOR: [
        Action(
            ("needs.triage",),
            _l("Triage queue"),
            _l("New needs waiting to be approved or rejected."),
            "triage",
            primary=True,
        ),
        _DEMAND,
        Action(
            ("deliveries.list_deliveries",),
            _l("Deliveries"),
            _l("Build, pack, dispatch and track deliveries; record handovers."),
            "truck",
        ),
        Action(
            ("stock.lots",),
            _l("Stock"),
            _l("Lots in your region by location, each with its origin."),
            "stock",
        ),
        Action(
            ("donations.new_in_kind",),
            _l("Record a donation"),
            _l("Goods brought to a hub, credited to the donor or kept anonymous."),
            "gift",
        ),
        Action(
            ("parties.list_parties",),
            _l("Parties"),
            _l("Groups, donors, units, households, couriers and officials."),
            "party",
        ),
        _MONEY,
        _IMPORTS,
        _DISPUTES,
        _ATTRIBUTION,
        Action(
            ("parties.list_locations",),
            _l("Locations"),
            _l("Hubs, warehouses and workshops where stock is kept."),
            "pin",
        ),
        _NEEDS_BOARD,
        _LEDGER,
    ],
    Role.AUDITOR: [
        Action(
            ("ledger.ledger_page",),
            _l("Ledger"),
            _l("Every recorded event, with proofs anyone can check."),
            "ledger",
            primary=True,
        ),
        Action(
            ("disputes.list_disputes",),
            _l("Disputes"),
            _l("Challenged claims and the attribution reports that answered them."),
            "dispute",
        ),
        _ATTRIBUTION,
        Action(
            ("parties.list_parties",),
            _l("Parties"),
            _l("Public names of groups and donors; recipients only coarsely."),
            "party",
        ),
    ],
    Role.ADMIN: [
        Action(
            ("accounts.list_users",),
            _l("Users"),
            _l("Create accounts, set roles, switch access off."),
            "users",
            primary=True,
        ),
        Action(
            ("parties.list_parties",),
            _l("Parties"),
            _l("Volunteer groups, donors, units, households and others."),
            "party",
        ),
        Action(
            ("parties.list_locations",),
            _l("Locations"),
            _l("Hubs, warehouses and workshops."),
            "pin",
        ),
        Action(
            ("catalog.items",),
            _l("Catalog"),
            _l("Items, kits, units of measure and sizes."),
            "catalog",
        ),
        _LEDGER,
    ],
}


def home_actions() -> list[HomeAction]:
    if not current_user.is_authenticated:
        return []
    found = []
    for a in [*HOME_ACTIONS.get(current_user.role, []), _ACCOUNT]:
        if a.own_party and current_user.party_id is None:
            continue
        args = {"party_id": current_user.party_id} if a.own_party else {}
        url = next((u for e in a.endpoints if (u := url_or_none(e, **args))), None)
        if url is not None:
            found.append(HomeAction(str(a.label), str(a.description), url, a.icon, a.primary))
    return found


# What a role must act on, shown above the tiles: domains register a function that returns
# (text, url) or None, so this layer needs no knowledge of them (deliveries: disputed ones).
Notice = tuple[str, str]
NOTICES: list[Callable[[Session, Any], Notice | None]] = []


def register_notice(provider: Callable[[Session, Any], Notice | None]) -> None:
    NOTICES.append(provider)


def notices(session: Session, user: Any) -> list[Notice]:
    return [n for provider in NOTICES if (n := provider(session, user)) is not None]
