"""The auditor's desk: attribution of any party, delivery, donation or campaign, and W3C
PROV-JSON of any of them or of a range of the ledger, bounded in size.

Read-only and impersonal, like everything an auditor sees: public ids and public labels,
recipients by kind and region only (provenance.py and followup.py hold those rules; this
module only finds the subject and gathers its deliveries). Coordinators and admins may use
it too; a coordinator's deliveries are those of its region (provenance.readable_delivery).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.attribution.candidates import money_descendants, origin_clause, party_clause
from coordination.attribution.placements import left_lines
from coordination.attribution.services import line_credits
from coordination.attribution.stages import LEFT
from coordination.attribution.walker import Walker
from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.text import N_
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import SOURCE_KINDS, Party, PartyKind
from coordination.reports.provenance import NS, NS_URI, Builder, readable_delivery

DESK_READERS = (Role.AUDITOR, Role.COORDINATOR, Role.ADMIN)
KINDS = ("party", "campaign", "delivery", "donation")
MAX_PROV_DELIVERIES = 100  # per document: a source's whole history can be thousands
MAX_LEDGER_RANGE = 500  # entries per PROV document of a ledger range
LIST_LIMIT = 50


class BadRange(ValueError):
    """A ledger range that is empty, reversed, too long or beyond the log."""


@dataclass
class Subject:
    kind: str
    ref: str  # the public id (a delivery: its public id; its code is accepted too)
    obj: Party | Delivery | InKindDonation | MoneyDonation


def _not_found() -> NotFound:
    return NotFound(N_("Nothing of that kind has this reference."))


def find(session: Session, user: User, kind: str, ref: str) -> Subject:
    """The subject `user` may audit, else 404 (unknown kind, unknown ref, or not allowed)."""
    ref = (ref or "").strip()[:40]
    if kind not in KINDS or not ref:
        raise _not_found()
    if kind in ("party", "campaign"):
        party = session.scalar(select(Party).where(Party.public_id == ref))
        wanted = (PartyKind.CAMPAIGN,) if kind == "campaign" else SOURCE_KINDS
        if party is None or party.kind not in wanted:
            raise _not_found()
        return Subject(kind, party.public_id, party)
    if kind == "delivery":
        delivery = session.scalar(
            select(Delivery).where((Delivery.public_id == ref) | (Delivery.code == ref))
        )
        if delivery is None or delivery.status not in LEFT:
            raise _not_found()
        readable_delivery(session, user, delivery.id)  # 404 outside a coordinator's region
        return Subject(kind, delivery.public_id, delivery)
    gift: InKindDonation | MoneyDonation | None = session.scalar(
        select(InKindDonation).where(InKindDonation.public_id == ref)
    ) or session.scalar(select(MoneyDonation).where(MoneyDonation.public_id == ref))
    if gift is None:
        raise _not_found()
    return Subject(kind, gift.public_id, gift)


def choices(session: Session, kind: str) -> list[tuple[str, str]]:
    """(reference, public label) to pick from: named sources, deliveries that left, and
    donations by public id only (a donor's name is not the auditor's business)."""
    if kind in ("party", "campaign"):
        kinds = (PartyKind.CAMPAIGN,) if kind == "campaign" else SOURCE_KINDS
        parties = session.scalars(
            select(Party).where(Party.kind.in_(kinds)).order_by(Party.id).limit(LIST_LIMIT * 2)
        )
        named = [p for p in parties if not (p.kind == PartyKind.DONOR and not p.name_public)]
        return [(p.public_id, p.public_label) for p in named[:LIST_LIMIT]]
    if kind == "delivery":
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.status.in_(LEFT))
            .order_by(Delivery.dispatched_at.desc(), Delivery.id.desc())
            .limit(LIST_LIMIT)
        )
        return [(d.public_id, d.code or d.public_id) for d in rows]
    gifts: list[InKindDonation | MoneyDonation] = [
        *session.scalars(select(InKindDonation).order_by(InKindDonation.id.desc()).limit(25)),
        *session.scalars(select(MoneyDonation).order_by(MoneyDonation.id.desc()).limit(25)),
    ]
    return [(g.public_id, g.public_id) for g in gifts]


def deliveries_of(session: Session, subject: Subject) -> tuple[list[Delivery], int]:
    """The deliveries whose goods the subject is credited for (newest first, at most
    MAX_PROV_DELIVERIES), and how many there are in all."""
    obj = subject.obj
    if isinstance(obj, Delivery):
        return [obj], 1
    if isinstance(obj, Party):
        clause = party_clause(session, obj.id)

        def wanted(c: Any) -> bool:
            return bool(c.party_ref == obj.id or c.campaign_ref == obj.id)
    elif isinstance(obj, InKindDonation):
        clause = origin_clause(session, gifts=[obj.id])

        def wanted(c: Any) -> bool:
            return bool(c.origin_kind == "in_kind" and c.origin_ref == obj.id)
    else:
        clause = origin_clause(session, money=money_descendants(session, [obj.id]))

        def wanted(c: Any) -> bool:
            return obj.id in c.via_refs

    walker = Walker(session)
    found: dict[int, Delivery] = {}
    for line in left_lines(session, clause):
        if line.delivery_id in found:
            continue
        if any(wanted(c) for c in line_credits(session, line, walker)):
            found[line.delivery_id] = line.delivery
    ordered = sorted(found.values(), key=lambda d: (d.dispatched_at is None, d.id), reverse=True)
    return ordered[:MAX_PROV_DELIVERIES], len(ordered)


def _export(builder: Builder, attributes: dict[str, Any]) -> None:
    """An entity describing the export itself: what it is about and whether it was cut."""
    builder.doc.entity(
        f"{NS}:export",
        {"prov:type": f"{NS}:Export", **{f"{NS}:{k}": v for k, v in attributes.items()}},
    )


def subject_prov(session: Session, subject: Subject, deliveries: list[Delivery], total: int) -> str:
    """PROV-JSON of the subject's deliveries (deliveries_of, narrowed to what the reader
    may see), with an export entity saying how many there were and whether it was cut."""
    builder = Builder(session)
    for delivery in deliveries:
        builder.delivery(delivery)
    _export(
        builder,
        {
            "subject": f"{subject.kind}-{subject.ref}",
            "deliveries": total,
            "included": len(deliveries),
            "truncated": total > len(deliveries),
        },
    )
    return str(builder.doc.serialize(format="json"))


def ledger_prov(session: Session, start: int, end: int) -> str:
    """Entries [start, end) as PROV entities (kind, time, leaf hash), each linked to the
    provenance of the delivery it is about, which is included."""
    size = session.scalar(select(LedgerEntry.index).order_by(LedgerEntry.index.desc()).limit(1))
    size = 0 if size is None else size + 1
    if not 0 <= start < end or end > size or end - start > MAX_LEDGER_RANGE:
        raise BadRange(
            f"the range must be within 0..{size}, end after start, at most "
            f"{MAX_LEDGER_RANGE} entries"
        )
    entries = session.scalars(
        select(LedgerEntry).where(LedgerEntry.index >= start, LedgerEntry.index < end)
    ).all()
    builder = Builder(session)
    public: dict[str, list[Any]] = {}
    for entry in entries:
        body = json.loads(entry.body)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        ent = builder.doc.entity(
            f"{NS}:entry-{entry.index}",
            {
                "prov:type": f"{NS}:LedgerEntry",
                f"{NS}:index": entry.index,
                f"{NS}:kind": str(body.get("kind", "")),
                f"{NS}:at": str(body.get("at", "")),
                f"{NS}:leaf_hash": base64.b64encode(entry.leaf_hash).decode("ascii"),
            },
        )
        delivery_id = data.get("delivery")
        if isinstance(delivery_id, str):
            public.setdefault(delivery_id, []).append(ent)
    deliveries = session.scalars(
        select(Delivery).where(
            Delivery.public_id.in_(list(public)[:MAX_PROV_DELIVERIES]),
            Delivery.status != DeliveryStatus.DRAFT,
        )
    ).all()
    for delivery in deliveries:
        if delivery.dispatched_at is None:
            continue
        builder.delivery(delivery)
        for ent in public[delivery.public_id]:
            builder.doc.wasInfluencedBy(ent, f"{NS}:dispatch-{delivery.public_id}")
    _export(builder, {"ledger_start": start, "ledger_end": end, "namespace": NS_URI})
    return str(builder.doc.serialize(format="json"))
