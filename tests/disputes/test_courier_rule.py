"""One rule for couriers on every public answer: /verify (page and JSON), the public dispute
page and its PDF name a courier by kind only (it is often one person, a driver known by first
name), as they name households and units; the delivery's sources stay named."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from coordination.db import utcnow
from coordination.deliveries.models import Handover, HandoverRole
from coordination.disputes.models import Dispute
from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.disputes.support import dispatched_case

COURIER = "Водитель Пётр Курьеров"


def _published(app, session):
    group = f.party(session, display_name="Кружок вязания")
    location = f.location(session, party_id=group.id)
    case = dispatched_case(session, group, location)
    courier = f.party(
        session, PartyKind.COURIER, region_id=location.region_id, display_name=COURIER
    )
    session.add_all(
        [
            Handover(
                delivery_id=case.delivery.id,
                from_party_id=group.id,
                from_role=HandoverRole.SOURCE,
                to_party_id=courier.id,
                to_role=HandoverRole.CARRIER,
                place="Kostroma",
                region_id=location.region_id,
                at=utcnow(),
            ),
        ]
    )
    session.commit()
    volunteer = f.user(session, Role.VOLUNTEER, party_id=group.id)
    coordinator = f.user(session, Role.COORDINATOR, region_id=location.region_id)
    vol, staff = app.test_client(), app.test_client()
    f.login(vol, volunteer)
    f.login(staff, coordinator)
    data = {"code": case.delivery.code, "claim_kind": "external", "claim_text": "a claim"}
    assert vol.post("/disputes/new", data=data).status_code == 302
    dispute = session.scalars(select(Dispute)).one()
    resolve = {"version": dispute.version, "outcome": "upheld", "note": "n"}
    assert staff.post(f"/disputes/{dispute.id}/resolve", data=resolve).status_code == 302
    assert vol.post(f"/disputes/{dispute.id}/publish").status_code == 302
    session.expire_all()
    return case, dispute, group


def test_verify_and_the_public_dispute_page_name_a_courier_by_kind_only(app, session):
    case, dispute, group = _published(app, session)
    public = app.test_client()
    code, share = case.delivery.code, dispute.share_code
    answers = {
        "verify": public.get(f"/verify/{code}"),
        "verify.json": public.get(f"/verify/{code}.json"),
        "dispute": public.get(f"/disputes/public/{share}"),
        "dispute.pdf": public.get(f"/disputes/public/{share}/report.pdf"),
    }
    texts = {}
    for name, resp in answers.items():
        assert resp.status_code == 200, name
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(resp.data))
            texts[name] = "\n".join(page.extract_text() for page in reader.pages)
        elif name.endswith(".json"):
            texts[name] = json.dumps(resp.get_json(), ensure_ascii=False)
        else:
            texts[name] = resp.get_data(as_text=True)
    for name, text in texts.items():
        assert COURIER not in text and "Курьеров" not in text, name
        assert group.display_name in text, name  # the true source stays named
    # Both name the carrier by its kind: the page and the report say "courier".
    assert "courier" in texts["dispute"].lower() and "courier" in texts["verify"].lower()
    assert '"courier"' in texts["verify.json"]
