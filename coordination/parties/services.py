"""Party services: the only writers of parties. They check, write, append to the ledger, flush.

A household's or unit's real name, phone and address live only in the encrypted fields; its
display name is a neutral label derived from its public id, so no list, URL, log or ledger
entry can carry who it is. An anonymous donor is treated the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coordination.kernel.actors import Actor, is_admin
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.paging import search_clause
from coordination.kernel.text import N_, STALE, has_nul
from coordination.ledger.privacy import COMMITMENT_SUFFIX, sealed_party
from coordination.ledger.services import append
from coordination.parties.access import (
    can_manage_parties,
    can_manage_party,
    can_set_party_region,
    region_clause,
)
from coordination.parties.models import PRIVATE_KINDS, Party, PartyKind, Region, new_public_id

# Kinds whose name is public by nature and so goes into the ledger.
NAMED_KINDS = frozenset(
    {PartyKind.GROUP, PartyKind.CAMPAIGN, PartyKind.OFFICIAL, PartyKind.COURIER}
)
NEUTRAL_WORDS = {PartyKind.HOUSEHOLD: "Household", PartyKind.UNIT: "Unit", PartyKind.DONOR: "Donor"}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

LIMITS = {"display_name": 200, "private_name": 200, "phone": 40, "address": 300, "note": 2000}


@dataclass
class PartyFields:
    """What an admin may set on a party (kind is fixed at registration)."""

    display_name: str | None = None
    name_public: bool = True
    region_id: int | None = None
    private_name: str | None = None
    phone: str | None = None
    address: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, party: Party) -> PartyFields:
        return cls(
            display_name=party.display_name,
            name_public=party.name_public,
            region_id=party.region_id,
            private_name=party.private_name,
            phone=party.phone,
            address=party.address,
            note=party.note,
        )


def hides_name(kind: PartyKind, name_public: bool) -> bool:
    return kind in PRIVATE_KINDS or (kind == PartyKind.DONOR and not name_public)


def neutral_label(kind: PartyKind, public_id: str) -> str:
    """ "Household 7K2Q4M": stable for the party, says nothing about who it is."""
    bits = int(public_id, 16) >> (len(public_id) * 4 - 30)
    code = "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(25, -1, -5))
    return f"{NEUTRAL_WORDS.get(kind, 'Party')} {code}"


def is_named_publicly(party: Party) -> bool:
    return party.kind in NAMED_KINDS or (party.kind == PartyKind.DONOR and party.name_public)


def ledger_ref(key: str, party: Party) -> dict[str, Any]:
    """`{key: public id}` for a group, donor, campaign, courier or official (attribution
    names them); `{key_commitment: Sealed}` for a household or a unit, so that no value in
    the public ledger ties two of its entries together."""
    if party.is_private:
        return {f"{key}{COMMITMENT_SUFFIX}": sealed_party(party.public_id)}
    return {key: party.public_id}


def ledger_view(session: Session, party: Party) -> dict[str, Any]:
    """The party as the ledger may show it: public id, kind, region, public name.

    A household or a unit enters only as a commitment with a fresh salt (ledger_ref)."""
    data: dict[str, Any] = {**ledger_ref("party", party), "kind": party.kind.value}
    region = session.get(Region, party.region_id) if party.region_id else None
    if region is not None:
        data["region"] = region.code
    if is_named_publicly(party):
        data["name"] = party.display_name
    return data


def _require_manager(actor: Actor | None) -> None:
    # actor None: the command line or the demo builder, run by whoever runs the machine.
    if actor is not None and not can_manage_parties(actor):
        raise Forbidden(N_("Your account cannot manage parties."))


def _require_party_manager(actor: Actor | None, party: Party) -> None:
    _require_manager(actor)
    if actor is not None and not can_manage_party(actor, party):
        raise NotFound(N_("Not found."))  # another region's party: not revealed


def _scoped_region(actor: Actor | None, fields: PartyFields, current: int | None) -> PartyFields:
    """A coordinator's party stays in its region: a new one lands there unless told
    otherwise; another region (or moving one out) is refused. An admin chooses freely."""
    if actor is None or is_admin(actor):
        return fields
    if current is None and fields.region_id is None:
        fields.region_id = actor.region_id
    if fields.region_id != current and (
        current is not None or not can_set_party_region(actor, fields.region_id)
    ):
        raise Invalid(N_("Only an admin moves a party to another region."), field="region_id")
    return fields


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _checked(session: Session, kind: PartyKind, fields: PartyFields) -> PartyFields:
    out = PartyFields(
        display_name=_clean(fields.display_name),
        name_public=fields.name_public if kind == PartyKind.DONOR else kind not in PRIVATE_KINDS,
        region_id=fields.region_id,
        private_name=_clean(fields.private_name),
        phone=_clean(fields.phone),
        address=_clean(fields.address),
        note=_clean(fields.note),
    )
    for name, limit in LIMITS.items():
        value = getattr(out, name)
        if value is not None and len(value) > limit:
            raise Invalid(N_("Use at most %(limit)s characters."), field=name, limit=limit)
        if has_nul(value):
            raise Invalid(N_("This text contains a character that cannot be stored."), field=name)
    if out.region_id is not None and session.get(Region, out.region_id) is None:
        raise Invalid(N_("Choose a region from the list."), field="region_id")
    if kind in PRIVATE_KINDS and not out.private_name:
        raise Invalid(
            N_("Give the real name; it is stored encrypted and never shown publicly."),
            field="private_name",
        )
    if not hides_name(kind, out.name_public) and not out.display_name:
        raise Invalid(N_("Give the name shown on pages and in the ledger."), field="display_name")
    return out


def register_party(
    session: Session, actor: Actor | None, kind: PartyKind, fields: PartyFields
) -> Party:
    _require_manager(actor)
    clean = _checked(session, kind, _scoped_region(actor, fields, None))
    public_id = new_public_id()
    party = Party(public_id=public_id, kind=kind, **_columns(kind, public_id, clean, None))
    session.add(party)
    session.flush()
    append(session, actor, "party.registered", ledger_view(session, party))
    return party


def update_party(
    session: Session, actor: Actor | None, party: Party, version: int, fields: PartyFields
) -> Party:
    """Save an edit made on `version`; if someone saved since, refuse and change nothing."""
    _require_party_manager(actor, party)
    if version != party.version:
        raise Conflict(STALE)
    clean = _checked(session, party.kind, _scoped_region(actor, fields, party.region_id))
    for name, value in _columns(party.kind, party.public_id, clean, party).items():
        setattr(party, name, value)
    _flush(session)
    if party.version != version:
        # Personal fields may be what changed; the entry shows only the public view.
        append(session, actor, "party.updated", ledger_view(session, party))
    return party


def set_party_active(session: Session, actor: Actor | None, party: Party, active: bool) -> Party:
    _require_party_manager(actor, party)
    if party.active != active:
        party.active = active
        _flush(session)
        append(
            session,
            actor,
            "party.reactivated" if active else "party.deactivated",
            ledger_ref("party", party),
        )
    return party


def _columns(
    kind: PartyKind, public_id: str, clean: PartyFields, existing: Party | None
) -> dict[str, Any]:
    private_name = clean.private_name
    display_name = clean.display_name
    if hides_name(kind, clean.name_public):
        if private_name is None and kind == PartyKind.DONOR:
            if existing is None:
                private_name = display_name  # typed as a name, but the donor stays anonymous
            elif not hides_name(existing.kind, existing.name_public):
                private_name = existing.display_name  # consent withdrawn: keep it encrypted only
        display_name = neutral_label(kind, public_id)
    return {
        "display_name": display_name,
        "name_public": clean.name_public,
        "region_id": clean.region_id,
        "private_name": private_name,
        "phone": clean.phone,
        "address": clean.address,
        "note": clean.note,
    }


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        # Another transaction bumped the version between our read and our write.
        raise Conflict(STALE) from exc


def search_parties(
    actor: Actor,
    q: str = "",
    kind: PartyKind | None = None,
    region_code: str | None = None,
    active: bool | None = True,
) -> Select[Party]:
    """Parties the actor may list: staff those of their region, auditors every party but
    households and units. Search reads plain columns only: the rest is ciphertext."""
    stmt = select(Party).order_by(Party.display_name, Party.id)
    if can_manage_parties(actor):
        stmt = stmt.where(region_clause(actor, Party.region_id))
    else:
        stmt = stmt.where(Party.kind.not_in(PRIVATE_KINDS))
    if q:
        stmt = stmt.where(search_clause(q, Party.display_name, Party.public_id))
    if kind is not None:
        stmt = stmt.where(Party.kind == kind)
    if region_code:
        stmt = stmt.join(Region, Party.region_id == Region.id).where(Region.code == region_code)
    if active is not None:
        stmt = stmt.where(Party.active.is_(active))
    return stmt
