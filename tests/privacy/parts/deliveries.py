"""Canary coverage of deliveries: a driver and comments with a canary name and phone, a
handover note and place naming the canary family, a receipt note; a hub move and a cancelled
draft. None of it may reach the ledger, public answers or the log."""

from __future__ import annotations

import secrets
from typing import Any

from coordination.catalog.models import Item
from coordination.deliveries import (
    access,
    allocation,
    handovers,
    queries,
    receipts,
    services,
    status,
)
from coordination.deliveries.models import LineCondition
from coordination.needs import services as needs
from coordination.needs.checks import LineInput, NeedInput
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.stock.support import lot_at

CLASSIFIED: dict[Any, tuple[set[str], set[str]]] = {
    services: (
        {"create_draft", "update_details", "cancel", "bump", "progress"},
        {
            "require_staff",
            "require_manager",
            "locked",
            "require_status",
            "line_view",
            "base_view",
            "open_need_lines",
            "may_address",
        },
    ),
    allocation: (
        {"allocate_proposals", "add_line", "release_line", "remove_line", "change_line"},
        {"candidate_lots"},
    ),
    status: ({"pack", "unpack", "dispatch", "mark_delivered"}, {"new_code"}),
    handovers: ({"record_handover"}, {"check_roles"}),
    receipts: ({"record_receipt"}, {"may_confirm"}),
    access: (
        set(),
        {
            "can_manage",
            "can_manage_region",
            "is_recipient",
            "delivery_clause",
            "can_see",
            "visible_delivery",
            "managed_delivery",
        },
    ),
    queries: (set(), {"deliveries_for", "line_sources", "list_loading"}),
}
NOTE = "Передано Канарейкиной Аглае Петровне, +7 901 555-73-19, canary-volunteer-Zhukova"


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    household, family = made["household"], made["family"]
    hub = f.location(session, region_id=household.region_id, town="Канареечная слобода")
    other_hub = f.location(session, region_id=household.region_id)
    item = f.item(session, code="CANARY-MITTENS")
    lot = lot_at(session, hub, item, 20)
    need, _ = needs.submit_need(
        session,
        family,
        NeedInput(
            region_id=household.region_id,
            lines=[LineInput(item_id=item.id, quantity=5)],
            town="Канареечная слобода",
        ),
        secrets.token_urlsafe(24),
    )
    needs.approve_need(session, admin, need, need.version)
    d = services.create_draft(
        session,
        admin,
        services.DraftInput(from_location_id=hub.id, need_line_ids=[need.lines[0].id]),
    )
    extra = allocation.add_line(session, admin, d, d.version, lot.id, 2)
    extra = allocation.change_line(session, admin, d, d.version, extra.id, lot.id, 3)
    allocation.remove_line(session, admin, d, d.version, extra.id)
    courier = f.party(session, PartyKind.COURIER, region_id=household.region_id)
    services.update_details(
        session,
        admin,
        d,
        d.version,
        services.DetailsInput(
            carrier_id=courier.id,
            vehicle="Газель К 137 АА",
            driver="canary-volunteer-Zhukova",
            comments="Звонить Канарейкиной: +7 901 555-73-19, 9015557319",
            packages=1,
        ),
    )
    status.pack(session, admin, d, d.version)
    status.unpack(session, admin, d, d.version)
    status.pack(session, admin, d, d.version)
    status.dispatch(session, admin, d, d.version)
    handovers.record_handover(
        session,
        admin,
        d,
        d.version,
        handovers.HandoverInput(
            from_party_id=courier.id,
            from_role="carrier",
            to_party_id=household.id,
            to_role="recipient",
            place="Канареечная слобода",
            note=NOTE,
        ),
    )
    status.mark_delivered(session, admin, d, d.version)
    receipts.record_receipt(
        session,
        family,
        d,
        d.version,
        receipts.ReceiptInput(lines={d.lines[0].id: (4, LineCondition.SHORT)}, note=NOTE),
    )
    move = services.create_draft(
        session, admin, services.DraftInput(from_location_id=hub.id, to_location_id=other_hub.id)
    )
    allocation.add_line(session, admin, move, move.version, lot.id, 5)
    status.pack(session, admin, move, move.version)
    status.dispatch(session, admin, move, move.version)
    receipts.record_receipt(
        session,
        admin,
        move,
        move.version,
        receipts.ReceiptInput(lines={move.lines[0].id: (5, "ok")}, note=NOTE),
    )
    dropped = services.create_draft(
        session, admin, services.DraftInput(from_location_id=hub.id, to_party_id=household.id)
    )
    allocation.add_line(session, admin, dropped, dropped.version, lot.id, 1)
    services.cancel(session, admin, dropped, dropped.version)
    assert session.get(Item, item.id) is not None
    made["delivery"] = d


def public_paths(session: Any, made: dict[str, Any]) -> list[str]:
    delivery = made.get("delivery")
    return [f"/verify/{delivery.code}"] if delivery is not None and delivery.code else []
