"""Disputes: volunteers read their group's, coordinators their region's, auditors and admins
all; the outsider dispute is another group's, about a delivery in another region."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.disputes.services import ClaimInput, open_dispute, share_dispute
from tests.access_helpers import REDIRECT, api_only, everyone, only
from tests.disputes.support import dispatched_case

READERS = ("volunteer", "auditor", "coordinator", "admin")
# The outsider's dispute: not the volunteer's group, not the coordinator's region.
OTHERS = {"volunteer": 404, "coordinator": 404}

POLICY: dict[str, dict[str, Any]] = {
    "disputes.list_disputes": {"expect": only(*READERS)},
    "disputes.new_dispute": {"expect": only("volunteer", "auditor")},
    "disputes.view_dispute": {"expect": only(*READERS) | OTHERS},
    "disputes.resolve": {
        "expect": only("coordinator", "admin", ok=400) | {"coordinator": 404},
        "why": "an empty form is refused; another region's dispute is 404",
    },
    "disputes.publish": {
        "expect": only(*READERS, ok=404) | {"admin": REDIRECT},
        "why": "only the dispute's group or staff of its region may publish it",
    },
    "disputes.add_evidence": {"expect": only(*READERS) | OTHERS},
    "disputes.report_pdf": {"expect": only(*READERS) | OTHERS},
    "disputes.public_report_pdf": {"expect": everyone(200)},
    "disputes.public_page": {"expect": everyone(200), "why": "a published dispute"},
    "api.disputes_list_disputes": {"expect": api_only(*READERS)},
    "api.disputes_get_dispute": {"expect": api_only(*READERS) | OTHERS},
    "api.disputes_open_dispute": {"expect": api_only("volunteer", "auditor", ok=400)},
    "api.disputes_resolve_dispute": {"expect": api_only("coordinator", "admin", ok=400)},
    "api.disputes_publish_dispute": {
        "expect": api_only(*READERS, ok=404) | {"admin": 200},
    },
}


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    case = dispatched_case(session, base["group"], base["location"])
    dispute = open_dispute(
        session,
        base["outsider"],
        ClaimInput(
            code=case.delivery.code,
            claim_kind="handover",
            claim_text="Our socks, not theirs.",
            handover_id=case.ceremony.public_id,
        ),
    )
    share_dispute(session, base["outsider"], dispute)
    session.commit()
    return {"dispute_id": dispute.id, "share_code": dispute.share_code}
