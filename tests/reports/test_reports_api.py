"""/api/v1/attribution: the same numbers as the pages, for those who may see the delivery."""

from __future__ import annotations

from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.reports.chain import receive_all
from tests.reports.test_verify import build


def get(client, token: str, path: str):
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def test_delivery_and_party_attribution_over_the_api(app, client, session) -> None:
    c, delivery = build(session)
    coordinator = f.token(session, f.user(session, Role.COORDINATOR, region_id=c.region.id))
    resp = get(client, coordinator, f"/attribution/deliveries/{delivery.id}")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["quantity"] == 16 and data["code"] == delivery.code
    assert {(s["label"], s["kind"], s["quantity"]) for s in data["sources"]} == {
        ("members of Kostroma knitters", "maker", "12"),
        ("anonymous donor", "donor", "4"),
    }
    roles = {p["label"]: (p["roles"], p["credit"]) for p in data["parties"]}
    assert roles["Deputy governor"] == (["presenter"], "0")

    knitters = next(h.from_party for h in delivery.handovers if h.from_role.value == "source")
    made = get(client, coordinator, f"/attribution/parties/{knitters.id}").get_json()
    assert made["delivered"] == []  # still on the way: nobody received anything yet
    receive_all(session, delivery)
    session.commit()
    made = get(client, coordinator, f"/attribution/parties/{knitters.id}").get_json()
    assert [(d["item"], d["quantity"]) for d in made["delivered"]] == [(c.items[0].code, "12")]

    auditor = f.token(session, f.user(session, Role.AUDITOR))
    assert get(client, auditor, f"/attribution/deliveries/{delivery.id}").status_code == 200
    elsewhere = f.token(session, f.user(session, Role.COORDINATOR))
    assert get(client, elsewhere, f"/attribution/deliveries/{delivery.id}").status_code == 404
    stranger = f.token(session, f.user(session, Role.VOLUNTEER))
    assert get(client, stranger, f"/attribution/parties/{knitters.id}").status_code == 404
    own = f.token(session, f.user(session, Role.VOLUNTEER, party_id=knitters.id))
    assert get(client, own, f"/attribution/parties/{knitters.id}").status_code == 200
    household = f.party(session, PartyKind.HOUSEHOLD)
    assert get(client, coordinator, f"/attribution/parties/{household.id}").status_code == 404
    assert get(client, coordinator, "/attribution/parties/999999").status_code == 404

    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/attribution/deliveries/{delivery_id}" in paths
    assert "/api/v1/attribution/parties/{party_id}" in paths
