"""Who gets a document (coordinators of the region, admins, the delivery's parties; 404 for
everyone else), what personal data each sees, and hostile names printed literally."""

from __future__ import annotations

from pathlib import Path

from coordination.kernel.actors import Role
from tests import factories as f
from tests.manifests.conftest import by_kind, login, pages_text

ROUTES = ("manifest.pdf", "manifest", "act.pdf", "act", "certificate.pdf", "certificate")


def status(client, delivery_id: int) -> set[int]:
    return {client.get(f"/deliveries/{delivery_id}/{route}").status_code for route in ROUTES}


def test_outsiders_get_404_and_parties_get_the_documents(app, session, client, demo):
    socks = by_kind(demo, "unit")  # to the northern unit, socks the knitting circle made
    for outsider in ("demo-family2", "demo-family", "demo-auditor"):
        login(client, outsider)
        assert status(client, socks.id) == {404}, outsider
        client.post("/logout")
    other = f.user(session, Role.COORDINATOR)  # a coordinator of another region
    f.login(client, other)
    assert status(client, socks.id) == {404}
    assert status(client, 10**9) == {404}
    client.post("/logout")
    for party in ("demo-coordinator", "demo-unit", "demo-volunteer", "demo-admin"):
        login(client, party)
        assert status(client, socks.id) == {200}, party
        client.post("/logout")


def test_anonymous_visitors_are_sent_to_log_in(client, session, demo):
    for route in ROUTES:
        resp = client.get(f"/deliveries/{demo['deliveries'][0].id}/{route}")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_consignee_contact_only_for_staff_and_the_recipient(client, session, demo):
    socks = by_kind(demo, "unit")
    unit = socks.to_party
    assert unit.phone
    seen = {}
    for who in ("demo-coordinator", "demo-unit", "demo-volunteer"):
        login(client, who)
        seen[who] = "\n".join(pages_text(client.get(f"/deliveries/{socks.id}/manifest.pdf").data))
        html = client.get(f"/deliveries/{socks.id}/manifest").get_data(as_text=True)
        assert (unit.phone in html) == (who != "demo-volunteer")
        client.post("/logout")
    assert unit.phone in seen["demo-coordinator"] and unit.phone in seen["demo-unit"]
    assert unit.phone not in seen["demo-volunteer"]
    if unit.private_name:
        assert unit.private_name not in seen["demo-volunteer"]


HOSTILE_NAME = '<img src="/etc/hostname"/>'
HOSTILE_DRIVER = '<font color="[[[1]]]">'
HOSTILE_COMMENT = "a & b <b>not bold</b> &amp; <para>"


def test_hostile_text_prints_literally(client, session, demo):
    household = by_kind(demo, "household")
    household.to_party.private_name = HOSTILE_NAME
    household.driver = HOSTILE_DRIVER
    household.comments = HOSTILE_COMMENT
    household.vehicle = "<br/>"
    session.commit()
    login(client, "demo-admin")
    for doc in ("manifest.pdf", "act.pdf"):
        resp = client.get(f"/deliveries/{household.id}/{doc}")
        assert resp.status_code == 200
        whole = "\n".join(pages_text(resp.data))
        assert HOSTILE_NAME in whole
        if doc == "manifest.pdf":
            assert HOSTILE_DRIVER in whole and HOSTILE_COMMENT in whole and "<br/>" in whole
        hostname = Path("/etc/hostname")
        if hostname.exists() and len(hostname.read_text().strip()) > 3:
            assert hostname.read_text().strip() not in whole
    page = client.get(f"/deliveries/{household.id}/manifest").get_data(as_text=True)
    assert "&lt;img src=&#34;/etc/hostname&#34;/&gt;" in page and HOSTILE_NAME not in page
