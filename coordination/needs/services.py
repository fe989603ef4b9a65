"""Need services: the only writers of needs. They check, write, append to the ledger, flush.

Ledger entries carry the need's public id and its region; the household or unit and what
the need asks for (its lines, delivery kind) enter only as commitments with a fresh salt
per entry, so no two needs of one household share a value and the board stays the one
public view of demand (DESIGN §3). Never a name, a unit designation, a town or an address.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.text import N_, STALE
from coordination.ledger.canonical import canonical_json
from coordination.ledger.privacy import Sealed, sealed_party
from coordination.ledger.services import append
from coordination.needs.access import SUBMITTERS, can_triage, in_scope, is_submitter
from coordination.needs.checks import (
    REASON_LIMIT,
    NeedInput,
    checked_need,
    checked_token,
    clean_text,
)
from coordination.needs.models import (
    Need,
    NeedEvent,
    NeedEventKind,
    NeedLine,
    NeedStatus,
)
from coordination.parties.models import Party, PartyKind

TRIAGE_OPEN = (NeedStatus.SUBMITTED, NeedStatus.APPROVED, NeedStatus.PARTIALLY_FULFILLED)


def ledger_view(need: Need) -> dict[str, Any]:
    asked = {
        "delivery": need.delivery_kind.value,
        "lines": [
            {
                "item": line.item.code,
                "size": line.size,
                "quantity": line.quantity,
                "priority": line.priority.value,
            }
            for line in need.lines
        ],
    }
    return {
        "need": need.public_id,
        "party_commitment": sealed_party(need.party.public_id),
        "region": need.region.code,
        "lines_commitment": _sealed_for(need, asked),
    }


def _sealed_for(need: Need, value: dict[str, Any]) -> Sealed:
    """`value` as a commitment the need's own household or unit may open."""
    return Sealed(canonical_json(value), f"party:{need.party.public_id}")


NO_SUCH_NEED = N_("There is no need with that public id.")


def _require_triager(actor: User | None, need: Need) -> None:
    """A coordinator decides on its own region's needs only; another region's is not found.

    actor None: the command line or the demo builder.
    """
    if actor is None:
        return
    if not can_triage(actor):
        raise Forbidden(N_("Only coordinators decide on needs."))
    if not in_scope(actor, need):
        raise NotFound(N_("Not found."))


def _require_own(actor: User, need: Need) -> None:
    if not is_submitter(actor, need):
        raise NotFound(N_("Not found."))


def _check_version(need: Need, version: int | None) -> None:
    if version is not None and version != need.version:
        raise Conflict(STALE)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(STALE) from exc


def _event(need: Need, actor: User | None, kind: NeedEventKind, text: str | None = None) -> None:
    need.events.append(NeedEvent(user_id=actor.id if actor else None, kind=kind, text=text))
    need.updated_at = utcnow()  # bumps the version, so concurrent deciders see each other


def _set_lines(need: Need, data: NeedInput) -> None:
    need.lines = [
        NeedLine(
            item_id=line.item_id,
            size=line.size,
            quantity=line.quantity,
            priority=line.priority,
            needed_by=line.needed_by,
            note=line.note,
        )
        for line in data.lines
    ]


def submit_need(
    session: Session, actor: User | None, data: NeedInput, token: str, party: Party | None = None
) -> tuple[Need, bool]:
    """Create the need once per token. Returns (need, created); a repeat returns the first.

    A family or unit representative submits for its own party; the command line and the
    demo builder (actor None) name the party.
    """
    party = _submitting_party(actor, party)
    token = checked_token(token)
    existing = _by_token(session, party, token)
    if existing is not None:
        return existing, False
    clean = checked_need(session, data, party.kind == PartyKind.HOUSEHOLD)
    need = Need(
        party_id=party.id,
        created_by_id=actor.id if actor else None,
        region_id=clean.region_id,
        delivery_kind=clean.delivery_kind,
        town=clean.town,
        location_id=clean.location_id,
        address=clean.address,
        serviceman_name=clean.serviceman_name,
        serviceman_unit=clean.serviceman_unit,
        status=NeedStatus.SUBMITTED,
        submission_token=token,
    )
    _set_lines(need, clean)
    need.events.append(NeedEvent(user_id=actor.id if actor else None, kind=NeedEventKind.SUBMITTED))
    try:
        # A concurrent repeat inserts the same token: the unique constraint lets one win,
        # and the loser lands on the winner's need instead of failing.
        with session.begin_nested():
            session.add(need)
            session.flush()
    except IntegrityError:
        existing = _by_token(session, party, token)
        if existing is None:
            raise
        return existing, False
    append(session, actor, "need.submitted", ledger_view(need))
    return need, True


