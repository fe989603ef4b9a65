"""Template helpers: navigation by role, safe links, labels and date formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from coordination.kernel.actors import Role

ROLE_LABELS = {
    Role.FAMILY: _l("Family"),
    Role.UNIT_REP: _l("Unit representative"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Admin"),
}


@dataclass
class NavItem:
    label: str
    url: str
    active: bool


# (endpoint, label, roles that see it; None = everybody including visitors)
NAV: list[tuple[str, Any, tuple[Role, ...] | None]] = [
    ("main.home", _l("Home"), None),
    ("needs.my_needs", _l("My needs"), (Role.FAMILY, Role.UNIT_REP)),
    ("needs.triage", _l("Triage queue"), (Role.COORDINATOR, Role.ADMIN)),
    ("needs.board_page", _l("Needs board"), None),
    ("stock.lots", _l("Stock"), (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)),
    (
        "deliveries.my_deliveries",
        _l("Our deliveries"),
        (Role.FAMILY, Role.UNIT_REP, Role.VOLUNTEER),
    ),
    ("deliveries.list_deliveries", _l("Deliveries"), (Role.COORDINATOR, Role.ADMIN)),
    ("money.donations", _l("Money"), (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)),
    ("money.totals", _l("Money totals"), (Role.AUDITOR,)),
    ("imports.jobs", _l("Imports"), (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)),
    (
        "disputes.list_disputes",
        _l("Disputes"),
        (Role.VOLUNTEER, Role.AUDITOR, Role.COORDINATOR, Role.ADMIN),
    ),
    ("catalog.items", _l("Catalog"), tuple(Role)),
    ("parties.list_parties", _l("Parties"), (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)),
    ("parties.list_locations", _l("Locations"), (Role.COORDINATOR, Role.ADMIN)),
    ("accounts.list_users", _l("Users"), (Role.ADMIN,)),
    ("ledger.ledger_page", _l("Ledger"), None),
]


def nav_items() -> list[NavItem]:
    items = []
    role = current_user.role if current_user.is_authenticated else None
    for endpoint, label, roles in NAV:
        if roles is not None and role not in roles:
            continue
        try:
            url = url_for(endpoint)
        except Exception:  # noqa: S112 - a capability not installed yet has no page to link
            continue
        items.append(NavItem(str(label), url, _is_current(endpoint, url)))
    return items


def _is_current(endpoint: str, url: str) -> bool:
    # A section stays marked on its sub-pages (a party's page under Parties), home only on itself.
    if request.endpoint == endpoint:
        return True
    base = url.rstrip("/")
    return bool(base) and (request.path == base or request.path.startswith(base + "/"))


def url_or_none(endpoint: str, **values: Any) -> str | None:
    """The URL of an endpoint, or None while the module that serves it is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def current_locale() -> str:
    return str(get_locale() or "ru")


def role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=nav_items,
        current_locale=current_locale,
        role_label=role_label,
        url_or_none=url_or_none,
    )

    @app.template_filter("datetime")
    def _datetime(value: datetime | date | None, fmt: str = "medium") -> str:
        if isinstance(value, date) and not isinstance(value, datetime):
            return format_date(value, fmt)  # a version-2 ledger entry keeps the day only
        return format_datetime(value, fmt) if value else ""
