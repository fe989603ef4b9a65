"""Canary coverage of disputes: claim text, link and outcome note full of personal data."""

from __future__ import annotations

from typing import Any

from coordination.disputes import services as disputes
from tests import factories as f
from tests.disputes.support import dispatched_case

CLASSIFIED = {
    disputes: (
        {"open_dispute", "attach_evidence", "resolve_dispute", "share_dispute"},
        {
            "dispute_clause",
            "visible_dispute",
            "can_resolve",
            "can_share",
            "can_read_text",
            "delivery_by_code",
            "public_dispute",
            "handover_roles",
        },
    ),
}


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    group = made["group"]
    location = f.location(session, party_id=group.id, region_id=group.region_id)
    case = dispatched_case(session, group, location)
    volunteer = made["volunteer"]
    dispute = disputes.open_dispute(
        session,
        volunteer,
        disputes.ClaimInput(
            code=case.delivery.code,
            claim_kind="handover",
            claim_text="Канарейкина Аглая Петровна, +7 901 555-73-19, в/ч 99137, says so",
            claim_url="https://example.org/Kanareikina-9015557319",
            handover_id=case.ceremony.public_id,
        ),
    )
    disputes.resolve_dispute(
        session,
        admin,
        dispute,
        dispute.version,
        "upheld",
        "Called Kanareikina on 9024441866 (canary-volunteer-Zhukova)",
    )
    disputes.share_dispute(session, volunteer, dispute)
    made["dispute"] = dispute


def public_paths(session: Any, made: dict[str, Any]) -> list[str]:
    return [f"/disputes/public/{made['dispute'].share_code}"]