def _submitting_party(actor: User | None, party: Party | None) -> Party:
    if actor is not None:
        party = actor.party if actor.role in SUBMITTERS else None
    if party is None or party.kind not in (PartyKind.HOUSEHOLD, PartyKind.UNIT):
        raise Forbidden(N_("Only a family or a unit representative can submit needs."))
    return party


def _by_token(session: Session, party: Party, token: str) -> Need | None:
    need = session.scalar(select(Need).where(Need.submission_token == token))
    if need is not None and need.party_id != party.id:
        raise Conflict(N_("This form was already used; open it again and resend."))
    return need


def update_need(
    session: Session, actor: User, need: Need, version: int | None, data: NeedInput
) -> Need:
    _require_own(actor, need)
    _check_version(need, version)
    if need.status != NeedStatus.SUBMITTED:
        raise Conflict(N_("Only a need that is still waiting for a decision can be edited."))
    clean = checked_need(session, data, need.party.kind == PartyKind.HOUSEHOLD)
    for name in (
        "region_id",
        "delivery_kind",
        "town",
        "location_id",
        "address",
        "serviceman_name",
        "serviceman_unit",
    ):
        setattr(need, name, getattr(clean, name))
    _set_lines(need, clean)
    _event(need, actor, NeedEventKind.EDITED)
    _flush(session)
    session.refresh(need)
    append(session, actor, "need.edited", ledger_view(need))
    return need


def cancel_need(session: Session, actor: User, need: Need, version: int | None = None) -> Need:
    _require_own(actor, need)
    _check_version(need, version)
    if need.status != NeedStatus.SUBMITTED:
        raise Conflict(N_("Only a need that is still waiting for a decision can be cancelled."))
    need.status = NeedStatus.CANCELLED
    _event(need, actor, NeedEventKind.CANCELLED)
    _flush(session)
    append(session, actor, "need.cancelled", {"need": need.public_id})
    return need


def approve_need(session: Session, actor: User | None, need: Need, version: int | None) -> Need:
    _require_triager(actor, need)
    _check_version(need, version)
    if need.status != NeedStatus.SUBMITTED:
        raise Conflict(N_("Only a submitted need can be approved."))
    need.status = NeedStatus.APPROVED
    need.decision_reason = None
    _event(need, actor, NeedEventKind.APPROVED)
    _flush(session)
    append(session, actor, "need.approved", {"need": need.public_id})
    return need


def _reason(reason: str | None, required: bool = True) -> str | None:
    text = clean_text(reason, "reason", REASON_LIMIT)
    if required and not text:
        raise Invalid(N_("Give a reason; the family or unit will see it."), field="reason")
    return text


def reject_need(
    session: Session, actor: User | None, need: Need, version: int | None, reason: str | None
) -> Need:
    _require_triager(actor, need)
    text = _reason(reason)
    _check_version(need, version)
    if need.status not in (NeedStatus.SUBMITTED, NeedStatus.APPROVED):
        raise Conflict(N_("Only a submitted or approved need can be rejected."))
    need.status = NeedStatus.REJECTED
    need.decision_reason = text
    _event(need, actor, NeedEventKind.REJECTED, text)
    _flush(session)
    append(session, actor, "need.rejected", {"need": need.public_id})
    return need


