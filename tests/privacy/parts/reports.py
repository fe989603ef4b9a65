"""Canary coverage of attribution, verification, donor follow-up and the PROV export.

None of these modules writes; `exercise` builds a dispatched delivery from the canary group
(whose batch names canary members, opted in), a gift from the canary donor (who did not agree
to be named) and the canary donor's money, to the canary unit, through a presenter, and
`public_paths` gives the public pages that must show none of the canaries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coordination.attribution import credit, followup, funding
from coordination.attribution import services as attribution
from coordination.deliveries.allocation import add_line
from coordination.deliveries.handovers import HandoverInput, record_handover
from coordination.deliveries.models import HandoverRole
from coordination.deliveries.services import DraftInput, create_draft
from coordination.deliveries.status import dispatch, pack
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.money import services as money
from coordination.parties.models import PartyKind
from coordination.production.services import BatchInput, log_production_batch
from coordination.reports import ledger_check, provenance, public
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import transfer_lot
from tests import factories as f

CLASSIFIED: dict[Any, tuple[set[str], set[str]]] = {
    attribution: (
        set(),
        {
            "campaign_attribution",
            "delivered_quantity",
            "delivery_attribution",
            "donation_attribution",
            "handover_attribution",
            "left_lines",
            "line_credits",
            "lot_credits",
            "party_attribution",
            "recipient_region",
        },
    ),
    credit: (
        set(),
        {
            "apportion",
            "approx",
            "batch_credits",
            "donation_chain",
            "first_donation",
            "fraction_text",
            "funder_credit",
            "merge",
            "party_label",
            "purchase_credits",
            "unknown",
        },
    ),
    funding: (set(), {"batch_funding", "line_price", "purchase_funding"}),
    public: (set(), {"custody", "delivery_by_code", "photos", "recipient", "verification"}),
    followup: (set(), {"donation_by_receipt", "follow_up", "party_follow_up", "readable_source"}),
    provenance: (set(), {"agent_id", "prov_document", "readable_delivery"}),
    ledger_check: (
        set(),
        {
            "check_delivery",
            "check_old_checkpoint",
            "delivery_entries",
            "normalise_paste",
            "witnessed_checkpoint",
        },
    ),
}


def _lot(session: Any, kind: OriginKind, origin_id: int) -> Lot:
    return session.query(Lot).filter_by(origin_kind=kind, origin_id=origin_id).one()


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    group, donor, unit = made["group"], made["donor"], made["unit"]
    region = made["region"]
    f.location(session, party_id=group.id, region_id=region.id, name="Канарейкина workshop")
    hub = f.location(session, region_id=region.id, name="Canary report hub")
    socks = f.item(session, code="CANARY-REPORT-SOCKS")
    batch = log_production_batch(
        session,
        admin,
        BatchInput(
            group_id=group.id,
            item_id=socks.id,
            quantity=10,
            made_on=date(2026, 11, 1),
            members="canary-volunteer-Zhukova, Канарейкина Аглая Петровна",
            members_public=True,
        ),
    )
    lot = transfer_lot(session, admin, _lot(session, OriginKind.BATCH, batch.id), hub.id, 10)
    gift = record_in_kind_donation(
        session,
        admin,
        InKindInput(
            location_id=hub.id,
            received_on=date(2026, 11, 2),
            donor_id=donor.id,
            lines=[InKindLineInput(item_id=socks.id, quantity=4)],
        ),
    )
    given = money.record_money_donation(
        session,
        admin,
        money.MoneyInput(
            amount_minor=700_00,
            received_on=date(2026, 11, 3),
            donor_id=donor.id,
            received=True,
            channel="card of Канарейкина +7 901 555-73-19",
        ),
    )
    official = f.party(
        session,
        PartyKind.OFFICIAL,
        region_id=region.id,
        display_name="Deputy governor (canary report)",
    )
    delivery = create_draft(
        session, admin, DraftInput(from_location_id=hub.id, to_party_id=unit.id)
    )
    add_line(session, admin, delivery, delivery.version, lot.id, 6)
    add_line(
        session, admin, delivery, delivery.version, _lot(session, OriginKind.IN_KIND, gift.id).id, 4
    )
    pack(session, admin, delivery, delivery.version)
    dispatch(session, admin, delivery, delivery.version)
    for src, src_role, dst, dst_role in (
        (group, HandoverRole.SOURCE, official, HandoverRole.PRESENTER),
        (official, HandoverRole.PRESENTER, unit, HandoverRole.RECIPIENT),
    ):
        record_handover(
            session,
            admin,
            delivery,
            delivery.version,
            HandoverInput(
                from_party_id=src.id,
                from_role=src_role.value,
                to_party_id=dst.id,
                to_role=dst_role.value,
                place="Канареечная слобода",
                region_id=region.id,
                note="Канарейкина, в/ч 99137",
            ),
        )
    made["report_delivery_code"] = delivery.code
    made["report_receipts"] = [gift.receipt_code, given.receipt_code]
    session.flush()


def public_paths(session: Any, made: dict[str, Any]) -> list[str]:
    code = made["report_delivery_code"]
    paths = [f"/verify/{code}", f"/verify/{code}.json", "/verify"]
    paths += [f"/receipts/{c}" for c in made["report_receipts"]]
    paths += [f"/receipts/{c}?format=json" for c in made["report_receipts"]]
    return paths
