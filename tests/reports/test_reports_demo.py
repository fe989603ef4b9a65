"""The demo world through the reports: every dispatched delivery verifies, the official who
presented the Vladimir goods has zero origin credit, and donors can follow their receipts."""

from __future__ import annotations

from fractions import Fraction

from prov.model import ProvDocument
from sqlalchemy import select

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery, Handover, HandoverRole
from coordination.demo import build_demo
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.parties.models import Party, PartyKind
from tests import factories as f


def test_demo_deliveries_verify_and_credit_the_true_sources(app, client, session) -> None:
    build_demo(session, None)
    session.commit()
    coded = session.scalars(select(Delivery).where(Delivery.code.is_not(None))).all()
    assert len(coded) >= 3
    couriers = session.scalars(
        select(Party.display_name).where(Party.kind == PartyKind.COURIER)
    ).all()
    assert couriers
    for delivery in coded:
        page = client.get(f"/verify/{delivery.code}")  # the Russian page
        assert page.status_code == 200
        data = client.get(f"/verify/{delivery.code}.json").get_json()
        for name in couriers:  # drivers by first name: a courier is shown by kind only
            assert name not in page.get_data(as_text=True) and name not in str(data)
        assert data["proof"]["ok"], delivery.code
        for line in data["lines"]:
            want = line["received"] if line["received"] is not None else line["quantity"]
            assert sum(Fraction(s["quantity"]) for s in line["sources"]) == want

    ceremony = session.scalar(select(Handover).where(Handover.to_role == HandoverRole.PRESENTER))
    data = client.get(f"/verify/{ceremony.delivery.code}.json").get_json()
    official = ceremony.to_party
    roles = {p["label"]: (p["roles"], p["credit"]) for p in data["parties"]}
    assert roles[official.public_label] == (["presenter"], "0")
    sources = {s["label"] for s in data["sources"]}
    assert official.public_label not in sources and sources

    admin = session.scalar(select(User).where(User.username == "demo-admin"))
    staff = app.test_client()
    f.login(staff, admin, "aidtrail-demo")
    text = staff.get(f"/deliveries/{ceremony.delivery_id}/provenance.json").get_data(as_text=True)
    doc = ProvDocument.deserialize(content=text, format="json")
    attributed = [r for r in doc.get_records() if r.get_type().localpart == "Attribution"]
    assert attributed and official.public_id not in "".join(str(r) for r in attributed)


def test_demo_receipts_can_be_followed(client, session) -> None:
    build_demo(session, None)
    session.commit()
    codes = [c for c in session.scalars(select(MoneyDonation.receipt_code)) if c]
    codes += [c for c in session.scalars(select(InKindDonation.receipt_code)) if c]
    assert len(codes) >= 3  # every donation gets one when it is recorded
    followed = 0
    for code in codes:
        assert client.get(f"/receipts/{code}").status_code == 200
        followed += bool(client.get(f"/receipts/{code}?format=json").get_json()["went"])
    assert followed >= 1, "some demo gift should have reached a recipient"