def mark_line_unavailable(
    session: Session,
    actor: User | None,
    need: Need,
    version: int | None,
    line_id: int,
    reason: str | None,
) -> Need:
    _require_triager(actor, need)
    text = _reason(reason, required=False)
    _check_version(need, version)
    line = next((ln for ln in need.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(N_("Not found."))
    if need.status not in TRIAGE_OPEN:
        raise Conflict(N_("This need is closed."))
    line.unavailable = True
    _event(need, actor, NeedEventKind.LINE_UNAVAILABLE, text)
    _flush(session)
    append(
        session,
        actor,
        "need.line_unavailable",
        {
            "need": need.public_id,
            "line_commitment": _sealed_for(need, {"item": line.item.code, "size": line.size}),
        },
    )
    return need


def merge_need(
    session: Session, actor: User | None, need: Need, version: int | None, into: Need
) -> Need:
    """Close a duplicate in favour of another open need of the same submitter."""
    _require_triager(actor, need)
    if actor is not None and not in_scope(actor, into):
        raise Invalid(NO_SUCH_NEED, field="into")  # as if it did not exist
    _check_version(need, version)
    if into.id == need.id or into.party_id != need.party_id:
        raise Invalid(N_("Merge only into another need of the same family or unit."), field="into")
    if need.status not in TRIAGE_OPEN or into.status not in TRIAGE_OPEN:
        raise Conflict(N_("Only open needs can be merged."))
    need.status = NeedStatus.CANCELLED
    need.merged_into_id = into.id
    _event(need, actor, NeedEventKind.MERGED, into.public_id)
    _flush(session)
    # The need it was merged into is of the same household: naming it would link the two.
    into_ref = Sealed(f"need:{into.public_id}", f"party:{need.party.public_id}")
    append(session, actor, "need.merged", {"need": need.public_id, "into_commitment": into_ref})
    return need


def comment_need(session: Session, actor: User | None, need: Need, text: str | None) -> Need:
    """A note between coordinators; the submitter does not see it, the ledger does not hold it."""
    _require_triager(actor, need)
    body = clean_text(text, "text", REASON_LIMIT)
    if not body:
        raise Invalid(N_("Write the comment."), field="text")
    need.events.append(
        NeedEvent(user_id=actor.id if actor else None, kind=NeedEventKind.COMMENT, text=body)
    )
    session.flush()
    return need


def record_progress(
    session: Session,
    actor: User | None,
    need: Need,
    line_id: int,
    *,
    allocated: int,
    dispatched: int,
    received: int,
) -> Need:
    """Set a line's allocated/dispatched/received projection and the need's status from them.

    Stock and deliveries will call this as they record their own events; until then the
    demo and coordinators' tools use it directly.
    """
    _require_triager(actor, need)
    line = next((ln for ln in need.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(N_("Not found."))
    if need.status not in (NeedStatus.APPROVED, NeedStatus.PARTIALLY_FULFILLED):
        raise Conflict(N_("Only an approved need can be fulfilled."))
    if not 0 <= received <= dispatched <= allocated <= line.quantity:
        raise Invalid(N_("Quantities must satisfy received ≤ dispatched ≤ allocated ≤ requested."))
    line.quantity_allocated, line.quantity_dispatched = allocated, dispatched
    line.quantity_received = received
    wanted = [ln for ln in need.lines if not ln.unavailable]
    if wanted and all(ln.quantity_received >= ln.quantity for ln in wanted):
        need.status = NeedStatus.FULFILLED
    elif any(ln.quantity_received or ln.quantity_dispatched for ln in need.lines):
        need.status = NeedStatus.PARTIALLY_FULFILLED
    need.updated_at = utcnow()
    _flush(session)
    append(
        session,
        actor,
        "need.progress",
        {
            # Recorded while a delivery is built, sent or received: naming the need (or the
            # item) there would tie the delivery's public items to the need's region and
            # month, rebuilding the board's suppressed cells.
            "need_commitment": _sealed_for(need, {"need": need.public_id}),
            "progress_commitment": _sealed_for(
                need,
                {
                    "item": line.item.code,
                    "allocated": allocated,
                    "dispatched": dispatched,
                    "received": received,
                },
            ),
            "status": need.status.value,
        },
    )
    return need
