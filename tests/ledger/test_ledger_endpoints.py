"""Public ledger endpoints: shapes, base64, signed checkpoints, proofs that verify, 400s."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coordination.ledger import merkle, note
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry
from tests.ledger.ledger_support import fill


def b64d(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def checkpoint(client) -> note.Checkpoint:
    key = client.get("/ledger/key").get_data(as_text=True).strip()
    resp = client.get("/ledger/checkpoint")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    return note.open_checkpoint(resp.get_data(as_text=True), [note.Verifier.from_key(key)])


def test_key_is_published_and_kept_private_on_disk(app, client):
    resp = client.get("/ledger/key")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    verifier = note.Verifier.from_key(resp.get_data(as_text=True).strip())
    assert verifier.name == app.config["LEDGER_ORIGIN"]
    keys = Path(app.config["AIDTRAIL_KEYS_DIR"])
    assert stat.S_IMODE(os.stat(keys).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(keys / "ledger-signer.key").st_mode) == 0o600
    assert "PRIVATE" not in resp.get_data(as_text=True)


def test_checkpoint_is_signed_and_follows_growth(app, client, session):
    empty = checkpoint(client)
    assert (empty.size, empty.root) == (0, merkle.EMPTY_ROOT)
    fill(session, 5)
    first = checkpoint(client)
    leaves = [e.leaf_hash for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.index))]
    assert first.origin == app.config["LEDGER_ORIGIN"]
    assert (first.size, first.root) == (5, merkle.root_hash(leaves))
    checkpoint(client)  # no growth: no new signature
    assert session.scalar(select(func.count()).select_from(LedgerCheckpoint)) == 2
    fill(session, 2, start=5)
    assert checkpoint(client).size == 7
    assert session.scalar(select(func.count()).select_from(LedgerCheckpoint)) == 3


def test_entries_page(app, client, session):
    fill(session, 12)
    data = client.get("/ledger/entries?start=3&end=6").get_json()
    assert data["size"] == 12
    assert [e["index"] for e in data["entries"]] == [3, 4, 5]
    for e in data["entries"]:
        assert b64d(e["leaf_hash"]) == merkle.leaf_hash(e["body"].encode("utf-8"))
        assert json.loads(e["body"])["data"] == {"n": e["index"]} and e["kind"] == "test.event"
    assert len(client.get("/ledger/entries").get_json()["entries"]) == 12
    assert client.get("/ledger/entries?start=10&end=99").get_json()["end"] == 12
    assert client.get("/ledger/entries?start=12").get_json()["entries"] == []


def test_entries_are_capped_per_answer(app, client, session, monkeypatch):
    from coordination.ledger import views

    monkeypatch.setattr(views, "PAGE_MAX", 4)
    fill(session, 10)
    data = client.get("/ledger/entries?start=1&end=10").get_json()
    assert [e["index"] for e in data["entries"]] == [1, 2, 3, 4] and data["end"] == 5


def test_inclusion_proofs_verify_against_the_signed_root(app, client, session):
    fill(session, 21)
    signed = checkpoint(client)
    for index in (0, 1, 7, 8, 13, 20):
        data = client.get(f"/ledger/proof/inclusion?index={index}").get_json()
        assert (data["index"], data["size"]) == (index, 21)
        proof = [b64d(h) for h in data["proof"]]
        merkle.verify_inclusion(b64d(data["leaf_hash"]), index, 21, proof, signed.root)
    older = client.get("/ledger/proof/inclusion?index=2&size=5").get_json()
    leaves = [e.leaf_hash for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.index))]
    proof = [b64d(h) for h in older["proof"]]
    merkle.verify_inclusion(leaves[2], 2, 5, proof, merkle.root_hash(leaves[:5]))


def test_consistency_proofs_link_checkpoints(app, client, session):
    fill(session, 6)
    old = checkpoint(client)
    fill(session, 11, start=6)
    new = checkpoint(client)
    data = client.get(f"/ledger/proof/consistency?from={old.size}&to={new.size}").get_json()
    assert (data["from"], data["to"]) == (6, 17)
    merkle.verify_consistency(6, 17, [b64d(h) for h in data["proof"]], old.root, new.root)
    default_to = client.get("/ledger/proof/consistency?from=6").get_json()
    assert default_to["to"] == 17 and default_to["proof"] == data["proof"]
    same = client.get("/ledger/proof/consistency?from=17&to=17").get_json()
    assert same["proof"] == []
    with pytest.raises(ValueError):  # a forged root fails the same proof
        merkle.verify_consistency(6, 17, [b64d(h) for h in data["proof"]], bytes(32), new.root)


@pytest.mark.parametrize(
    "url",
    [
        "/ledger/entries?start=-1",
        "/ledger/entries?start=abc",
        "/ledger/entries?start=1.5",
        "/ledger/entries?start=５",
        "/ledger/entries?start=4&end=2",
        "/ledger/entries?start=99",
        "/ledger/entries?start=99999999999999999999999",
        "/ledger/proof/inclusion",
        "/ledger/proof/inclusion?index=x",
        "/ledger/proof/inclusion?index=5",
        "/ledger/proof/inclusion?index=0&size=0",
        "/ledger/proof/inclusion?index=0&size=6",
        "/ledger/proof/inclusion?index=3&size=3",
        "/ledger/proof/inclusion?index=9223372036854775808",
        "/ledger/proof/consistency",
        "/ledger/proof/consistency?from=0&to=3",
        "/ledger/proof/consistency?from=4&to=3",
        "/ledger/proof/consistency?from=1&to=6",
        "/ledger/proof/consistency?from=1&to=%00",
    ],
)
def test_bad_parameters_get_problem_json_400(app, client, session, url):
    fill(session, 5)
    resp = client.get(url)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    problem = resp.get_json()
    assert problem["status"] == 400 and problem["detail"] and problem["parameter"]


def test_endpoints_need_no_login_and_write_nothing_but_checkpoints(app, client, session):
    fill(session, 3)
    for url in (
        "/ledger",
        "/ledger/key",
        "/ledger/checkpoint",
        "/ledger/entries",
        "/ledger/proof/inclusion?index=1",
        "/ledger/proof/consistency?from=1",
    ):
        assert client.get(url).status_code == 200, url
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 3


def test_tlog_proof_for_paper_verifies_offline(app, session):
    from coordination.ledger.checkpoints import tlog_proof
    from coordination.ledger.keys import ledger_signer

    fill(session, 9)
    text = tlog_proof(session, ledger_signer(), 4)
    session.commit()
    body = session.get(LedgerEntry, 4).body.encode("utf-8")
    verifier = note.Verifier.from_key(ledger_signer().verifier_key)
    assert note.verify_tlog_proof(text, body, [verifier]).size == 9
    with pytest.raises(ValueError):
        note.verify_tlog_proof(text, body.replace(b'"n":4', b'"n":5'), [verifier])
    with pytest.raises(ValueError):
        tlog_proof(session, ledger_signer(), 9)
