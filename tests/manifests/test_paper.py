"""Paper people can read and scan: headers whole, source names and custody roles whole on the
handover act, the ledger entry as a short table (verbatim on an appendix page), and two
codes of printable density, read back from rendered pages."""

from __future__ import annotations

import io

import pypdfium2
import segno
import zxingcpp
from flask_babel import force_locale
from pypdf import PdfReader

from coordination.documents.act import act_columns, handover_columns
from coordination.documents.labels import role_label
from coordination.documents.manifest import line_columns, signature_columns
from coordination.documents.views import verify_address
from coordination.ledger import note
from tests.manifests.conftest import by_kind, login, pages_text, scan

LONG_NAME = (
    "Благотворительный кружок вязания и шитья «Тёплые руки» при районном доме культуры, "
    "Кострома, Заволжский район"
)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_column_headers_print_whole_in_both_languages(app, session, client, demo):
    delivery = by_kind(demo, "unit")
    for lang in ("en", "ru"):
        login(client, "demo-admin", lang)
        with app.test_request_context(), force_locale(lang):
            titles = [c.title for c in (*line_columns(), *signature_columns())]
            act_titles = [c.title for c in (*act_columns(), *handover_columns())]
        manifest = squeeze(
            "\n".join(pages_text(client.get(f"/deliveries/{delivery.id}/manifest.pdf").data))
        )
        act = squeeze("\n".join(pages_text(client.get(f"/deliveries/{delivery.id}/act.pdf").data)))
        for title in titles:
            assert squeeze(title) in manifest, (lang, title)
        for title in act_titles:
            assert squeeze(title) in act, (lang, title)
        assert "\u2026" not in manifest and "\u2026" not in act  # nothing cut with an ellipsis


def test_act_prints_full_source_names_and_every_custody_role(app, session, client, demo):
    delivery = next(
        d for d in demo["deliveries"] if any(h.from_role.value == "presenter" for h in d.handovers)
    )
    source = next(h.from_party for h in delivery.handovers if h.from_role.value == "source")
    source.display_name = LONG_NAME
    session.commit()
    login(client, "demo-admin")
    resp = client.get(f"/deliveries/{delivery.id}/act.pdf")
    whole = "\n".join(pages_text(resp.data))
    flat = squeeze(whole)
    assert squeeze(LONG_NAME) in flat  # wrapped over lines, never cut
    with app.test_request_context(), force_locale("en"):
        labels = {
            role_label(r) for h in delivery.handovers for r in (h.from_role.value, h.to_role.value)
        }
    assert "presenter" in labels
    for label in labels:
        assert label in whole
    # The presenter's row names it as presenter, on the same printed line as its name.
    presenter = next(h for h in delivery.handovers if h.from_role.value == "presenter")
    rows = [line for line in whole.splitlines() if "presenter" in line]
    assert any(presenter.from_party.display_name[:15] in line for line in rows), rows


def test_entry_is_a_table_and_verbatim_only_in_the_appendix(app, session, client, demo):
    delivery = demo["deliveries"][0]
    login(client, "demo-admin")
    texts = pages_text(client.get(f"/deliveries/{delivery.id}/manifest.pdf").data)
    document, last = "\n".join(texts[:-1]), texts[-1]
    assert len(texts) >= 2
    assert '{"actor"' not in document  # no raw JSON block on the manifest's pages
    assert f"Ledger entry {delivery.dispatch_entry}" in texts[0]
    assert "kind delivery.dispatched" in document and f"code {delivery.code}" in document
    assert "leaf hash" in document
    assert f"Appendix: ledger entry {delivery.dispatch_entry}, verbatim" in last
    assert "BEGIN LEDGER ENTRY" in last and "BEGIN LEDGER ENTRY" not in document


def test_codes_are_of_printable_density(app, session, client, demo):
    """The address code is small and coarse; the proof code's modules stay >= 0.5 mm."""
    login(client, "demo-admin")
    for delivery in demo["deliveries"]:
        data = client.get(f"/deliveries/{delivery.id}/manifest.pdf").data
        url, proof = scan(data)
        assert segno.make(url, error="m", micro=False).version <= 4
        version = segno.make(proof, error="m", micro=False).version
        modules = 17 + 4 * version + 8  # with the quiet zone
        module_mm = 160.0 / modules * 25.4 / 72  # PROOF_SIDE points on paper
        assert module_mm >= 0.5, (version, module_mm)
        assert note.parse_tlog_proof(proof).extra is None


def test_low_resolution_scan_still_reads_the_address(app, session, client, demo):
    """A phone at arm's length sees the page coarsely: 100 dpi still opens the address."""
    login(client, "demo-admin")
    delivery = demo["deliveries"][0]
    data = client.get(f"/deliveries/{delivery.id}/manifest.pdf").data
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[0].render(scale=100 / 72).to_pil()
    finally:
        pdf.close()
    texts = [r.text for r in zxingcpp.read_barcodes(image)]
    assert f"http://localhost/verify/{delivery.code}" in texts


def test_production_prints_the_page_the_signed_origin_names(app):
    app.config["AIDTRAIL_ENV"] = "production"
    app.config["LEDGER_ORIGIN"] = "aid.example.org/ledger"
    try:
        with app.test_request_context(base_url="http://internal:8000/"):
            assert verify_address("AbC-12_x") == "https://aid.example.org/verify/AbC-12_x"
    finally:
        app.config["AIDTRAIL_ENV"] = "development"
    with app.test_request_context(base_url="http://192.168.1.5:5000/"):
        assert verify_address("AbC") == "http://192.168.1.5:5000/verify/AbC"


def test_fonts_and_page_count_of_a_proven_act(client, session, demo):
    login(client, "demo-admin")
    data = client.get(f"/deliveries/{demo['deliveries'][0].id}/act.pdf").data
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2  # the appendix page
