"""/api/v1 evidence: upload a photo or receipt scan to a handover, read its record, download the
cleaned file, make a photo public or private. Same services and access rules as the pages.

The upload's body is multipart/form-data with one part named `file` (JPEG, PNG or WebP, at most
10 MB); what it shows and whether it is public go in the query string, so the framework
validates and documents them; the OpenAPI document gives the body as multipart/form-data
with its binary part `file`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Response, current_app, request, url_for
from pydantic import BaseModel, StrictBool

from coordination.api import bp
from coordination.api.framework import api_user, endpoint
from coordination.db import db
from coordination.deliveries.access import DELIVERY_READERS, can_see
from coordination.deliveries.models import Evidence, Handover
from coordination.evidence import services
from coordination.evidence import store as evidence_store
from coordination.evidence.image import MAX_BYTES
from coordination.evidence.views import send
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.schemas import Strict
from coordination.kernel.text import N_

TAG = "evidence"
KindName = Literal["photo", "receipt_scan", "report"]


class EvidenceUploadQuery(Strict):
    kind: KindName
    public: bool = False


class PublicIn(Strict):
    public: StrictBool


class EvidenceOut(BaseModel):
    id: int
    public_id: str
    kind: KindName
    handover: str | None
    delivery: str | None
    content_type: str
    width: int
    height: int
    byte_size: int
    original_sha256: str
    stored_sha256: str
    public: bool
    entry_index: int | None
    created_at: datetime
    file_url: str
    public_url: str | None


def evidence_out(ev: Evidence) -> EvidenceOut:
    handover = ev.handover
    return EvidenceOut(
        id=ev.id,
        public_id=ev.public_id,
        kind=ev.kind.value,
        handover=handover.public_id if handover is not None else None,
        delivery=handover.delivery.public_id if handover is not None else None,
        content_type=ev.content_type,
        width=ev.width,
        height=ev.height,
        byte_size=ev.byte_size,
        original_sha256=ev.original_sha256,
        stored_sha256=ev.stored_sha256,
        public=ev.public,
        entry_index=ev.entry_index,
        created_at=ev.created_at,
        file_url=url_for("api.evidence_download", evidence_id=ev.id),
        public_url=url_for("evidence.public_file", evidence_public_id=ev.public_id)
        if ev.public
        else None,
    )


@endpoint(
    bp,
    "/handovers/{handover_id}/evidence",
    "POST",
    "Attach a photo or a signed-receipt scan to a handover. Body: multipart/form-data "
    "with one part `file` (JPEG, PNG or WebP by content, at most 10 MB and 40 megapixels; "
    "anything else is refused with 400). The picture is re-encoded without metadata; "
    "the ledger records the original's SHA-256, never its file name",
    query=EvidenceUploadQuery,
    response=EvidenceOut,
    status=201,
    roles=DELIVERY_READERS,
    tag=TAG,
    upload="file",
)
def upload(handover_id: int, query: EvidenceUploadQuery) -> tuple[EvidenceOut, int]:
    user = api_user()
    handover = get_or_404(db.session, Handover, handover_id)
    if not can_see(db.session, user, handover.delivery):
        raise NotFound(N_("Not found."))
    part = request.files.get("file")
    if part is None:
        raise Invalid(
            N_("Send the picture as a multipart/form-data part named 'file'."), field="file"
        )
    directory = evidence_store.evidence_dir(current_app)
    evidence = services.store_evidence(
        db.session,
        user,
        directory,
        data=part.stream.read(MAX_BYTES + 1),
        kind=query.kind,
        handover=handover,
        public=query.public,
    )
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        evidence_store.discard(directory, evidence.stored_name)
        raise
    return evidence_out(evidence), 201


@endpoint(
    bp,
    "/evidence/{evidence_id}",
    "GET",
    "One piece of evidence: its record and hashes",
    response=EvidenceOut,
    roles=DELIVERY_READERS,
    tag=TAG,
)
def get_evidence(evidence_id: int) -> EvidenceOut:
    return evidence_out(services.visible_evidence(db.session, api_user(), evidence_id))


@endpoint(
    bp,
    "/evidence/{evidence_id}/file",
    "GET",
    "Download the stored (re-encoded) picture, image/jpeg, image/png or image/webp",
    roles=DELIVERY_READERS,
    tag=TAG,
)
def download(evidence_id: int) -> Response:
    return send(services.visible_evidence(db.session, api_user(), evidence_id), public=False)


@endpoint(
    bp,
    "/evidence/{evidence_id}/public",
    "POST",
    "Make a photo public (shown on the verification page) or private again: its uploader "
    "or the delivery's coordinators; a receipt scan can never be public",
    body=PublicIn,
    response=EvidenceOut,
    roles=DELIVERY_READERS,
    tag=TAG,
)
def set_public(evidence_id: int, body: PublicIn) -> EvidenceOut:
    evidence = services.visible_evidence(db.session, api_user(), evidence_id)
    services.set_public(db.session, api_user(), evidence, body.public)
    db.session.commit()
    return evidence_out(evidence)
