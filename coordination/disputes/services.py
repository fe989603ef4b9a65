"""Disputes: a volunteer group or an auditor challenges a claim about goods; a coordinator or
an admin records the outcome. Every step goes to the ledger.

The claim's text, link and the outcome note are free text written by people and may name
people, so they stay in the database (shown to the dispute's parties and staff) and never
reach the ledger or the public page; the ledger gets public ids, the claim kind, the outcome
and the SHA-256 of each piece of evidence, which is enough to prove later what was filed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.models import Delivery, DeliveryStatus, Evidence, Handover
from coordination.disputes.models import ClaimKind, Dispute, DisputeEvidence, DisputeStatus
from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_, STALE, has_nul
from coordination.ledger.describe import register
from coordination.ledger.services import append

OPENERS = (Role.VOLUNTEER, Role.AUDITOR)
RESOLVERS = (Role.COORDINATOR, Role.ADMIN)
READERS = (Role.VOLUNTEER, Role.AUDITOR, Role.COORDINATOR, Role.ADMIN)
TEXT_LIMIT = 4000
URL_LIMIT = 500
# Only goods that left can be claimed by someone else.
CLAIMABLE = (
    DeliveryStatus.DISPATCHED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.DISPUTED,
)

register("dispute.opened", _l("A dispute %(dispute)s was opened about delivery %(delivery)s."))
register("dispute.evidence_added", _l("Evidence was added to dispute %(dispute)s."))
register("dispute.resolved", _l("Dispute %(dispute)s was resolved: %(outcome)s."))
register("dispute.shared", _l("Dispute %(dispute)s was published."))


@dataclass
class ClaimInput:
    code: str | None  # the delivery's public verification code
    claim_kind: str | None
    claim_text: str | None
    claim_url: str | None = None
    handover_id: str | None = None  # the handover's public id, for a handover claim


def dispute_clause(actor: User | None) -> ColumnElement[bool]:
    """Which disputes `actor` may read: its group's, its region's, or all for auditors/admins."""
    if actor is None or actor.role in (Role.ADMIN, Role.AUDITOR):
        return true()
    if actor.role == Role.COORDINATOR and actor.region_id is not None:
        in_region = select(Delivery.id).where(Delivery.region_id == actor.region_id)
        return or_(Dispute.delivery_id.in_(in_region), Dispute.delivery_id.is_(None))
    if actor.role == Role.VOLUNTEER and actor.party_id is not None:
        return Dispute.group_id == actor.party_id
    return false()


def visible_dispute(session: Session, actor: User | None, dispute_id: int | None) -> Dispute:
    if valid_id(dispute_id) is None:
        raise NotFound(N_("Not found."))
    stmt = select(Dispute).where(Dispute.id == dispute_id, dispute_clause(actor))
    dispute = session.scalar(stmt)
    if dispute is None:
        raise NotFound(N_("Not found."))
    return dispute


def can_resolve(actor: User | None, dispute: Dispute) -> bool:
    if actor is None or actor.role == Role.ADMIN:
        return True
    if actor.role != Role.COORDINATOR or actor.region_id is None:
        return False
    return dispute.delivery is not None and dispute.delivery.region_id == actor.region_id


def can_share(actor: User | None, dispute: Dispute) -> bool:
    if can_resolve(actor, dispute):
        return True
    return (
        actor is not None
        and actor.role == Role.VOLUNTEER
        and actor.party_id is not None
        and actor.party_id == dispute.group_id
    )


def can_read_text(actor: User | None, dispute: Dispute) -> bool:
    """The claim's and outcome's free text may name people: auditors see it only if theirs."""
    if actor is not None and actor.role == Role.AUDITOR:
        return actor.id == dispute.opened_by_id
    return True


def delivery_by_code(session: Session, code: str | None) -> Delivery | None:
    code = (code or "").strip()
    if not code or len(code) > 24 or has_nul(code):
        return None
    delivery = session.scalar(select(Delivery).where(Delivery.code == code))
    if delivery is None or delivery.status not in CLAIMABLE:
        return None
    return delivery


def _text(value: str | None, field: str, limit: int, required: bool) -> str | None:
    value = (value or "").strip() or None
    if value is None and required:
        raise Invalid(N_("Describe the claim."), field)
    if value is not None and (len(value) > limit or has_nul(value)):
        raise Invalid(N_("Enter at most %(n)s characters."), field, n=limit)
    return value


def _url(value: str | None) -> str | None:
    value = _text(value, "claim_url", URL_LIMIT, required=False)
    if value is not None and not value.lower().startswith(("https://", "http://")):
        raise Invalid(N_("Enter a web address starting with https://"), "claim_url")
    return value


def open_dispute(session: Session, actor: User | None, data: ClaimInput) -> Dispute:
    if actor is not None and actor.role not in OPENERS:
        raise Forbidden(N_("Only volunteer groups and auditors open disputes."))
    if actor is not None and actor.role == Role.VOLUNTEER and actor.party_id is None:
        raise Forbidden(N_("Your account does not belong to a volunteer group."))
    delivery = delivery_by_code(session, data.code)
    if delivery is None:
        raise Invalid(N_("No dispatched delivery has this verification code."), "code")
    try:
        kind = ClaimKind(data.claim_kind or "")
    except ValueError:
        raise Invalid(N_("Choose what is being challenged."), "claim_kind") from None
    # An outside claim may point at the handover it misreports (the ceremony); a challenge
    # of a recorded handover must name it.
    wanted = (data.handover_id or "").strip()
    handover = next((h for h in delivery.handovers if h.public_id == wanted), None)
    if (wanted or kind == ClaimKind.HANDOVER) and handover is None:
        raise Invalid(N_("Choose one of this delivery's handovers."), "handover_id")
    dispute = Dispute(
        claim_kind=kind,
        delivery_id=delivery.id,
        handover_id=handover.id if handover else None,
        group_id=actor.party_id if actor is not None and actor.role == Role.VOLUNTEER else None,
        claim_text=_text(data.claim_text, "claim_text", TEXT_LIMIT, required=True),
        claim_url=_url(data.claim_url),
        opened_by_id=actor.id if actor else None,
    )
    session.add(dispute)
    session.flush()
    append(
        session,
        actor,
        "dispute.opened",
        {
            "dispute": dispute.public_id,
            "claim_kind": kind.value,
            "delivery": delivery.public_id,
            "handover": handover.public_id if handover else None,
            "group": dispute.group.public_id if dispute.group else None,
        },
    )
    return dispute


def attach_evidence(
    session: Session, actor: User | None, dispute: Dispute, evidence: Evidence
) -> None:
    """Link stored evidence (e.g. a photo of the news report) to an open dispute."""
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(N_("This dispute is closed."))
    if not (can_share(actor, dispute) or (actor is not None and actor.id == dispute.opened_by_id)):
        raise NotFound(N_("Not found."))
    session.add(DisputeEvidence(dispute_id=dispute.id, evidence_id=evidence.id))
    session.flush()
    append(
        session,
        actor,
        "dispute.evidence_added",
        {
            "dispute": dispute.public_id,
            "evidence": evidence.public_id,
            "original_sha256": evidence.original_sha256,
            "stored_sha256": evidence.stored_sha256,
        },
    )


def resolve_dispute(
    session: Session,
    actor: User | None,
    dispute: Dispute,
    version: int | None,
    outcome: str | None,
    note: str | None,
) -> Dispute:
    if not can_resolve(actor, dispute):
        if actor is not None and actor.role in RESOLVERS:
            raise NotFound(N_("Not found."))
        raise Forbidden(N_("Only coordinators and admins resolve disputes."))
    if version != dispute.version:
        raise Conflict(STALE)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(N_("This dispute is already resolved."))
    try:
        status = DisputeStatus(outcome or "")
    except ValueError:
        status = DisputeStatus.OPEN
    if status == DisputeStatus.OPEN:
        raise Invalid(N_("Choose the outcome."), "outcome")
    dispute.outcome_note = _text(note, "note", TEXT_LIMIT, required=True)
    dispute.status = status
    dispute.resolved_by_id = actor.id if actor else None
    dispute.resolved_at = utcnow()
    dispute.version += 1
    append(
        session, actor, "dispute.resolved", {"dispute": dispute.public_id, "outcome": status.value}
    )
    session.flush()
    return dispute


def share_dispute(session: Session, actor: User | None, dispute: Dispute) -> Dispute:
    """Publish the dispute's public page (no free text, no personal data); idempotent."""
    if not can_share(actor, dispute):
        raise NotFound(N_("Not found."))
    if dispute.public:
        return dispute
    dispute.public = True
    dispute.share_code = dispute.share_code or secrets.token_urlsafe(9)
    dispute.version += 1
    append(session, actor, "dispute.shared", {"dispute": dispute.public_id})
    session.flush()
    return dispute


def public_dispute(session: Session, share_code: str | None) -> Dispute:
    code = (share_code or "").strip()
    if not code or len(code) > 24 or has_nul(code):
        raise NotFound(N_("Not found."))
    dispute = session.scalar(select(Dispute).where(Dispute.share_code == code, Dispute.public))
    if dispute is None:
        raise NotFound(N_("Not found."))
    return dispute


def handover_roles(handover: Handover) -> dict[str, Any]:
    """A handover as the public sees it: party labels and roles, day and region only."""
    return {
        "from": handover.from_party.public_label,
        "from_role": handover.from_role.value,
        "to": handover.to_party.public_label,
        "to_role": handover.to_role.value,
        "day": handover.at.date().isoformat(),
        "region": handover.region.code if handover.region else None,
    }
