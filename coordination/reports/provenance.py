"""W3C PROV-JSON of a delivery's provenance, for auditors: only public ids and public labels.

Entities: the delivered goods (one per delivery line), every lot on their way back to an
origin (transfers, kit components) and the money donations that paid. Activities: production,
donation in kind, purchase, kit assembly, transfer, dispatch and each handover. Agents:
groups, donors (an anonymous donor is one agent per gift, with no id of its own), campaigns,
the recipient (as "unit"/"household" only), couriers and officials.

`wasAttributedTo` is used for origins only (maker, donor, funder: exactly the credits of
attribution.py, with their exact quantity and money); carriers, collectors and presenters
appear only through `wasAssociatedWith` with their role, so they are never credited.
"""

from __future__ import annotations

from typing import Any

from prov.model import ProvActivity, ProvDocument, ProvEntity
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.attribution.credit import MAX_DEPTH, party_label
from coordination.attribution.funding import batch_funding, purchase_funding
from coordination.attribution.services import Credit, CreditKind, fraction_text, line_credits
from coordination.attribution.stages import stages_of
from coordination.attribution.walker import Walker
from coordination.deliveries.access import visible_delivery
from coordination.deliveries.models import Delivery
from coordination.donations.models import InKindDonation, MoneyDonation, Purchase
from coordination.kernel.actors import Role
from coordination.kernel.ids import get_or_404
from coordination.parties.models import Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.stock.models import KitAssembly, Lot, OriginKind
from coordination.stock.origins import origin_of

NS = "aidtrail"
NS_URI = "https://aidtrail.org/ns/prov#"


def readable_delivery(session: Session, actor: User | None, delivery_id: int) -> Delivery:
    """Auditors read every delivery's provenance (it holds nothing personal); others only
    the deliveries they may see at all."""
    if actor is not None and actor.role == Role.AUDITOR:
        return get_or_404(session, Delivery, delivery_id)
    return visible_delivery(session, actor, delivery_id)


def agent_id(credit: Credit) -> str | None:
    if credit.kind == CreditKind.UNKNOWN:
        return None
    if credit.party is not None:
        return f"{NS}:party-{credit.party}"
    return f"{NS}:anonymous-{credit.donation or credit.origin}"


class Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.doc = ProvDocument()
        self.doc.add_namespace(NS, NS_URI)
        self.walker = Walker(session)
        self.lots: dict[int, ProvEntity] = {}
        self.origins: dict[str, ProvActivity] = {}
        self.agents: set[str] = set()
        self.scope = ""  # the delivery's public id: recipients are named by it, not their own

    def agent(self, ident: str, label: str, kind: str) -> str:
        if ident not in self.agents:
            self.agents.add(ident)
            self.doc.agent(ident, {"prov:label": label, f"{NS}:kind": kind})
        return ident

    def party_agent(self, party: Party | None, fallback: str) -> str:
        if party is not None and party.is_private:
            return self.agent(
                f"{NS}:{party.kind.value}-of-{self.scope}", party.kind.value, party.kind.value
            )
        if party is not None and party.kind == PartyKind.COURIER:  # often one person
            return self.agent(f"{NS}:courier-{party.public_id}", "courier", "courier")
        public, label = party_label(party)
        ident = f"{NS}:party-{public}" if public else f"{NS}:anonymous-{fallback}"
        return self.agent(ident, label, party.kind.value if party else "donor")

    def lot(self, lot: Lot, depth: int = 0) -> ProvEntity:
        if lot.id in self.lots:
            return self.lots[lot.id]
        entity = self.doc.entity(
            f"{NS}:lot-{lot.public_id}",
            {
                "prov:type": f"{NS}:Lot",
                f"{NS}:item": lot.item.code,
                f"{NS}:size": lot.size or "",
            },
        )
        self.lots[lot.id] = entity
        if depth >= MAX_DEPTH:
            return entity
        if lot.parent is not None:
            parent = self.lot(lot.parent, depth + 1)
            move = self.doc.activity(
                f"{NS}:transfer-{lot.public_id}",
                lot.created_at,
                other_attributes={"prov:type": f"{NS}:Transfer"},
            )
            self.doc.used(move, parent)
            self.doc.wasGeneratedBy(entity, move)
            self.doc.wasDerivedFrom(entity, parent)
        else:
            origin = self.origin(lot, depth)
            if origin is not None:
                self.doc.wasGeneratedBy(entity, origin)
        return entity

    def origin(self, lot: Lot, depth: int) -> ProvActivity | None:
        record: Any = origin_of(self.session, lot)
        if record is None:
            return None
        ident = f"{NS}:{lot.origin_kind.value}-{record.public_id}"
        if ident in self.origins:
            return self.origins[ident]
        kinds = {
            OriginKind.BATCH: "Production",
            OriginKind.IN_KIND: "DonationInKind",
            OriginKind.PURCHASE: "Purchase",
            OriginKind.KIT: "KitAssembly",
        }
        act = self.doc.activity(
            ident, other_attributes={"prov:type": f"{NS}:{kinds[lot.origin_kind]}"}
        )
        self.origins[ident] = act
        if isinstance(record, ProductionBatch):
            self.doc.wasAssociatedWith(
                act,
                self.party_agent(record.group, record.public_id),
                None,
                None,
                {"prov:role": f"{NS}:maker"},
            )
            for donation, amount in batch_funding(record):
                self.money(act, donation, amount)
        elif isinstance(record, InKindDonation):
            self.doc.wasAssociatedWith(
                act,
                self.party_agent(record.donor, record.public_id),
                None,
                None,
                {"prov:role": f"{NS}:donor"},
            )
        elif isinstance(record, Purchase):
            for donation, amount in purchase_funding(record):
                self.money(act, donation, amount)
        elif isinstance(record, KitAssembly):
            for use in record.components:
                self.doc.used(
                    act,
                    self.lot(use.lot, depth + 1),
                    other_attributes={f"{NS}:quantity": use.quantity},
                )
        return act

    def money(self, act: ProvActivity, donation: MoneyDonation, amount: int) -> None:
        ent = self.doc.entity(
            f"{NS}:money-{donation.public_id}",
            {"prov:type": f"{NS}:MoneyDonation", f"{NS}:currency": donation.currency},
        )
        self.doc.used(act, ent, other_attributes={f"{NS}:amount_minor": amount})

    def delivery(self, delivery: Delivery) -> None:
        self.scope = delivery.public_id
        dispatch = self.doc.activity(
            f"{NS}:dispatch-{delivery.public_id}",
            delivery.dispatched_at,
            other_attributes={"prov:type": f"{NS}:Dispatch"},
        )
        if delivery.carrier is not None:
            self.doc.wasAssociatedWith(
                dispatch,
                self.party_agent(delivery.carrier, ""),
                None,
                None,
                {"prov:role": f"{NS}:carrier"},
            )
        goods = []
        reached = stages_of(self.session, delivery.lines)
        for n, (line, stages) in enumerate(zip(delivery.lines, reached, strict=True), 1):
            lot = self.lot(line.lot)
            ent = self.doc.entity(
                f"{NS}:goods-{delivery.public_id}-{n}",
                {
                    "prov:type": f"{NS}:DeliveredGoods",
                    f"{NS}:item": line.lot.item.code,
                    f"{NS}:quantity": line.quantity,
                    # Where the pieces are (received, moved to a hub, in transit...): a move
                    # to a hub is not a delivery to anyone (stages.py).
                    **{f"{NS}:{stage.value}": count for stage, count in stages.items()},
                },
            )
            goods.append(ent)
            self.doc.used(dispatch, lot)
            self.doc.wasGeneratedBy(ent, dispatch)
            self.doc.wasDerivedFrom(ent, lot)
            for credit in line_credits(self.session, line, self.walker):
                self.attribute(ent, credit)
        for h in delivery.handovers:
            act = self.doc.activity(
                f"{NS}:handover-{h.public_id}",
                h.at,
                other_attributes={"prov:type": f"{NS}:Handover"},
            )
            for ent in goods:
                self.doc.used(act, ent)
            for party, role in ((h.from_party, h.from_role), (h.to_party, h.to_role)):
                self.doc.wasAssociatedWith(
                    act,
                    self.party_agent(party, h.public_id),
                    None,
                    None,
                    {"prov:role": f"{NS}:{role.value}"},
                )

    def attribute(self, entity: ProvEntity, credit: Credit) -> None:
        ident = agent_id(credit)
        if ident is None:
            return
        self.agent(ident, credit.label, "group" if credit.kind == CreditKind.MAKER else "donor")
        attrs: dict[str, Any] = {
            f"{NS}:kind": credit.kind.value,
            f"{NS}:quantity": fraction_text(credit.quantity),
            f"{NS}:origin": f"{credit.origin_kind}-{credit.origin}",
        }
        if credit.kind == CreditKind.FUNDER:
            attrs[f"{NS}:money_minor"] = fraction_text(credit.money_minor)
            attrs[f"{NS}:currency"] = credit.currency or ""
        self.doc.wasAttributedTo(entity, ident, None, attrs)


def prov_document(session: Session, delivery: Delivery) -> str:
    """The PROV-JSON text of a delivery's provenance."""
    builder = Builder(session)
    builder.delivery(delivery)
    return str(builder.doc.serialize(format="json"))
