"""The Vladimir case, as the demo tells it: the regional official was recorded as presenter
at a ceremony; the Kostroma circle, whose members knitted the socks, challenges the
official's report that the region supplied them; the coordinator checks the record and
upholds the challenge; the circle publishes the dispute's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.disputes.services import ClaimInput, open_dispute, resolve_dispute, share_dispute

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coordination.demo import World

CLAIM = (
    "The regional administration's report on the ceremony says the region supplied the "
    "socks and the medical kits handed over to the unit. The socks were knitted by our "
    "circle and the kits were bought with the Novy Urengoy school fair's money; the "
    "administration's representative only presented them."
)
OUTCOME = (
    "The ledger shows the socks' origin as the circle's production batches and the kits' "
    "origin as a purchase paid by the fair's donations. The official appears only as "
    "presenter at the ceremony, with no origin credit. The challenge is upheld."
)


def add_disputes(session: Session, world: World) -> None:
    delivery = world.things.get("delivery-vladimir-case")
    if delivery is None or delivery.code is None:
        return  # the deliveries part of the demo did not build the case
    ceremony = world.things.get("handover-ceremony")
    volunteer = world.users["demo-volunteer"]
    dispute = open_dispute(
        session,
        volunteer,
        ClaimInput(
            code=delivery.code,
            claim_kind="external",
            claim_text=CLAIM,
            claim_url="https://example.org/news/ceremony-report",
            handover_id=ceremony.public_id if ceremony is not None else None,
        ),
    )
    resolve_dispute(
        session, world.users["demo-coordinator"], dispute, dispute.version, "upheld", OUTCOME
    )
    share_dispute(session, volunteer, dispute)
    world.things["dispute-vladimir-case"] = dispute
