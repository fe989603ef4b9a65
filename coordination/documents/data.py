"""What a delivery's documents print, gathered once from the database.

Renderers take these plain records, so they never query (and the benchmark can feed them
10,000 lines without a database). Contact details and addresses are filled in only for a
viewer who may see the party's personal data (staff, or the party itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.attribution.labels import LineSources, party_label
from coordination.deliveries.access import can_manage
from coordination.deliveries.models import Delivery
from coordination.parties.access import can_see_personal_data
from coordination.parties.models import KIND_ONLY_KINDS, Location, Party


@dataclass
class PartyBlock:
    name: str
    place: str = ""
    contact: str | None = None
    address: str | None = None


@dataclass
class DocLine:
    code: str
    description: str
    size: str
    unit: str
    sent: int
    received: int | None
    box: int | None
    weight_grams: int | None
    source: str
    condition: str = ""  # the recipient's word on it: ok, short, damaged


@dataclass
class HandoverRow:
    at: datetime
    giver: str
    giver_role: str
    taker: str
    taker_role: str
    place: str


@dataclass
class Proof:
    index: int
    entry_body: str  # the canonical JSON whose UTF-8 bytes are the leaf data
    tlog_proof: str  # c2sp.org/tlog-proof@v1 of the entry, without an extra line
    verify_url: str  # what the address code holds


@dataclass
class DeliveryDoc:
    number: str
    code: str | None
    status: str
    consignor: PartyBlock
    consignee: PartyBlock
    needs: list[str]
    sent: datetime | None
    expected: date | None
    received: datetime | None
    carrier: str
    vehicle: str
    driver: str
    packages: int | None
    comments: str
    printed_at: datetime
    lines: list[DocLine] = field(default_factory=list)
    handovers: list[HandoverRow] = field(default_factory=list)
    proof: Proof | None = None

    @property
    def total_sent(self) -> int:
        return sum(line.sent for line in self.lines)

    @property
    def total_received(self) -> int | None:
        got = [line.received for line in self.lines if line.received is not None]
        return sum(got) if got else None

    @property
    def total_weight(self) -> int:
        return sum(line.weight_grams or 0 for line in self.lines)

    @property
    def boxes(self) -> int:
        return len({line.box for line in self.lines if line.box is not None})


def manifest_number(delivery: Delivery) -> str:
    return "AT-" + delivery.public_id.upper()


def _place(location: Location | None, locale: str) -> str:
    if location is None:
        return ""
    bits = [location.name, location.town or "", location.region.name(locale)]
    return ", ".join(b for b in bits if b)


def party_block(
    viewer: User,
    party: Party | None,
    location: Location | None,
    locale: str,
    manager: bool = False,
) -> PartyBlock:
    """manager: the viewer manages the delivery and needs this party's contact to hand the
    goods over (its consignee), even when the party is of another region."""
    if party is None:
        return PartyBlock(name=location.name if location else "", place=_place(location, locale))
    personal = manager or can_see_personal_data(viewer, party)
    name = party.private_name if personal and party.private_name else party.display_name
    if not personal and party.kind in KIND_ONLY_KINDS:
        name = party_label(party)
    region = party.region.name(locale) if party.region else ""
    place = _place(location, locale) if location is not None else region
    return PartyBlock(
        name=name,
        place=place,
        contact=party.phone if personal else None,
        address=party.address if personal else None,
    )


def delivery_doc(
    session: Session,
    viewer: User,
    delivery: Delivery,
    locale: str,
    printed_at: datetime,
    proof: Proof | None = None,
) -> DeliveryDoc:
    origin = delivery.from_location
    # Need to know: courier, vehicle, driver and comments are on the delivery page for those
    # who manage it only (templates/deliveries/detail.html), so on its documents too.
    transport = can_manage(viewer, delivery)
    consignor = party_block(viewer, origin.party, origin, locale)
    consignee = party_block(viewer, delivery.to_party, delivery.to_location, locale, transport)
    sources = LineSources(session)
    conditions = {
        rl.delivery_line_id: rl.condition.value
        for receipt in delivery.receipts
        for rl in receipt.lines
    }
    needs: dict[str, None] = {}
    lines = []
    for line in delivery.lines:
        lot = line.lot
        if line.need_line is not None:
            needs[line.need_line.need.public_id] = None
        lines.append(
            DocLine(
                code=lot.item.code,
                description=lot.item.name(locale),
                size=lot.size or "",
                unit=lot.item.unit.value,
                sent=line.quantity,
                received=line.quantity_received,
                box=line.box_number,
                weight_grams=line.weight_grams,
                source=sources.text(line),
                condition=conditions.get(line.id, ""),
            )
        )
    handovers = [
        HandoverRow(
            at=h.at,
            giver=party_block(viewer, h.from_party, None, locale).name,
            giver_role=h.from_role.value,
            taker=party_block(viewer, h.to_party, None, locale).name,
            taker_role=h.to_role.value,
            place=h.place,
        )
        for h in delivery.handovers
    ]
    return DeliveryDoc(
        number=manifest_number(delivery),
        code=delivery.code,
        status=delivery.status.value,
        consignor=consignor,
        consignee=consignee,
        needs=list(needs),
        sent=delivery.dispatched_at,
        expected=delivery.expected_on,
        received=delivery.delivered_at or max((r.at for r in delivery.receipts), default=None),
        carrier=delivery.carrier.display_name if transport and delivery.carrier else "",
        vehicle=(delivery.vehicle or "") if transport else "",
        driver=(delivery.driver or "") if transport else "",
        packages=delivery.packages,
        comments=(delivery.comments or "") if transport else "",
        printed_at=printed_at,
        lines=lines,
        handovers=handovers,
        proof=proof,
    )
