"""Every demo delivery prints a manifest that a reader can check: fields and totals parsed
back from the PDF (pypdf), both codes decoded from a rendered page (pypdfium2 + zxing-cpp):
the address a phone opens, and the proof, verified offline against the printed entry and
the log's verifier key, failing once any printed line of the entry is altered or the
address code is not the page the signed origin names."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from coordination.documents import proofcheck
from coordination.documents.data import manifest_number
from coordination.documents.proofcheck import ENTRY_BEGIN, ENTRY_END
from coordination.ledger import note
from coordination.ledger.keys import verifier_key
from tests.manifests.conftest import login, pages_text, scan


def page_numbers_ok(texts: list[str], word: str = "Page", of: str = "of") -> bool:
    total = len(texts)
    return all(f"{word} {n} {of} {total}" in text for n, text in enumerate(texts, start=1))


def entry_lines(whole: str) -> list[str]:
    lines = [line.strip() for line in whole.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(ENTRY_BEGIN))
    return lines[start + 1 : lines.index(ENTRY_END, start)]


def assert_proof_holds(whole: str, qr: str, key: str, index: int, url: str | None = None) -> None:
    assert note.parse_tlog_proof(qr).index == index
    assert note.parse_tlog_proof(qr).extra is None  # nothing unsigned on paper
    result = proofcheck.check(qr, whole, key, url)
    assert result.checkpoint.size > index and result.index == index
    if url is not None:
        assert url.startswith("http://localhost/verify/")
        # The page verifiers open is derived from the signed origin; it is the printed one.
        assert result.page == "https://" + url.removeprefix("http://")
        for forged in (
            url.replace("localhost", "localhost.example.net"),
            url.replace("/verify/", "/verify/X"),
            url + "?next=https://elsewhere.example",
        ):
            with pytest.raises(ValueError, match="not this log's page"):
                proofcheck.check(qr, whole, key, forged)
    printed = entry_lines(whole)
    assert printed
    for line in printed:
        # Change one character of one printed line: the proof must no longer hold.
        pos = len(line) // 2
        altered = line[:pos] + ("7" if line[pos] != "7" else "8") + line[pos + 1 :]
        tampered = whole.replace(line, altered, 1)
        assert tampered != whole
        with pytest.raises(ValueError):
            proofcheck.check(qr, tampered, key)
    with pytest.raises(ValueError):  # the right entry, another log's key
        proofcheck.check(qr, whole, note.generate_signer("elsewhere.example/log")[1])


def test_every_demo_manifest_reads_and_verifies(app, session, client, demo):
    login(client, "demo-admin")
    key = verifier_key(app)
    assert len(demo["deliveries"]) >= 3
    for delivery in demo["deliveries"]:
        resp = client.get(f"/deliveries/{delivery.id}/manifest.pdf")
        assert resp.status_code == 200
        assert resp.mimetype == "application/pdf"
        assert resp.headers["Cache-Control"] == "no-store"
        texts = pages_text(resp.data)
        whole = "\n".join(texts)
        assert page_numbers_ok(texts)
        assert manifest_number(delivery) in whole and delivery.code in whole
        for line in delivery.lines:
            assert line.lot.item.code in whole
            assert line.lot.item.name_en in whole
        sent = sum(line.quantity for line in delivery.lines)
        received = sum(line.quantity_received or 0 for line in delivery.lines)
        assert re.search(
            rf"Totals: {len(delivery.lines)} lines, sent {sent}, "
            rf"received {received}, weight [0-9.]+ kg, packages \d+/",
            whole,
        )
        for label in (
            "Consignor",
            "Consignee",
            "Carrier",
            "Vehicle",
            "Driver",
            "Linked needs",
            "Loaded",
            "Transported",
            "Handed over",
            "Signature",
            "Condition",
            "Printed on",
        ):
            assert label in whole, label
        url, qr = scan(resp.data)
        assert url == f"http://localhost/verify/{delivery.code}"
        assert url in "".join(whole.split())  # printed for typing in, too
        assert_proof_holds(whole, qr, key, delivery.dispatch_entry, url)


def test_manifest_in_russian_carries_cyrillic_and_still_verifies(app, session, client, demo):
    login(client, "demo-admin", lang="ru")
    delivery = demo["deliveries"][0]
    resp = client.get(f"/deliveries/{delivery.id}/manifest.pdf")
    texts = pages_text(resp.data)
    whole = "\n".join(texts)
    for line in delivery.lines:
        assert line.lot.item.name_ru in whole  # Cyrillic extracted: the font is embedded
    assert delivery.from_location.region.name_ru in whole
    assert page_numbers_ok(texts, "Страница", "из")
    url, qr = scan(resp.data)
    assert_proof_holds(whole, qr, verifier_key(app), delivery.dispatch_entry, url)


def test_fonts_are_embedded(client, session, demo):
    login(client, "demo-admin")
    data = client.get(f"/deliveries/{demo['deliveries'][0].id}/manifest.pdf").data
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                fonts.add(str(font["/BaseFont"]))
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"} <= {
        name.split("+")[-1] for name in fonts
    }, fonts  # subsets embedded, not just named


def test_boxes_weights_and_transport_print_with_their_totals(client, session, demo):
    delivery = demo["deliveries"][-1]
    for n, line in enumerate(delivery.lines):
        line.box_number = n + 1
        line.weight_grams = 1250 * (n + 1)
    delivery.packages = len(delivery.lines) + 1
    delivery.vehicle = "ГАЗель А123ВС"
    delivery.driver = "Пётр Водителев"
    session.commit()
    login(client, "demo-coordinator")
    resp = client.get(f"/deliveries/{delivery.id}/manifest.pdf")
    assert resp.status_code == 200
    whole = "\n".join(pages_text(resp.data))
    grams = sum(1250 * (n + 1) for n in range(len(delivery.lines)))
    kg = f"{grams / 1000:.3f}"
    assert f"weight {kg} kg, packages {len(delivery.lines)}/{delivery.packages}" in whole
    assert "ГАЗель А123ВС" in whole and "Пётр Водителев" in whole
    for n in range(len(delivery.lines)):
        assert str(1250 * (n + 1)) in whole
