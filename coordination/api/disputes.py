"""/api/v1 disputes: the same services and access rules as the dispute pages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.db import db
from coordination.disputes import services
from coordination.disputes.models import Dispute, DisputeStatus
from coordination.kernel.schemas import Page, PageQuery, Strict

TAG = "disputes"


class DisputeIn(Strict):
    code: str = Field(..., max_length=24, description="the delivery's verification code")
    claim_kind: str = Field(..., pattern="^(handover|external)$")
    claim_text: str = Field(..., max_length=services.TEXT_LIMIT)
    claim_url: str | None = Field(None, max_length=services.URL_LIMIT)
    handover: str | None = Field(None, max_length=16, description="handover public id")


class ResolveIn(Strict):
    version: int = Field(..., ge=1)
    outcome: str = Field(..., pattern="^(upheld|rejected)$")
    note: str = Field(..., max_length=services.TEXT_LIMIT)


class DisputeOut(BaseModel):
    id: int
    public_id: str
    claim_kind: str
    status: str
    delivery_code: str | None
    handover: str | None
    # Free text written by people: null for auditors (no personal data) unless they wrote it.
    claim_text: str | None
    claim_url: str | None
    outcome_note: str | None
    public_url: str | None
    version: int
    created_at: datetime
    resolved_at: datetime | None


class DisputeQuery(PageQuery):
    status: str | None = Field(None, pattern="^(open|upheld|rejected)$")


def dispute_out(d: Dispute) -> DisputeOut:
    text = services.can_read_text(api_user(), d)
    return DisputeOut(
        id=d.id,
        public_id=d.public_id,
        claim_kind=d.claim_kind.value,
        status=d.status.value,
        delivery_code=d.delivery.code if d.delivery else None,
        handover=d.handover.public_id if d.handover else None,
        claim_text=d.claim_text if text else None,
        claim_url=d.claim_url if text else None,
        outcome_note=d.outcome_note if text else None,
        public_url=f"/disputes/public/{d.share_code}" if d.public and d.share_code else None,
        version=d.version,
        created_at=d.created_at,
        resolved_at=d.resolved_at,
    )


@endpoint(
    bp,
    "/disputes",
    "GET",
    "Disputes you may read",
    query=DisputeQuery,
    response=Page[DisputeOut],
    roles=services.READERS,
    tag=TAG,
)
def list_disputes(query: DisputeQuery) -> Page[DisputeOut]:
    stmt = select(Dispute).where(services.dispute_clause(api_user())).order_by(Dispute.id.desc())
    if query.status:
        stmt = stmt.where(Dispute.status == DisputeStatus(query.status))
    return paginate(db.session, stmt, query, dispute_out)


@endpoint(
    bp,
    "/disputes/{dispute_id}",
    "GET",
    "One dispute (404 if you may not read it)",
    response=DisputeOut,
    roles=services.READERS,
    tag=TAG,
)
def get_dispute(dispute_id: int) -> DisputeOut:
    return dispute_out(services.visible_dispute(db.session, api_user(), dispute_id))


@endpoint(
    bp,
    "/disputes",
    "POST",
    "Open a dispute about a dispatched delivery's handover or about a claim made elsewhere",
    body=DisputeIn,
    response=DisputeOut,
    status=201,
    roles=services.OPENERS,
    tag=TAG,
)
def open_dispute(body: DisputeIn) -> tuple[DisputeOut, int]:
    dispute = services.open_dispute(
        db.session,
        api_user(),
        services.ClaimInput(
            code=body.code,
            claim_kind=body.claim_kind,
            claim_text=body.claim_text,
            claim_url=body.claim_url,
            handover_id=body.handover,
        ),
    )
    db.session.commit()
    return dispute_out(dispute), 201


@endpoint(
    bp,
    "/disputes/{dispute_id}/resolve",
    "POST",
    "Record the outcome (coordinators of the delivery's region, admins)",
    body=ResolveIn,
    response=DisputeOut,
    roles=services.RESOLVERS,
    tag=TAG,
)
def resolve_dispute(dispute_id: int, body: ResolveIn) -> DisputeOut:
    dispute = services.visible_dispute(db.session, api_user(), dispute_id)
    services.resolve_dispute(db.session, api_user(), dispute, body.version, body.outcome, body.note)
    db.session.commit()
    return dispute_out(dispute)


@endpoint(
    bp,
    "/disputes/{dispute_id}/publish",
    "POST",
    "Publish the dispute's public page",
    response=DisputeOut,
    roles=services.READERS,
    tag=TAG,
)
def publish_dispute(dispute_id: int) -> DisputeOut:
    dispute = services.visible_dispute(db.session, api_user(), dispute_id)
    services.share_dispute(db.session, api_user(), dispute)
    db.session.commit()
    return dispute_out(dispute)
