"""The demo plus one household's and one unit's life: several needs, deliveries, handovers,
receipts and a published dispute, each step recorded as one "action" so the linkage test
knows which public entries belong to which need or delivery (the "case") and to whom.

Only the test knows these groupings (from the database it built); an observer has only the
public answers, and the test asserts that nothing in them rebuilds the groupings.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text

from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.deliveries import allocation, handovers, receipts, services, status
from coordination.deliveries.models import Delivery, LineCondition
from coordination.demo import build_demo
from coordination.disputes import services as disputes
from coordination.kernel.actors import Role
from coordination.needs import services as needs
from coordination.needs.checks import LineInput, NeedInput
from coordination.parties import services as parties
from coordination.parties.models import Location, PartyKind
from tests import factories as f
from tests.stock.support import lot_at


@dataclass
class Action:
    case: str  # "need:<public id>" or "delivery:<public id>"; "setup" for registrations
    owners: frozenset[str]  # "H", "U" and "acct:<username>" it belongs to
    start: int
    end: int  # exclusive ledger indices appended by this action


@dataclass
class World:
    actions: list[Action] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)  # case -> delivery
    disputes: dict[str, str] = field(default_factory=dict)  # share code -> case
    stable_ids: dict[str, str] = field(default_factory=dict)  # what -> public id
    subjects: dict[str, frozenset[str]] = field(default_factory=dict)  # case -> {"H"}/{"U"}

    def owners_of(self, case: str) -> frozenset[str]:
        found: set[str] = set()
        for a in self.actions:
            if a.case == case:
                found |= a.owners
        return frozenset(found)

    def cases(self) -> list[str]:
        return sorted({a.case for a in self.actions if a.case != "setup"})


def _head(session: Any) -> int:
    return int(session.execute(text("SELECT size FROM ledger_head WHERE id = 1")).scalar_one())


@contextmanager
def _act(world: World, session: Any, case: str, *owners: str) -> Iterator[None]:
    start = _head(session)
    yield
    session.flush()
    world.actions.append(Action(case, frozenset(owners), start, _head(session)))


def build(session: Any) -> World:
    build_demo(session, None)
    session.commit()
    world = World()
    admin = session.scalar(select(User).where(User.username == "demo-admin"))
    hub = session.scalars(select(Location).order_by(Location.id)).first()
    region_id = hub.region_id
    # The goods: fresh lots whose ids are public from their origin entries on (background).
    socks, gloves = (
        session.scalar(select(Item).where(Item.code == c))
        for c in ("TRENCH-CANDLE", "NITRILE-GLOVES")
    )
    lots = [lot_at(session, hub, goods, 40) for goods in (socks, gloves)]
    courier = parties.register_party(
        session,
        admin,
        PartyKind.COURIER,
        parties.PartyFields(display_name="Courier", region_id=region_id),
    )
    with _act(world, session, "setup", "H", "U"):
        coord = accounts.create_user(
            session,
            admin,
            username="link-coord",
            password=f.PASSWORD,
            role=Role.COORDINATOR,
            region_id=region_id,
        )
        parties_made = {}
        for key, kind, role in (
            ("H", PartyKind.HOUSEHOLD, Role.FAMILY),
            ("U", PartyKind.UNIT, Role.UNIT_REP),
        ):
            party = parties.register_party(
                session,
                admin,
                kind,
                parties.PartyFields(region_id=region_id, private_name=f"link {key}"),
            )
            user = accounts.create_user(
                session,
                admin,
                username=f"link-{key.lower()}",
                password=f.PASSWORD,
                role=role,
                party_id=party.id,
            )
            parties_made[key] = (party, user)
            world.stable_ids[f"party {key}"] = party.public_id
            world.stable_ids[f"account {key}"] = user.public_id
    world.stable_ids["account coordinator"] = coord.public_id
    session.commit()

    def need(key: str, items: list[Item], approve: bool = True) -> Any:
        user = parties_made[key][1]
        data = NeedInput(
            region_id=region_id,
            delivery_kind="town",
            town="Town",
            lines=[LineInput(item_id=i.id, quantity=3) for i in items],
        )
        with _act(world, session, "pending", key, f"acct:{user.username}"):
            made, _ = needs.submit_need(session, user, data, secrets.token_urlsafe(24))
        world.actions[-1].case = f"need:{made.public_id}"
        if approve:
            with _act(world, session, f"need:{made.public_id}", key, "acct:link-coord"):
                needs.approve_need(session, coord, made, made.version)
        world.subjects[f"need:{made.public_id}"] = frozenset({key})
        return made

    def deliver(key: str, need_lines: list[Any]) -> Delivery:
        party, user = parties_made[key]
        with _act(world, session, "pending", key, "acct:link-coord"):
            d = services.create_draft(
                session,
                coord,
                services.DraftInput(
                    from_location_id=hub.id, need_line_ids=[ln.id for ln in need_lines]
                ),
            )
        case = f"delivery:{d.public_id}"
        world.actions[-1].case = case
        world.subjects[case] = frozenset({key})
        with _act(world, session, case, key, "acct:link-coord"):
            status.pack(session, coord, d, d.version)
            status.dispatch(session, coord, d, d.version)
            handovers.record_handover(
                session,
                coord,
                d,
                d.version,
                handovers.HandoverInput(
                    from_party_id=courier.id,
                    from_role="carrier",
                    to_party_id=party.id,
                    to_role="recipient",
                    place="Town",
                ),
            )
            status.mark_delivered(session, coord, d, d.version)
        with _act(world, session, case, key, f"acct:{user.username}"):
            receipts.record_receipt(
                session,
                user,
                d,
                d.version,
                receipts.ReceiptInput(
                    lines={ln.id: (ln.quantity, LineCondition.OK) for ln in d.lines}
                ),
            )
        world.deliveries[case] = d
        return d

    n1 = need("H", [socks])
    n2 = need("H", [gloves])
    n3 = need("H", [socks, gloves])
    m1 = need("U", [socks])
    m2 = need("U", [gloves])
    d1 = deliver("H", n1.lines)
    deliver("H", n2.lines + n3.lines)  # one delivery serving two needs of one household
    deliver("U", m1.lines)
    deliver("U", m2.lines)
    withdrawn = need("H", [gloves], approve=False)
    with _act(world, session, f"need:{withdrawn.public_id}", "H", "acct:link-h"):
        needs.cancel_need(session, parties_made["H"][1], withdrawn, withdrawn.version)
    # Someone else's delivery from the same lots by the same courier: sources and couriers
    # are public and shared by many recipients, as they are in life (background, no case).
    other = parties.register_party(
        session,
        admin,
        PartyKind.HOUSEHOLD,
        parties.PartyFields(region_id=region_id, private_name="other"),
    )
    elsewhere = services.create_draft(
        session, coord, services.DraftInput(from_location_id=hub.id, to_party_id=other.id)
    )
    for lot in lots:
        allocation.add_line(session, coord, elsewhere, elsewhere.version, lot.id, 1)
    status.pack(session, coord, elsewhere, elsewhere.version)
    status.dispatch(session, coord, elsewhere, elsewhere.version)
    handovers.record_handover(
        session,
        coord,
        elsewhere,
        elsewhere.version,
        handovers.HandoverInput(
            from_party_id=courier.id,
            from_role="carrier",
            to_party_id=other.id,
            to_role="recipient",
            place="Town",
        ),
    )
    # A dispute about the household's first delivery, published: its page is public.
    auditor = session.scalar(select(User).where(User.username == "demo-auditor"))
    with _act(world, session, f"delivery:{d1.public_id}", "H"):
        dispute = disputes.open_dispute(
            session,
            auditor,
            disputes.ClaimInput(code=d1.code, claim_kind="external", claim_text="A report says so"),
        )
        disputes.share_dispute(session, admin, dispute)
    world.disputes[dispute.share_code] = f"delivery:{d1.public_id}"
    session.commit()
    return world
