"""Two regions side by side, for the region-scope tests (tests/security/test_region_scope.py
and tests/manifests/test_need_to_know.py): a coordinator in each, a group, hub, household,
need, lot and draft delivery in the first, another group and hub in the second."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.deliveries.services import DraftInput, create_draft
from coordination.kernel.actors import Role
from coordination.needs.models import DeliveryKind, Need, NeedLine, NeedStatus
from coordination.parties.models import LocationKind, PartyKind
from coordination.stock.models import Lot, OriginKind
from tests import factories as f


def region_world(session: Session, name: str, phone: str, address: str, note: str) -> Any:
    region, elsewhere_region = f.region(session), f.region(session)
    group = f.party(session, PartyKind.GROUP, region_id=region.id)
    other_group = f.party(session, PartyKind.GROUP, region_id=elsewhere_region.id)
    household = f.party(
        session,
        PartyKind.HOUSEHOLD,
        region_id=region.id,
        private_name=name,
        phone=phone,
        address=address,
        note=note,
    )
    hub = f.location(session, region_id=region.id, party_id=group.id)
    other_hub = f.location(
        session, region_id=elsewhere_region.id, party_id=other_group.id, kind=LocationKind.WORKSHOP
    )
    item = f.item(session)
    need = Need(
        party_id=household.id,
        region_id=region.id,
        delivery_kind=DeliveryKind.REGION,
        status=NeedStatus.SUBMITTED,
        submission_token=f"region-scope-{household.public_id}",
        lines=[NeedLine(item_id=item.id, quantity=1)],
    )
    lot = Lot(
        item_id=item.id, quantity=5, location_id=hub.id, origin_kind=OriginKind.IN_KIND, origin_id=1
    )
    session.add_all([need, lot])
    session.flush()
    delivery = create_draft(
        session, None, DraftInput(hub.id, to_party_id=household.id, allocate=False)
    )
    world = {
        "region": region,
        "elsewhere_region": elsewhere_region,
        "group": group,
        "other_group": other_group,
        "household": household,
        "hub": hub,
        "other_hub": other_hub,
        "item": item,
        "need": need,
        "lot": lot,
        "delivery": delivery,
    }
    session.commit()
    world["coordinator"] = f.user(session, Role.COORDINATOR, region_id=region.id)
    world["elsewhere"] = f.user(session, Role.COORDINATOR, region_id=elsewhere_region.id)
    world["volunteer"] = f.user(session, Role.VOLUNTEER, party_id=group.id)
    return world
