"""The handover act and the attribution certificate of every demo delivery, read back."""

from __future__ import annotations

from coordination.documents.data import manifest_number
from coordination.ledger.keys import verifier_key
from tests.manifests.conftest import by_kind, login, pages_text, scan
from tests.manifests.test_manifest_pdf import assert_proof_holds, page_numbers_ok


def test_every_demo_delivery_prints_an_act_in_both_languages(app, session, client, demo):
    key = verifier_key(app)
    for lang, title, word, of in (
        ("en", "Handover act No.", "Page", "of"),
        ("ru", None, "Страница", "из"),
    ):
        login(client, "demo-admin", lang)
        for delivery in demo["deliveries"]:
            resp = client.get(f"/deliveries/{delivery.id}/act.pdf")
            assert resp.status_code == 200
            assert resp.headers["Cache-Control"] == "no-store"
            texts = pages_text(resp.data)
            whole = "\n".join(texts)
            assert page_numbers_ok(texts, word, of)
            assert manifest_number(delivery) in whole
            if title:
                assert title in whole
            for line in delivery.lines:
                name = line.lot.item.name_ru if lang == "ru" else line.lot.item.name_en
                assert name in whole
            sent = sum(line.quantity for line in delivery.lines)
            if lang == "en":
                assert f"Total: sent {sent}," in whole
            for handover in delivery.handovers:
                assert handover.place in whole
            url, qr = scan(resp.data)
            assert_proof_holds(whole, qr, key, delivery.dispatch_entry, url)


def test_certificate_credits_makers_and_gives_the_presenter_nothing(app, session, client, demo):
    login(client, "demo-admin")
    for delivery in demo["deliveries"]:
        resp = client.get(f"/deliveries/{delivery.id}/certificate.pdf")
        assert resp.status_code == 200
        assert resp.headers["Cache-Control"] == "no-store"
        whole = "\n".join(pages_text(resp.data))
        assert "Totals by source" in whole
        url, qr = scan(resp.data)
        assert_proof_holds(whole, qr, verifier_key(app), delivery.dispatch_entry, url)
    case = by_kind(demo, "unit")
    for d in demo["deliveries"]:
        if any(h.from_role.value == "presenter" for h in d.handovers):
            case = d
    whole = "\n".join(pages_text(client.get(f"/deliveries/{case.id}/certificate.pdf").data))
    presenter = next(h.from_party for h in case.handovers if h.from_role.value == "presenter")
    row = next(line for line in whole.splitlines() if presenter.display_name[:20] in line)
    assert row.rstrip().endswith("presenter 0"), row
    # A unit is never named on the certificate, only "a unit" and its region.
    assert case.to_party.display_name not in whole
    assert "a unit" in whole


def test_print_views_are_html_and_not_stored(client, session, demo):
    login(client, "demo-admin")
    delivery = demo["deliveries"][0]
    for doc in ("manifest", "act", "certificate"):
        resp = client.get(f"/deliveries/{delivery.id}/{doc}")
        assert resp.status_code == 200
        assert resp.mimetype == "text/html"
        assert resp.headers["Cache-Control"] == "no-store"
        page = resp.get_data(as_text=True)
        assert manifest_number(delivery) in page
        assert "css/print.css" in page and "<svg" in page  # the QR, drawn without JS
        assert "<script" not in page and "style=" not in page
