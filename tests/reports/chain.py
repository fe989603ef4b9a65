"""Build supply chains for attribution tests: origins, transfers and takes go through the real
services and so do deliveries (draft, allocate, pack, dispatch, handovers); purchases, batch
funding, passing money on and kits go through their services in the hand-built chains (buy,
fund, pass_on, assemble) and are written as rows by the random chains (purchase, fund_batch,
kit), which fund and combine anything: the services refuse overspending and kits without a
bill of materials, which is their job, not what those properties are about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.catalog.models import Item
from coordination.deliveries.allocation import add_line
from coordination.deliveries.handovers import HandoverInput, record_handover
from coordination.deliveries.models import Delivery, HandoverRole, LineCondition
from coordination.deliveries.receipts import ReceiptInput, record_receipt
from coordination.deliveries.services import DraftInput, create_draft
from coordination.deliveries.status import dispatch, pack
from coordination.donations.models import (
    BatchFunding,
    InKindDonation,
    MoneyDonation,
    Purchase,
    PurchaseFunding,
    PurchaseLine,
)
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.money import services as money
from coordination.money.funding import fund_batch
from coordination.money.purchases import (
    FundingInput,
    PurchaseInput,
    PurchaseLineInput,
    purchase_lots,
    record_purchase,
)
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.production.models import ProductionBatch
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock.kits import assemble_kits
from coordination.stock.models import KitAssembly, KitComponentUse, Lot, OriginKind
from coordination.stock.services import open_lot, take_from_lot, transfer_lot
from tests import factories as f

DAY = date(2026, 11, 2)


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
        group = f.party(self.session, PartyKind.GROUP, region_id=self.region.id, display_name=name)
        f.location(
            self.session, party_id=group.id, region_id=self.region.id, kind=LocationKind.WORKSHOP
        )
        return group

    def donor(self, name: str, public: bool = True, **kw: object) -> Party:
        return f.party(
            self.session,
            PartyKind.DONOR,
            region_id=self.region.id,
            display_name=name,
            name_public=public,
            **kw,
        )

    def batch(
        self,
        group: Party,
        item: Item,
        quantity: int,
        members: str | None = None,
        members_public: bool = False,
    ) -> tuple[ProductionBatch, Lot]:
        batch = log_production_batch(
            self.session,
            None,
            BatchInput(
                group_id=group.id,
                item_id=item.id,
                quantity=quantity,
                made_on=DAY,
                members=members,
                members_public=members_public,
            ),
        )
        return batch, self.origin_lot(OriginKind.BATCH, batch.id)

    def in_kind(self, donor: Party | None, item: Item, quantity: int) -> tuple[InKindDonation, Lot]:
        gift = record_in_kind_donation(
            self.session,
            None,
            InKindInput(
                location_id=self.hub.id,
                received_on=DAY,
                donor_id=donor.id if donor else None,
                lines=[InKindLineInput(item_id=item.id, quantity=quantity)],
            ),
        )
        return gift, self.origin_lot(OriginKind.IN_KIND, gift.id)

    def money(
        self,
        donor: Party | None,
        amount: int,
        campaign: Party | None = None,
        passed_from: MoneyDonation | None = None,
    ) -> MoneyDonation:
        donation = money.record_money_donation(
            self.session,
            None,
            money.MoneyInput(
                amount_minor=amount,
                received_on=DAY,
                donor_id=donor.id if donor else None,
                campaign_id=campaign.id if campaign else None,
                received=True,
            ),
        )
        # Random chains chain donations freely; hand-built ones use pass_on (the service).
        donation.passed_from_id = passed_from.id if passed_from else None
        self.session.flush()
        return donation

    def purchase(
        self, lines: list[tuple[Item, int, int]], funding: list[tuple[MoneyDonation, int]]
    ) -> tuple[Purchase, list[Lot]]:
        """lines: (item, quantity, price_minor); funding: (donation, amount_minor)."""
        purchase = Purchase(
            location_id=self.hub.id,
            bought_on=DAY,
            currency="RUB",
            total_minor=sum(a for _d, a in funding),
            supplier="A shop",
        )
        purchase.lines = [
            PurchaseLine(item_id=i.id, quantity=q, price_minor=p) for i, q, p in lines
        ]
        purchase.funding = [PurchaseFunding(donation_id=d.id, amount_minor=a) for d, a in funding]
        self.session.add(purchase)
        self.session.flush()
        lots = [
            open_lot(
                self.session,
                None,
                item=i,
                size=None,
                quantity=q,
                location=self.hub,
                origin_kind=OriginKind.PURCHASE,
                origin_id=purchase.id,
            )
            for i, q, _p in lines
        ]
        return purchase, lots

    def buy(
        self,
        lines: list[tuple[Item, int, int]],
        funding: list[tuple[MoneyDonation, int]],
    ) -> tuple[Purchase, list[Lot]]:
        """A purchase through the money service (it refuses overspending and wrong totals)."""
        purchase = record_purchase(
            self.session,
            None,
            PurchaseInput(
                location_id=self.hub.id,
                bought_on=DAY,
                lines=[
                    PurchaseLineInput(item_id=i.id, quantity=q, price_minor=p) for i, q, p in lines
                ],
                funding=[FundingInput(donation_id=d.id, amount_minor=a) for d, a in funding],
            ),
        )
        return purchase, purchase_lots(self.session, purchase)

    def pass_on(self, source: MoneyDonation, group: Party, amount: int) -> MoneyDonation:
        return money.pass_on_money(self.session, None, source, group.id, amount, DAY)

    def fund(self, batch: ProductionBatch, donation: MoneyDonation, amount: int) -> None:
        fund_batch(self.session, None, batch.id, donation.id, amount, DAY)

    def assemble(self, kit: Item, quantity: int, uses: list[tuple[Lot, int]]) -> Lot:
        """Kits through the stock service (the kit item needs its bill of materials)."""
        return assemble_kits(self.session, None, kit, quantity, self.hub, uses)

    def fund_batch(self, batch: ProductionBatch, donation: MoneyDonation, amount: int) -> None:
        self.session.add(
            BatchFunding(batch_id=batch.id, donation_id=donation.id, amount_minor=amount)
        )
        self.session.flush()

    def kit(
        self, item: Item, quantity: int, uses: list[tuple[Lot, int]]
    ) -> tuple[KitAssembly, Lot]:
        """A kit assembly consuming `uses` (component lot, pieces in all) at the hub."""
        assembly = KitAssembly(
            item_id=item.id, quantity=quantity, location_id=self.hub.id, assembled_on=DAY
        )
        assembly.components = [KitComponentUse(lot_id=lot.id, quantity=q) for lot, q in uses]
        self.session.add(assembly)
        self.session.flush()
        for lot, q in uses:
            take_from_lot(self.session, None, lot, q)
        lot = open_lot(
            self.session,
            None,
            item=item,
            size=None,
            quantity=quantity,
            location=self.hub,
            origin_kind=OriginKind.KIT,
            origin_id=assembly.id,
        )
        return assembly, lot

    def transfer(self, lot: Lot, quantity: int) -> Lot:
        dest = self.other_hub if lot.location_id == self.hub.id else self.hub
        return transfer_lot(self.session, None, lot, dest.id, quantity)

    def origin_lot(self, kind: OriginKind, origin_id: int) -> Lot:
        stmt = (
            select(Lot)
            .where(Lot.origin_kind == kind, Lot.origin_id == origin_id, Lot.parent_lot_id.is_(None))
            .order_by(Lot.id)
        )
        return self.session.scalars(stmt).first()  # type: ignore[return-value]

    # --- deliveries ------------------------------------------------------------------------
    def deliver(
        self,
        to_party: Party,
        lines: list[tuple[Lot, int]],
        handovers: list[tuple[Party, HandoverRole, Party, HandoverRole]] = (),  # type: ignore[assignment]
        receive: bool = True,
    ) -> Delivery:
        """Draft, allocate, pack and dispatch through the delivery services, record the
        handovers, then (`receive`) the recipient's receipt of everything: the ledger gets
        every entry the real flow writes. Without a receipt the goods are still on the way."""
        from_location = lines[0][0].location if lines else self.hub
        delivery = create_draft(
            self.session,
            None,
            DraftInput(from_location_id=from_location.id, to_party_id=to_party.id),
        )
        for lot, q in lines:
            add_line(self.session, None, delivery, delivery.version, lot.id, q)
        pack(self.session, None, delivery, delivery.version)
        dispatch(self.session, None, delivery, delivery.version)
        for src, src_role, dst, dst_role in handovers:
            record_handover(
                self.session,
                None,
                delivery,
                delivery.version,
                HandoverInput(
                    from_party_id=src.id,
                    from_role=src_role.value,
                    to_party_id=dst.id,
                    to_role=dst_role.value,
                    place="Vladimir",
                    region_id=self.dest_region.id,
                ),
            )
        if receive:
            receive_all(self.session, delivery)
        self.session.flush()
        return delivery


def receive_all(session: Session, delivery: Delivery) -> None:
    """The recipient confirms that everything arrived."""
    answers = {line.id: (line.quantity, LineCondition.OK) for line in delivery.lines}
    record_receipt(session, None, delivery, delivery.version, ReceiptInput(lines=answers))


def chain(session: Session, n_items: int = 3) -> Chain:
    region = f.region(session)
    dest = f.region(session)
    hub = f.location(session, region_id=region.id)
    other = f.location(session, region_id=region.id)
    c = Chain(session, region, dest, hub, other)
    c.items = [f.item(session) for _ in range(n_items)]
    return c
