"""Build supply chains for attribution tests: origins, transfers and takes go through the real
services; purchases, kit assemblies and deliveries are written as rows (with the ledger entry
a dispatch appends) because their services are being built beside this code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.catalog.models import Item
from coordination.deliveries.models import (
    Delivery,
    DeliveryLine,
    DeliveryStatus,
    Handover,
    HandoverRole,
)
from coordination.donations import money
from coordination.donations.models import (
    BatchFunding,
    InKindDonation,
    MoneyDonation,
    Purchase,
    PurchaseFunding,
    PurchaseLine,
)
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.ledger.services import append
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.production.models import ProductionBatch
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock.models import KitAssembly, KitComponentUse, Lot, OriginKind
from coordination.stock.services import open_lot, take_from_lot, transfer_lot
from tests import factories as f

DAY = date(2026, 11, 2)
WHEN = datetime(2026, 11, 12, 9, 30, tzinfo=UTC)


@dataclass
class Chain:
    session: Session
    region: Region
    dest_region: Region
    hub: Location
    other_hub: Location
    items: list[Item] = field(default_factory=list)

    # --- origins ---------------------------------------------------------------------------
    def group(self, name: str) -> Party:
        group = f.party(self.session, PartyKind.GROUP, region_id=self.region.id,
                        display_name=name)  # fmt: skip
        f.location(self.session, party_id=group.id, region_id=self.region.id,
                   kind=LocationKind.WORKSHOP)  # fmt: skip
        return group

    def donor(self, name: str, public: bool = True, **kw: object) -> Party:
        return f.party(self.session, PartyKind.DONOR, region_id=self.region.id,
                       display_name=name, name_public=public, **kw)  # fmt: skip

    def batch(self, group: Party, item: Item, quantity: int, members: str | None = None,
              members_public: bool = False) -> tuple[ProductionBatch, Lot]:  # fmt: skip
        batch = log_production_batch(self.session, None, BatchInput(
            group_id=group.id, item_id=item.id, quantity=quantity, made_on=DAY,
            members=members, members_public=members_public))  # fmt: skip
        return batch, self.origin_lot(OriginKind.BATCH, batch.id)

    def in_kind(self, donor: Party | None, item: Item, quantity: int) -> tuple[InKindDonation, Lot]:
        gift = record_in_kind_donation(self.session, None, InKindInput(
            location_id=self.hub.id, received_on=DAY, donor_id=donor.id if donor else None,
            lines=[InKindLineInput(item_id=item.id, quantity=quantity)]))  # fmt: skip
        return gift, self.origin_lot(OriginKind.IN_KIND, gift.id)

    def money(self, donor: Party | None, amount: int, campaign: Party | None = None,
              passed_from: MoneyDonation | None = None) -> MoneyDonation:  # fmt: skip
        donation = money.record_money_donation(self.session, None, money.MoneyInput(
            amount_minor=amount, received_on=DAY, donor_id=donor.id if donor else None,
            received=True))  # fmt: skip
        donation.campaign_id = campaign.id if campaign else None
        donation.passed_from_id = passed_from.id if passed_from else None
        donation.receipt_code = secrets.token_urlsafe(12)
        self.session.flush()
        return donation

    def purchase(self, lines: list[tuple[Item, int, int]],
                 funding: list[tuple[MoneyDonation, int]]) -> tuple[Purchase, list[Lot]]:
        """lines: (item, quantity, price_minor); funding: (donation, amount_minor)."""
        purchase = Purchase(location_id=self.hub.id, bought_on=DAY, currency="RUB",
                            total_minor=sum(a for _d, a in funding), supplier="A shop")  # fmt: skip
        purchase.lines = [PurchaseLine(item_id=i.id, quantity=q, price_minor=p)
                          for i, q, p in lines]  # fmt: skip
        purchase.funding = [PurchaseFunding(donation_id=d.id, amount_minor=a) for d, a in funding]
        self.session.add(purchase)
        self.session.flush()
        lots = [open_lot(self.session, None, item=i, size=None, quantity=q, location=self.hub,
                         origin_kind=OriginKind.PURCHASE, origin_id=purchase.id)
                for i, q, _p in lines]  # fmt: skip
        return purchase, lots

    def fund_batch(self, batch: ProductionBatch, donation: MoneyDonation, amount: int) -> None:
        self.session.add(BatchFunding(batch_id=batch.id, donation_id=donation.id,
                                      amount_minor=amount))  # fmt: skip
        self.session.flush()

    def kit(self, item: Item, quantity: int,
            uses: list[tuple[Lot, int]]) -> tuple[KitAssembly, Lot]:  # fmt: skip
        """A kit assembly consuming `uses` (component lot, pieces in all) at the hub."""
        assembly = KitAssembly(item_id=item.id, quantity=quantity, location_id=self.hub.id,
                               assembled_on=DAY)  # fmt: skip
        assembly.components = [KitComponentUse(lot_id=lot.id, quantity=q) for lot, q in uses]
        self.session.add(assembly)
        self.session.flush()
        for lot, q in uses:
            take_from_lot(self.session, None, lot, q)
        lot = open_lot(self.session, None, item=item, size=None, quantity=quantity,
                       location=self.hub, origin_kind=OriginKind.KIT, origin_id=assembly.id)
        return assembly, lot  # fmt: skip

    def transfer(self, lot: Lot, quantity: int) -> Lot:
        dest = self.other_hub if lot.location_id == self.hub.id else self.hub
        return transfer_lot(self.session, None, lot, dest.id, quantity)

    def origin_lot(self, kind: OriginKind, origin_id: int) -> Lot:
        stmt = select(Lot).where(Lot.origin_kind == kind, Lot.origin_id == origin_id,
                                 Lot.parent_lot_id.is_(None)).order_by(Lot.id)  # fmt: skip
        return self.session.scalars(stmt).first()  # type: ignore[return-value]

    # --- deliveries ------------------------------------------------------------------------
    def deliver(self, to_party: Party, lines: list[tuple[Lot, int]],
                handovers: list[tuple[Party, HandoverRole, Party, HandoverRole]] = (),  # type: ignore[assignment]
                code: str | None = None) -> Delivery:  # fmt: skip
        """A dispatched delivery: goods taken from the lots, a delivery.dispatched entry."""
        delivery = Delivery(code=code or secrets.token_urlsafe(12), region_id=self.region.id,
                            from_location_id=self.hub.id, to_party_id=to_party.id,
                            status=DeliveryStatus.DISPATCHED, dispatched_at=WHEN)  # fmt: skip
        delivery.lines = [DeliveryLine(lot_id=lot.id, quantity=q) for lot, q in lines]
        self.session.add(delivery)
        self.session.flush()
        for lot, q in lines:
            take_from_lot(self.session, None, lot, q)
        entry = append(self.session, None, "delivery.dispatched", {
            "delivery": delivery.public_id,
            "lines": [{"lot": lot.public_id, "quantity": q} for lot, q in lines],
        })  # fmt: skip
        delivery.dispatch_entry = entry.index
        for n, (src, src_role, dst, dst_role) in enumerate(handovers):
            h = Handover(delivery_id=delivery.id, from_party_id=src.id, from_role=src_role,
                         to_party_id=dst.id, to_role=dst_role, place="Vladimir",
                         region_id=self.dest_region.id, at=WHEN.replace(day=13 + n))  # fmt: skip
            self.session.add(h)
            self.session.flush()
            h.entry_index = append(self.session, None, "handover.recorded", {
                "handover": h.public_id, "delivery": delivery.public_id,
                "from": src.public_id, "to": dst.public_id,
                "from_role": src_role.value, "to_role": dst_role.value,
            }).index  # fmt: skip
        self.session.flush()
        self.session.refresh(delivery)
        return delivery


def chain(session: Session, n_items: int = 3) -> Chain:
    region = f.region(session)
    dest = f.region(session)
    hub = f.location(session, region_id=region.id)
    other = f.location(session, region_id=region.id)
    c = Chain(session, region, dest, hub, other)
    c.items = [f.item(session) for _ in range(n_items)]
    return c
