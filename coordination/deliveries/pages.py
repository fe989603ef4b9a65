"""Rendering helpers for the delivery pages: choice lists and the delivery page itself."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.deliveries.access import can_manage, can_manage_region, is_recipient
from coordination.deliveries.allocation import candidate_lots
from coordination.deliveries.forms import (
    CONDITION_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    DetailsForm,
    HandoverForm,
    LineForm,
    VersionForm,
)
from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.deliveries.queries import line_sources
from coordination.deliveries.receipts import may_confirm
from coordination.deliveries.services import may_address
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.parties.forms import NONE, options, party_choices, region_choices
from coordination.parties.models import Location, Party, PartyKind
from coordination.parties.naming import public_name, shown_name
from coordination.web.ui import current_locale

RECIPIENT_KINDS = frozenset({PartyKind.UNIT, PartyKind.HOUSEHOLD, PartyKind.GROUP})
MAX_OPEN_LINES = 200


def labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "condition_labels": CONDITION_LABELS,
    }


def party_label(actor: User, party: Party | None) -> str:
    """Staff see the display name (neutral for households and units); others the public label."""
    if party is None:
        return ""
    if actor.role.value in ("coordinator", "admin") or actor.party_id == party.id:
        return shown_name(party)
    return str(
        _("a unit")
        if party.kind == PartyKind.UNIT
        else _("a household")
        if party.kind == PartyKind.HOUSEHOLD
        else _("a courier")
        if party.kind == PartyKind.COURIER
        else party.public_label
    )


def location_choices(session: Session, actor: User, blank: str) -> list[Any]:
    places = session.scalars(
        select(Location).where(Location.active.is_(True)).order_by(Location.name)
    )
    return options(
        [
            (NONE, blank),
            *((loc.id, loc.name) for loc in places if can_manage_region(actor, loc.region_id)),
        ]
    )


def hub_choices(session: Session, blank: str) -> list[Any]:
    places = session.scalars(
        select(Location).where(Location.active.is_(True)).order_by(Location.name)
    )
    # The network-wide hub directory: a place's name and region, nothing more.
    return options(
        [(NONE, blank), *((loc.id, f"{loc.name} · {loc.region.code}") for loc in places)]
    )


def open_need_lines(session: Session, actor: User) -> list[NeedLine]:
    """Approved lines still waiting for goods, most urgent first (the 'new delivery' list):
    households' lines only for staff of their region (services.may_address)."""
    stmt = (
        select(NeedLine)
        .join(Need)
        .where(Need.status.in_(OPEN_DEMAND), NeedLine.unavailable.is_(False))
        .order_by(NeedLine.needed_by.is_(None), NeedLine.needed_by, Need.created_at)
        .limit(MAX_OPEN_LINES)
    )
    return [
        ln for ln in session.scalars(stmt) if ln.remaining > 0 and may_address(actor, ln.need.party)
    ]


def setup_new(form: Any, session: Session, actor: User) -> Any:
    form.from_location_id.choices = location_choices(session, actor, _("— choose —"))
    form.to_location_id.choices = hub_choices(session, _("— not a hub move —"))
    form.to_party_id.choices = party_choices(
        session, RECIPIENT_KINDS, _("— from need lines —"), actor
    )
    return form


def line_form(session: Session, delivery: Delivery) -> LineForm:
    form = LineForm(formdata=None)
    form.version.data = str(delivery.version)
    return setup_line(form, session, delivery)


def setup_line(form: LineForm, session: Session, delivery: Delivery) -> LineForm:
    lots = candidate_lots(session, delivery, limit=200)
    form.lot_id.choices = options(
        [
            (NONE, _("— choose —")),
            *(
                (
                    p.lot.id,
                    f"{p.lot.item.name(current_locale())} {p.lot.size or ''}"
                    f" · {p.lot.location.name} · {p.available}"
                    f" · {public_name(p.source_label)}",
                )
                for p in lots
            ),
        ]
    )
    lines = []
    if delivery.to_party_id is not None:
        needs = session.scalars(
            select(Need).where(Need.party_id == delivery.to_party_id, Need.status.in_(OPEN_DEMAND))
        )
        lines = [
            (
                ln.id,
                f"{ln.item.name(current_locale())} {ln.size or ''} · "
                f"{ln.need.public_id} · {ln.remaining}",
            )
            for need in needs
            for ln in need.lines
            if ln.remaining > 0
        ]
    form.need_line_id.choices = options([(NONE, _("— none —")), *lines])
    return form


def handover_form(
    session: Session, delivery: Delivery, form: HandoverForm | None = None, user: Any = None
) -> HandoverForm:
    if form is None:
        form = HandoverForm(formdata=None)
        form.version.data = str(delivery.version)
        form.region_id.data = delivery.region_id
    choices = party_choices(session, None, _("— choose —"), user)
    recipient = delivery.to_party
    if recipient is not None and all(c.value != recipient.id for c in choices):
        # The delivery's own recipient, even a household of another region's need.
        choices += options([(recipient.id, recipient.display_name)])
    form.from_party_id.choices = choices
    form.to_party_id.choices = list(choices)
    form.region_id.choices = region_choices(session, current_locale(), _("— choose —"))
    return form


def details_form(session: Session, delivery: Delivery) -> DetailsForm:
    form = DetailsForm(formdata=None, obj=delivery)
    form.version.data = str(delivery.version)
    form.carrier_id.data = delivery.carrier_id or NONE
    return setup_details(form, session)


def setup_details(form: DetailsForm, session: Session) -> DetailsForm:
    form.carrier_id.choices = party_choices(session, frozenset({PartyKind.COURIER}), _("— none —"))
    return form


def render_delivery(
    session: Session,
    actor: User,
    delivery: Delivery,
    status: int = 200,
    line: LineForm | None = None,
    details: DetailsForm | None = None,
) -> tuple[str, int]:
    manage = can_manage(actor, delivery)
    version = VersionForm(formdata=None)
    version.version.data = str(delivery.version)
    proposals = {}
    draft = delivery.status == DeliveryStatus.DRAFT
    if manage and draft:
        for ln in _recipient_lines(session, delivery):
            proposals[ln] = candidate_lots(session, delivery, ln, limit=5)
    return render_template(
        "deliveries/detail.html",
        delivery=delivery,
        manage=manage,
        recipient=is_recipient(actor, delivery),
        may_confirm=may_confirm(actor, delivery),
        sources=line_sources(session, delivery),
        version=version,
        proposals=proposals,
        line_form=(line or line_form(session, delivery)) if manage and draft else None,
        details_form=(details or details_form(session, delivery)) if manage else None,
        to_label=party_label(actor, delivery.to_party),
        party_label=party_label,
        user=actor,
        **labels(),
    ), status


def _recipient_lines(session: Session, delivery: Delivery) -> list[NeedLine]:
    if delivery.to_party_id is None:
        return []
    needs = session.scalars(
        select(Need).where(Need.party_id == delivery.to_party_id, Need.status.in_(OPEN_DEMAND))
    )
    return [ln for need in needs for ln in need.lines if ln.remaining > 0 and not ln.unavailable]
