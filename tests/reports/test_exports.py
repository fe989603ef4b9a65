"""PROV-JSON export (read back by the `prov` package) and the donor follow-up page."""

from __future__ import annotations

import json
from fractions import Fraction

from prov.model import ProvDocument

from coordination.attribution.services import line_credits
from coordination.deliveries.models import HandoverRole
from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from coordination.reports.provenance import agent_id
from tests import factories as f
from tests.reports.chain import chain
from tests.reports.test_verify import EN, build, clean

NS = "https://aidtrail.org/ns/prov#"


def relations(doc: ProvDocument, name: str) -> list[dict[str, str]]:
    out = []
    for record in doc.get_records():
        if record.get_type().localpart == name:
            out.append({str(k.localpart): str(v) for k, v in record.attributes})
    return out


def test_prov_export_validates_and_attributes_origins_only(app, session) -> None:
    c, delivery = build(session)
    coordinator = f.user(session, Role.COORDINATOR, region_id=c.region.id)
    client = app.test_client()
    f.login(client, coordinator)
    resp = client.get(f"/deliveries/{delivery.id}/provenance.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    text = resp.get_data(as_text=True)
    clean(text)
    doc = ProvDocument.deserialize(content=text, format="json")
    assert doc.get_records()

    attributed = relations(doc, "Attribution")
    want = set()
    for n, line in enumerate(delivery.lines, 1):
        for credit in line_credits(session, line):
            want.add(
                (
                    f"goods-{delivery.public_id}-{n}",
                    agent_id(credit).split(":", 1)[1],
                    credit.kind.value,
                    str(credit.quantity),
                )
            )
    got = {
        (a["entity"].split(":", 1)[1], a["agent"].split(":", 1)[1], a["kind"], a["quantity"])
        for a in attributed
    }
    assert got == want and len(attributed) == len(want)
    # Presenters and carriers are associated with the handovers, never attributed.
    roles = {(a["agent"], a["role"]) for a in relations(doc, "Association")}
    official = next(h.to_party for h in delivery.handovers if h.to_role == HandoverRole.PRESENTER)
    assert (f"aidtrail:party-{official.public_id}", "aidtrail:presenter") in roles
    assert all(official.public_id not in a["agent"] for a in attributed)
    kinds = {e["type"] for e in relations(doc, "Activity") if "type" in e}
    assert {
        "aidtrail:Production",
        "aidtrail:DonationInKind",
        "aidtrail:Dispatch",
        "aidtrail:Handover",
    } <= kinds


def test_prov_export_access(app, session) -> None:
    c, delivery = build(session)
    auditor = f.user(session, Role.AUDITOR)
    elsewhere = f.user(session, Role.COORDINATOR)
    family = f.user(session, Role.FAMILY)
    for user, want in ((auditor, 200), (elsewhere, 404), (family, 404)):
        client = app.test_client()
        f.login(client, user)
        assert client.get(f"/deliveries/{delivery.id}/provenance.json").status_code == want
    assert app.test_client().get(f"/deliveries/{delivery.id}/provenance.json").status_code == 302
    assert c


def test_prov_export_of_kits_and_purchases(app, session) -> None:
    c = chain(session)
    socks, gloves, kit_item = c.items
    fund = c.donor("Alice's fund")
    money = c.money(fund, 9_000_00)
    _p, (glove_lot,) = c.purchase([(gloves, 3, 9_000_00)], [(money, 9_000_00)])
    _b, sock_lot = c.batch(c.group("Knitters"), socks, 3)
    _k, kit_lot = c.kit(kit_item, 3, [(glove_lot, 3), (sock_lot, 3)])
    delivery = c.deliver(
        f.party(session, PartyKind.HOUSEHOLD, private_name="Канарейкина"), [(kit_lot, 2)]
    )
    session.commit()
    client = app.test_client()
    f.login(client, f.user(session, Role.ADMIN))
    text = client.get(f"/deliveries/{delivery.id}/provenance.json").get_data(as_text=True)
    assert "Канарейкина" not in text
    doc = ProvDocument.deserialize(content=text, format="json")
    attributed = {
        (a["kind"], a["quantity"], a.get("money_minor")) for a in relations(doc, "Attribution")
    }
    assert attributed == {("maker", "1", None), ("funder", "1", str(Fraction(6_000_00)))}
    kinds = {e.get("type") for e in relations(doc, "Activity")}
    assert {"aidtrail:KitAssembly", "aidtrail:Purchase"} <= kinds
    assert json.loads(text)["prefix"]["aidtrail"] == NS


def test_a_donor_follows_its_money_by_region_and_month(client, session) -> None:
    c = chain(session)
    donor = c.donor("Private Person", public=False, private_name="Канарейкина Аглая")
    money = c.money(donor, 10_000_00)
    _p, (lot,) = c.purchase([(c.items[0], 10, 10_000_00)], [(money, 10_000_00)])
    unit = f.party(session, PartyKind.UNIT, region_id=c.dest_region.id, private_name="в/ч 99137")
    sent = c.deliver(unit, [(lot, 3)]).dispatched_at
    gift, gift_lot = c.in_kind(donor, c.items[1], 4)
    gift.receipt_code = "gift-receipt-0001"
    c.deliver(unit, [(gift_lot, 4)])
    session.commit()

    page = client.get(f"/receipts/{money.receipt_code}", headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    clean(text)
    assert "Private Person" not in text
    assert c.dest_region.name_en in text and sent.strftime("%B %Y") in text
    assert "3\u202f000.00 RUB" in text and "10\u202f000.00 RUB" in text
    data = client.get(f"/receipts/{money.receipt_code}?format=json").get_json()
    assert data["went"] == [
        {
            "region": c.dest_region.code,
            "region_name": c.dest_region.name_en,
            "month": sent.strftime("%Y-%m"),
            "item": c.items[0].code,
            "item_name": c.items[0].name_en,
            "quantity": "3",
            "quantity_approx": "3",
            "money_minor": 3_000_00,
            "currency": "RUB",
        }
    ]
    goods = client.get("/receipts/gift-receipt-0001?format=json").get_json()
    assert [(r["item"], r["quantity"]) for r in goods["went"]] == [(c.items[1].code, "4")]
    assert client.get("/receipts/unknown-code").status_code == 404
    assert client.get("/receipts/%27%3B--").status_code == 404
