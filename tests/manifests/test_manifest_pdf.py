"""Every demo delivery prints a manifest that a reader can check: fields and totals parsed
back from the PDF (pypdf), the QR decoded from a rendered page (pypdfium2 + zxing-cpp), and
the decoded proof verified offline against the printed entry and the log's verifier key."""

from __future__ import annotations

import re

import pytest

from coordination.ledger import note
from coordination.ledger.keys import verifier_key
from coordination.manifests import proofcheck
from coordination.manifests.data import manifest_number
from tests.manifests.conftest import login, pages_text, qr_texts


def _page_numbers(texts: list[str]) -> None:
    total = len(texts)
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {total}" in text or f"Страница {n} из {total}" in text


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
        _page_numbers(texts)
        assert manifest_number(delivery) in whole and delivery.code in whole
        for line in delivery.lines:
            assert line.lot.item.code in whole
        sent = sum(line.quantity for line in delivery.lines)
        assert re.search(rf"Totals: {len(delivery.lines)} lines, sent {sent},", whole)
        for label in ("Loaded", "Transported", "Handed over", "Received", "Signature"):
            assert label in whole
        [qr] = qr_texts(resp.data)
        proof = note.parse_tlog_proof(qr)
        assert proof.index == delivery.dispatch_entry
        assert proofcheck.verify_address(qr) == f"http://localhost/verify/{delivery.code}"
        checkpoint = proofcheck.check(qr, whole, key)
        assert checkpoint.size > delivery.dispatch_entry
        # Any printed line of the entry altered, and the proof no longer holds.
        index, body = proofcheck.printed_entry(whole)
        tampered = whole.replace(body[:40], body[:39] + ("1" if body[39] != "1" else "2"), 1)
        with pytest.raises(ValueError):
            proofcheck.check(qr, tampered, key)
