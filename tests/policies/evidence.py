"""Evidence: whoever may see the delivery sees its evidence (staff of its region, admins, the
recipient's users); the outsider evidence belongs to a delivery in another region, to another
household. Public photos are served to anyone through /evidence/public/ only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from coordination.deliveries.models import Delivery, EvidenceKind, Handover, HandoverRole
from coordination.demo.evidence import demo_picture
from coordination.evidence.services import store_evidence
from coordination.evidence.store import evidence_dir
from tests.access_helpers import api_only, everyone, only

READERS = ("family", "unit_rep", "volunteer", "coordinator", "admin")
OTHERS = {"family": 404, "unit_rep": 404, "volunteer": 404, "coordinator": 404}
# The same routes on a delivery in the coordinator's region, to the family user's household.
REGION = {"handover_id": "region_handover_id", "evidence_id": "region_evidence_id"}
REGION_SEES = {"unit_rep": 404, "volunteer": 404}


def _entry(ok: Any, region: dict[str, Any], why: str) -> dict[str, Any]:
    return {
        "expect": only(*READERS, ok=ok) | OTHERS,
        "why": "another region's delivery",
        "also": [{"fill": REGION, "expect": only(*READERS, ok=ok) | region, "why": why}],
    }


POLICY: dict[str, dict[str, Any]] = {
    "evidence.upload_for_handover": _entry(
        200, REGION_SEES, "staff of its region and the recipient attach"
    ),
    "evidence.view": _entry(200, REGION_SEES, "the recipient sees its delivery's evidence"),
    "evidence.set_public": _entry(
        200, REGION_SEES | {"family": 403}, "the recipient sees it but did not upload it"
    ),
    "evidence.public_file": {
        "expect": everyone(200),
        "why": "a photo marked public",
        "also": [
            {
                "fill": {"evidence_public_id": "private_evidence_public_id"},
                "expect": everyone(404),
                "why": "a private photo is never served here",
            }
        ],
    },
    "api.evidence_upload": {
        "expect": api_only(*READERS, ok=400),
        "why": "no kind in the query: refused before the handover is read",
    },
    "api.evidence_get_evidence": {
        "expect": api_only(*READERS) | OTHERS,
        "also": [{"fill": REGION, "expect": api_only(*READERS) | REGION_SEES}],
    },
    "api.evidence_download": {
        "expect": api_only(*READERS) | OTHERS,
        "also": [{"fill": REGION, "expect": api_only(*READERS) | REGION_SEES}],
    },
    "api.evidence_set_public": {
        "expect": api_only(*READERS, ok=400),
        "why": "an empty body is refused first",
    },
}


def _delivery(session: Session, location: Any, to_party_id: int, courier_id: int) -> Handover:
    delivery = Delivery(
        region_id=location.region_id, from_location_id=location.id, to_party_id=to_party_id
    )
    session.add(delivery)
    session.flush()
    handover = Handover(
        delivery_id=delivery.id,
        from_party_id=courier_id,
        from_role=HandoverRole.CARRIER,
        to_party_id=to_party_id,
        to_role=HandoverRole.RECIPIENT,
        place="Town",
        at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    session.add(handover)
    session.flush()
    return handover


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    folder = evidence_dir(current_app)
    photo = demo_picture(EvidenceKind.PHOTO, "JPEG", size=(64, 48))

    def store(handover: Handover, public: bool) -> Any:
        return store_evidence(
            session, None, folder, data=photo, kind="photo", handover=handover, public=public
        )

    outsider = _delivery(session, base["location"], base["household"].id, base["group"].id)
    region = _delivery(session, base["own_location"], users["family"].party_id, base["group"].id)
    private = store(outsider, False)
    public = store(outsider, True)
    mine = store(region, False)
    session.commit()
    return {
        "handover_id": outsider.id,
        "evidence_id": private.id,
        "evidence_public_id": public.public_id,
        "private_evidence_public_id": private.public_id,
        "region_handover_id": region.id,
        "region_evidence_id": mine.id,
    }
