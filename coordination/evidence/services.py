"""Evidence: photos and scans of signed receipts attached to handovers (issue 6).

An upload is checked by content (evidence_image.py: JPEG/PNG/WebP only, ≤10 MB, ≤40 MP, no
polyglots), re-encoded into a fresh image without any metadata, and written under a random
name outside static/. The ledger gets the SHA-256 of the original as it was handed to us
(so a copy kept elsewhere can be matched to the record) and of the stored copy, never the
file name the uploader's device gave it (names often name people).

Who attaches: the coordinators of the delivery's region and admins (any kind), and the
recipient's own users for their own delivery (a photo or a receipt scan). Who sees: whoever
may see the delivery (deliveries/access.py), and anyone for a photo its uploader or staff
made public. Receipt scans carry signatures and names: they can never be made public.
Evidence with no handover (for a dispute) is filed by staff, volunteers or auditors, seen by
its uploader and staff here, and linked from the dispute (whose pages decide who else sees it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.deliveries.access import can_manage, can_see, is_recipient
from coordination.deliveries.models import Delivery, Evidence, EvidenceKind, Handover
from coordination.evidence import store as evidence_store
from coordination.evidence.image import clean
from coordination.kernel.actors import STAFF, Role
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append

# Who may file evidence with no handover: those who open or answer disputes.
STANDALONE = (*STAFF, Role.VOLUNTEER, Role.AUDITOR)
RECIPIENT_KINDS = (EvidenceKind.PHOTO, EvidenceKind.RECEIPT_SCAN)
PUBLIC_KINDS = (EvidenceKind.PHOTO, EvidenceKind.REPORT)

# Standalone evidence (for a dispute) has no handover, so the sentence names none.
register(
    "evidence.added",
    _l("Evidence %(evidence)s (%(kind)s) was filed; the SHA-256 of the original file is recorded."),
)
register("evidence.published", _l("Evidence %(evidence)s was made public."))
register("evidence.unpublished", _l("Evidence %(evidence)s was made private again."))


def _staff(actor: User | None) -> bool:
    return actor is None or actor.role in STAFF


def check_kind(value: object) -> EvidenceKind:
    try:
        return EvidenceKind(str(value))
    except ValueError:
        raise Invalid(N_("Choose what the picture shows."), field="kind") from None


def can_attach(actor: User | None, handover: Handover | None) -> bool:
    if handover is None:
        return actor is None or actor.role in STANDALONE
    delivery = handover.delivery
    return can_manage(actor, delivery) or is_recipient(actor, delivery)


def can_view(session: Session, actor: User | None, evidence: Evidence) -> bool:
    """May `actor` open the file (through the authorised route)?"""
    if actor is not None and evidence.uploaded_by_id == actor.id:
        return True
    if evidence.handover is None:
        return _staff(actor)
    return can_see(session, actor, evidence.handover.delivery)


def can_change(session: Session, actor: User | None, evidence: Evidence) -> bool:
    """The uploader, or staff managing the delivery, may make it public or private again."""
    if not can_view(session, actor, evidence):
        return False
    if actor is None or evidence.uploaded_by_id == actor.id:
        return True
    if evidence.handover is None:
        return _staff(actor)
    return can_manage(actor, evidence.handover.delivery)


def visible_evidence(session: Session, actor: User | None, evidence_id: int | None) -> Evidence:
    evidence = session.get(Evidence, evidence_id) if valid_id(evidence_id) else None
    if evidence is None or not can_view(session, actor, evidence):
        raise NotFound(N_("Not found."))
    return evidence


def _check_public(kind: EvidenceKind, public: bool) -> None:
    if public and kind not in PUBLIC_KINDS:
        raise Invalid(
            N_("A receipt scan holds signatures and names; it cannot be public."), field="public"
        )


def store_evidence(
    session: Session,
    actor: User | None,
    directory: Path,
    *,
    data: bytes,
    kind: object,
    handover: Handover | None = None,
    public: bool = False,
) -> Evidence:
    """Check, re-encode and store an upload; append evidence.added. Flushes only.

    The file is written before the ledger append so the entry only ever names a file that
    exists; if anything after the write fails, the file is removed again. The view removes
    it too if its commit fails (evidence_store.discard).
    """
    if not can_attach(actor, handover):
        if handover is not None and can_see(session, actor, handover.delivery):
            raise Forbidden(N_("Only the delivery's coordinators or its recipient add evidence."))
        raise NotFound(N_("Not found."))
    kind = check_kind(kind)
    recipient_only = handover is not None and not can_manage(actor, handover.delivery)
    if recipient_only and kind not in RECIPIENT_KINDS:
        raise Invalid(N_("Choose a photo or a receipt scan."), field="kind")
    _check_public(kind, bool(public))
    if not isinstance(data, bytes | bytearray):
        raise Invalid(N_("Choose a file to upload."), field="file")
    image = clean(bytes(data))
    evidence = Evidence(
        handover=handover,
        kind=kind,
        stored_name=evidence_store.new_name(image.extension),
        content_type=image.content_type,
        original_sha256=hashlib.sha256(data).hexdigest(),
        stored_sha256=hashlib.sha256(image.data).hexdigest(),
        width=image.width,
        height=image.height,
        byte_size=len(image.data),
        public=bool(public),
        uploaded_by_id=actor.id if actor is not None else None,
    )
    session.add(evidence)
    evidence_store.write(directory, evidence.stored_name, image.data)
    try:
        session.flush()
        delivery: Delivery | None = handover.delivery if handover is not None else None
        entry = append(
            session,
            actor,
            "evidence.added",
            {
                "evidence": evidence.public_id,
                "handover": handover.public_id if handover is not None else None,
                "delivery": delivery.public_id if delivery is not None else None,
                "kind": kind.value,
                "original_sha256": evidence.original_sha256,
                "stored_sha256": evidence.stored_sha256,
                "public": evidence.public,
            },
        )
        evidence.entry_index = entry.index
        session.flush()
    except BaseException:
        evidence_store.discard(directory, evidence.stored_name)
        raise
    return evidence


def set_public(session: Session, actor: User | None, evidence: Evidence, public: bool) -> None:
    """Make a photo public (for the verification page) or private again; appends an entry."""
    if not can_change(session, actor, evidence):
        if can_view(session, actor, evidence):
            raise Forbidden(N_("Only the uploader or the delivery's coordinators change this."))
        raise NotFound(N_("Not found."))
    _check_public(evidence.kind, public)
    if evidence.public == public:
        return
    evidence.public = public
    kind = "evidence.published" if public else "evidence.unpublished"
    append(session, actor, kind, {"evidence": evidence.public_id})
    session.flush()


def read_file(directory: Path, evidence: Evidence) -> bytes:
    """The stored bytes; NotFound if the file went missing (never a 500 on a lost disk)."""
    try:
        return evidence_store.read(directory, evidence.stored_name)
    except (OSError, ValueError):
        raise NotFound(N_("The file of this evidence is missing.")) from None
