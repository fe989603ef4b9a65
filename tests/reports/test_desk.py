"""The auditor's desk on the demo world: reachable from the auditor's home, attribution of a
source, campaign, delivery and donation, PROV-JSON of each and of a ledger range (bounded),
and staff stock pages naming who paid for purchased and kit lots."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from prov.model import ProvDocument
from sqlalchemy import select

from coordination.attribution.services import line_credits
from coordination.attribution.walker import Walker
from coordination.deliveries.models import Delivery
from coordination.demo import DEFAULT_PASSWORD, build_demo
from coordination.donations.models import MoneyDonation
from coordination.parties.models import Party, PartyKind
from coordination.reports import desk
from coordination.stock.models import Lot, OriginKind
from tests.isolation import isolated_client


@pytest.fixture
def world(app, session) -> dict[str, Any]:
    build_demo(session, None)
    session.commit()
    return {
        "knitters": session.scalars(
            select(Party).where(Party.kind == PartyKind.GROUP).order_by(Party.id)
        ).first(),
        "campaign": session.scalars(select(Party).where(Party.kind == PartyKind.CAMPAIGN)).first(),
        "deliveries": list(
            session.scalars(
                select(Delivery).where(Delivery.code.is_not(None)).order_by(Delivery.id)
            )
        ),
    }


def signed_in(app, username: str):
    client = isolated_client(app)
    resp = client.post("/login", data={"username": username, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 302
    return client


def lit(value: Any) -> Any:
    """A PROV-JSON literal as Python: typed values come as {"$": text, "type": xsd}."""
    if not isinstance(value, dict):
        return value
    text, kind = value["$"], value.get("type", "")
    if kind.endswith(("int", "integer", "long")):
        return int(text)
    if kind.endswith("boolean"):
        return text in ("true", "1", True)
    return text


def prov(resp) -> dict[str, Any]:
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    ProvDocument.deserialize(content=resp.get_data(as_text=True), format="json")  # valid PROV
    data: dict[str, Any] = json.loads(resp.get_data(as_text=True))
    return data


def test_the_auditor_reaches_the_desk_from_home_and_others_do_not(app, world):
    auditor = signed_in(app, "demo-auditor")
    home = auditor.get("/").get_data(as_text=True)
    assert 'href="/attribution"' in home
    assert auditor.get("/attribution").status_code == 200
    for staff in ("demo-coordinator", "demo-admin"):
        assert signed_in(app, staff).get("/attribution").status_code == 200
    for other in ("demo-volunteer", "demo-family"):
        assert signed_in(app, other).get("/attribution").status_code in (403, 404)
    assert isolated_client(app).get("/attribution").status_code in (302, 401)


def test_a_source_page_lists_its_deliveries_and_its_prov(app, session, world):
    auditor = signed_in(app, "demo-auditor")
    knitters = world["knitters"]
    page = auditor.get(f"/attribution?kind=party&ref={knitters.public_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    walker = Walker(session)
    carried = {
        d.code
        for d in world["deliveries"]
        if any(
            c.party_ref == knitters.id for ln in d.lines for c in line_credits(session, ln, walker)
        )
    }
    assert carried and all(code in html for code in carried)
    data = prov(auditor.get(f"/attribution/party/{knitters.public_id}/prov.json"))
    attributed = [
        r
        for r in data.get("wasAttributedTo", {}).values()
        if r["prov:agent"] == f"aidtrail:party-{knitters.public_id}"
    ]
    assert attributed  # goods credited to the group, as on /verify
    export = data["entity"]["aidtrail:export"]
    assert lit(export["aidtrail:deliveries"]) == len(carried)
    assert lit(export["aidtrail:truncated"]) is False
    # A group is no campaign: the campaign view refuses it.
    assert auditor.get(f"/attribution?kind=campaign&ref={knitters.public_id}").status_code == 404


def test_delivery_campaign_and_donation_views(app, session, world):
    auditor = signed_in(app, "demo-auditor")
    delivery = world["deliveries"][-1]
    page = auditor.get(f"/attribution?kind=delivery&ref={delivery.code}").get_data(as_text=True)
    assert (f"/verify/{delivery.code}" in page and "presenter" in page) or "source" in page
    data = prov(auditor.get(f"/attribution/delivery/{delivery.public_id}/prov.json"))
    assert f"aidtrail:dispatch-{delivery.public_id}" in data["activity"]
    campaign = world["campaign"]
    assert auditor.get(f"/attribution?kind=campaign&ref={campaign.public_id}").status_code == 200
    prov(auditor.get(f"/attribution/campaign/{campaign.public_id}/prov.json"))
    gift = session.scalars(select(MoneyDonation).order_by(MoneyDonation.id)).first()
    assert auditor.get(f"/attribution?kind=donation&ref={gift.public_id}").status_code == 200
    prov(auditor.get(f"/attribution/donation/{gift.public_id}/prov.json"))
    for bad in ("kind=delivery&ref=nope", "kind=donation&ref=x", "kind=party&ref=" + "a" * 30):
        assert auditor.get(f"/attribution?{bad}").status_code == 404


def test_prov_of_a_source_is_bounded(app, session, world, monkeypatch):
    monkeypatch.setattr(desk, "MAX_PROV_DELIVERIES", 1)
    auditor = signed_in(app, "demo-auditor")
    data = prov(auditor.get(f"/attribution/party/{world['knitters'].public_id}/prov.json"))
    export = data["entity"]["aidtrail:export"]
    assert lit(export["aidtrail:included"]) == 1 and lit(export["aidtrail:deliveries"]) > 1
    assert lit(export["aidtrail:truncated"]) is True
    assert len([k for k in data["activity"] if k.startswith("aidtrail:dispatch-")]) == 1


def test_prov_of_a_ledger_range(app, session, world):
    auditor = signed_in(app, "demo-auditor")
    delivery = world["deliveries"][0]
    start, end = delivery.dispatch_entry - 2, delivery.dispatch_entry + 1
    data = prov(auditor.get(f"/attribution/ledger.prov.json?start={start}&end={end}"))
    entries = {k for k, v in data["entity"].items() if v.get("prov:type") == "aidtrail:LedgerEntry"}
    assert entries == {f"aidtrail:entry-{i}" for i in range(start, end)}
    influenced = {r["prov:influencee"] for r in data.get("wasInfluencedBy", {}).values()}
    assert f"aidtrail:entry-{delivery.dispatch_entry}" in influenced
    for query in (
        "start=5&end=5",
        "start=9&end=3",
        "start=-1&end=3",
        f"start=0&end={desk.MAX_LEDGER_RANGE + 1}",
        "start=0&end=999999999",
        "start=a&end=3",
        "start=0",
    ):
        resp = auditor.get(f"/attribution/ledger.prov.json?{query}")
        assert resp.status_code == 400, query
    coordinator = signed_in(app, "demo-coordinator")
    assert coordinator.get("/attribution/ledger.prov.json?start=0&end=3").status_code == 403


def _funder_labels(session, lot: Lot) -> set[str]:
    """Who paid, from the purchase's funding rows (not the walker): named donors by their
    public label, the others as "anonymous donor"."""
    from coordination.donations.models import Purchase

    purchase = session.get(Purchase, lot.origin_id)
    labels = set()
    for funding in purchase.funding:
        donor = funding.donation.donor
        if donor is None or (donor.kind == PartyKind.DONOR and not donor.name_public):
            labels.add("anonymous donor")
        else:
            labels.add(donor.public_label)
    return labels


def test_staff_stock_pages_name_who_paid_for_a_purchase(app, session, world):
    admin = signed_in(app, "demo-admin")
    purchased = session.scalars(select(Lot).where(Lot.origin_kind == OriginKind.PURCHASE)).all()
    assert purchased
    for lot in purchased:
        page = admin.get(f"/stock/lots/{lot.id}").get_data(as_text=True)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        expected = _funder_labels(session, lot)
        for label in expected:
            assert label in text, (label, text[:500])
        if "anonymous donor" not in expected:
            assert "anonymous donor" not in text
    kits = session.scalars(select(Lot).where(Lot.origin_kind == OriginKind.KIT)).all()
    for lot in kits:
        text = admin.get(f"/stock/lots/{lot.id}").get_data(as_text=True)
        sources = {
            c.label
            for use in lot_components(session, lot)
            for c in line_credits_for_lot(session, use)
        }
        assert sources
        for label in sources:  # each component's source, as the walk for /verify finds it
            assert label in text, (label, sources)


def lot_components(session, lot: Lot) -> list[Lot]:
    from coordination.stock.models import KitAssembly

    assembly = session.get(KitAssembly, lot.origin_id)
    return [use.lot for use in assembly.components]


def line_credits_for_lot(session, lot: Lot):
    from coordination.attribution.services import lot_credits

    return lot_credits(session, lot, 1)
