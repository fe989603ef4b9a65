"""Canary coverage of evidence: pictures whose EXIF (Artist, ImageDescription), XMP and
comment hold a canary name and phone, uploaded by the canary family as a receipt scan and by
the admin as a public photo. None of it may reach the ledger or stay in the stored file."""

from __future__ import annotations

from typing import Any

from flask import current_app

from coordination.deliveries.models import Delivery
from coordination.evidence import services as evidence
from coordination.evidence.store import evidence_dir
from tests import factories as f
from tests.evidence.support import handover_of, picture

CLASSIFIED = {
    evidence: (
        {"store_evidence", "set_public"},
        {"check_kind", "can_attach", "can_view", "can_change", "visible_evidence", "read_file"},
    ),
}
CANARY_BYTES = ("Канарейкина".encode(), b"Kanareikina", b"+7 901 555-73-19", b"9015557319")


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    household, family = made["household"], made["family"]
    hub = f.location(session, region_id=household.region_id)
    delivery = Delivery(
        region_id=household.region_id, from_location_id=hub.id, to_party_id=household.id
    )
    session.add(delivery)
    session.flush()
    handover = handover_of(session, delivery, made["group"], household)
    folder = evidence_dir(current_app)
    tags = {"artist": "Kanareikina", "description": "Канарейкина +7 901 555-73-19 9015557319"}
    scan = evidence.store_evidence(
        session, family, folder, data=picture("PNG", **tags), kind="receipt_scan", handover=handover
    )
    photo = evidence.store_evidence(
        session, admin, folder, data=picture("JPEG", **tags), kind="photo", handover=handover
    )
    evidence.set_public(session, admin, photo, True)
    for ev in (scan, photo):
        stored = (folder / ev.stored_name).read_bytes()
        for canary in CANARY_BYTES:
            assert canary not in stored, f"{canary!r} kept in the stored {ev.kind.value}"
    made["evidence_photo"] = photo
