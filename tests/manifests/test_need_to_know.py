"""Need to know on documents: a delivery's manifest, act and their print views show a role
what its delivery page shows. Courier, vehicle, driver and comments are on the page only for
those who manage the delivery, so a volunteer whose goods it carries, or the recipient, never
gets them on paper either (the PDF is parsed back and searched for the planted values)."""

from __future__ import annotations

from coordination.parties.models import PartyKind
from tests import factories as f
from tests.manifests.conftest import by_kind, login, pages_text

DRIVER = "Водителев Пётр Семёнович"
VEHICLE = "ГАЗель К777КК"
COMMENT = "звонить Марине с 9 до 11"
COURIER = "Курьерская служба Дальний"
PLANTED = (DRIVER, VEHICLE, COMMENT, COURIER)


def _plant(session, delivery) -> None:
    delivery.driver, delivery.vehicle, delivery.comments = DRIVER, VEHICLE, COMMENT
    delivery.carrier = f.party(
        session, PartyKind.COURIER, region_id=delivery.region_id, display_name=COURIER
    )
    session.commit()


def _documents(client, delivery_id: int) -> dict[str, str]:
    out = {}
    for route in ("manifest.pdf", "act.pdf"):
        resp = client.get(f"/deliveries/{delivery_id}/{route}")
        assert resp.status_code == 200, route
        out[route] = "\n".join(pages_text(resp.data))
    for route in ("manifest", "act", ""):
        resp = client.get(f"/deliveries/{delivery_id}/{route}".rstrip("/"))
        assert resp.status_code == 200, route
        out[route or "delivery page"] = resp.get_data(as_text=True)
    return out


def test_volunteer_and_recipient_documents_carry_no_transport_details(client, session, demo):
    socks = by_kind(demo, "unit")  # the knitting circle's socks, to the northern unit
    _plant(session, socks)
    for who in ("demo-volunteer", "demo-unit"):
        login(client, who)
        for name, text in _documents(client, socks.id).items():
            for planted in PLANTED:
                assert planted not in text, (who, name, planted)
        client.post("/logout")


def test_the_regions_coordinator_gets_them_on_page_and_paper(client, session, demo):
    socks = by_kind(demo, "unit")
    _plant(session, socks)
    login(client, "demo-coordinator")
    docs = _documents(client, socks.id)
    for planted in PLANTED:
        assert planted in docs["delivery page"], planted
        assert planted in docs["manifest.pdf"] or (
            planted == COMMENT and COMMENT[:10] in docs["manifest.pdf"]
        ), planted
        assert planted in docs["manifest"], planted
