"""Words the documents print for stored values (statuses, units), and dates and weights."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from coordination.catalog.forms import UNIT_LABELS
from coordination.catalog.models import UnitOfMeasure
from coordination.deliveries.models import DeliveryStatus, HandoverRole, LineCondition

STATUS_LABELS = {
    DeliveryStatus.DRAFT: _l("draft"),
    DeliveryStatus.PACKED: _l("packed"),
    DeliveryStatus.DISPATCHED: _l("dispatched"),
    DeliveryStatus.DELIVERED: _l("delivered"),
    DeliveryStatus.CONFIRMED: _l("confirmed"),
    DeliveryStatus.DISPUTED: _l("disputed"),
    DeliveryStatus.CANCELLED: _l("cancelled"),
}

ROLE_LABELS = {
    HandoverRole.SOURCE: _l("source"),
    HandoverRole.COLLECTOR: _l("collector"),
    HandoverRole.CARRIER: _l("carrier"),
    HandoverRole.PRESENTER: _l("presenter"),
    HandoverRole.RECIPIENT: _l("recipient"),
}
CONDITION_LABELS = {
    LineCondition.OK: _l("in good order"),
    LineCondition.SHORT: _l("short"),
    LineCondition.DAMAGED: _l("damaged"),
}


def role_label(value: str) -> str:
    try:
        return str(ROLE_LABELS[HandoverRole(value)])
    except ValueError:
        return value


def condition_label(value: str) -> str:
    try:
        return str(CONDITION_LABELS[LineCondition(value)])
    except ValueError:
        return value


def status_label(value: str) -> str:
    try:
        return str(STATUS_LABELS[DeliveryStatus(value)])
    except ValueError:
        return value


def unit_label(value: str) -> str:
    try:
        return str(UNIT_LABELS[UnitOfMeasure(value)])
    except (ValueError, KeyError):
        return value


def day(value: date | datetime | None) -> str:
    """ISO dates: one spelling for both languages, and unambiguous on paper."""
    if value is None:
        return "\u2014"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def number(value: int | None) -> str:
    return "" if value is None else str(value)


def kilograms(grams: int) -> str:
    return f"{grams / 1000:.3f}"
