"""Long documents: page-sized pieces, the header and "page X of Y" on every page, totals
that add up; escaping of Paragraph markup; the offline checker's command line."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from bench.bench_manifest import sample
from coordination.documents import proofcheck
from coordination.documents.fonts import esc
from coordination.documents.manifest import render_manifest
from coordination.documents.pdfkit import Sheet, chunk_text
from tests.manifests.conftest import pages_text
from tests.manifests.test_manifest_pdf import page_numbers_ok


def test_long_manifest_breaks_into_numbered_pages(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        doc = sample(700)
        data = render_manifest(doc)
    texts = pages_text(data)
    assert len(texts) > 10
    assert page_numbers_ok(texts)
    for text in texts:
        assert f"Delivery manifest {doc.number}" in text
    whole = "\n".join(texts)
    for line in doc.lines[::50]:
        assert line.description in whole
    assert f"sent {sum(ln.sent for ln in doc.lines)}," in whole
    assert f"packages {doc.boxes}/{doc.packages}" in whole
    # One row per line: every description is printed exactly once.
    assert sum(text.count("Носки шерстяные, пара") for text in texts) == 700


def test_markup_in_paragraphs_prints_literally(app):
    hostile = '<img src="/etc/hostname"/> <font color="[[[1]]]">x</font> & <unknown>'
    with app.test_request_context():
        sheet = Sheet(title="t", page_label="%(page)s/%(pages)s", footer_left="")
        sheet.para(esc(hostile))
        sheet.pairs([("Name", hostile)])
        data = sheet.finish()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert text.count(hostile) == 2


def test_chunks_join_back_and_never_start_or_end_with_a_space():
    body = '{"a":"x  y z","b":"' + "Кружок вязания «Тёплые руки», Кострома " * 30 + '","c":"  "}'
    for width in (17, 60, 140):
        lines = chunk_text(body, width)
        assert "".join(lines) == body
        assert all(not ln.startswith(" ") and not ln.endswith(" ") for ln in lines)
        assert all(len(ln) <= width for ln in lines)
    with pytest.raises(ValueError):  # nowhere safe to cut: the manifest prints a hash instead
        chunk_text('{"x":"' + "a " * 100 + '"}', 20)


def test_proofcheck_command_line(app, session, tmp_path, capsys):
    from coordination.documents.proofs import entry_proof
    from coordination.ledger.keys import ledger_signer, verifier_key
    from coordination.ledger.services import append

    entries = [append(session, None, "test.entry", {"code": f"C0DE{n}", "n": n}) for n in range(5)]
    proof = entry_proof(session, ledger_signer(app), entries[3].index, "https://x.example/verify/C")
    session.commit()

    def printed(body: str) -> str:
        lines = "\n".join(chunk_text(body, 10))
        return (
            f"whatever\n{proofcheck.ENTRY_BEGIN} {proof.index}\n{lines}\n{proofcheck.ENTRY_END}\n"
        )

    assert '"n":3' in proof.entry_body
    (tmp_path / "qr.txt").write_text(proof.tlog_proof)
    (tmp_path / "page.txt").write_text(printed(proof.entry_body))
    (tmp_path / "bad.txt").write_text(printed(proof.entry_body.replace('"n":3', '"n":4')))
    (tmp_path / "key").write_text(verifier_key(app))
    qr, key = str(tmp_path / "qr.txt"), str(tmp_path / "key")
    assert proofcheck.main([qr, str(tmp_path / "page.txt"), "--key", key]) == 0
    out = capsys.readouterr().out
    # The page comes from the signed origin and the proven entry, not from what we passed.
    site = app.config["LEDGER_ORIGIN"].removesuffix("/ledger")
    assert "VERIFIED" in out and f"Its page: https://{site}/verify/C0DE3" in out
    assert proofcheck.main([qr, str(tmp_path / "bad.txt"), "--key", key]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out
    page_file = str(tmp_path / "page.txt")
    good = f"https://{site}/verify/C0DE3"
    assert proofcheck.main([qr, page_file, "--key", key, "--url", good]) == 0
    capsys.readouterr()
    for forged in ("https://x.example/verify/C0DE3", f"https://{site}/verify/C0DE2"):
        assert proofcheck.main([qr, page_file, "--key", key, "--url", forged]) == 1
        assert "not this log's page" in capsys.readouterr().out
    assert "extra" not in proof.tlog_proof  # nothing unsigned rides in the proof
    assert datetime.now(UTC)  # the check needs no clock and no network
