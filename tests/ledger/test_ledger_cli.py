"""`flask ledger verify` and `flask ledger export`: honest logs pass, every forgery fails."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from coordination.db import db
from coordination.ledger import audit_parallel, merkle, note
from coordination.ledger.checkpoints import sign_checkpoint
from coordination.ledger.keys import ledger_signer
from tests.ledger.ledger_support import ROOT, fill, forger, run_cli


def build(app, session, sizes=(5, 9, 16)):
    """A log with a checkpoint at each size, as the public endpoint would have signed them."""
    done = 0
    for size in sizes:
        fill(session, size - done, start=done)
        sign_checkpoint(session, ledger_signer())
        session.commit()
        done = size


def verify(app):
    return run_cli(app, "ledger", "verify")


def test_honest_log_verifies(app, session):
    build(app, session)
    fill(session, 3, start=16)  # entries after the last checkpoint are checked too
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "ledger OK: 19 entries, 35 stored subtrees, 3 checkpoints" in result.output


def test_empty_log_verifies(app, session):
    assert verify(app).exit_code == 0


def test_export_passes_the_offline_verifier(app, session, tmp_path):
    build(app, session)
    fill(session, 2, start=16)
    out = tmp_path / "export"
    result = run_cli(app, "ledger", "export", str(out))
    assert result.exit_code == 0, result.output
    assert "exported 18 entries and 4 checkpoints" in result.output
    lines = (out / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 18
    key = (out / "verifier.key").read_text().strip()
    assert key == ledger_signer().verifier_key
    offline = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", str(out), "--key", key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr


def test_offline_verifier_rejects_an_export_of_a_forged_body(app, session, tmp_path):
    build(app, session)
    with forger(app) as conn:
        conn.execute(
            text("UPDATE ledger_entry SET body = replace(body, :old, :new) WHERE idx = 7"),
            {"old": '"n":7', "new": '"n":8'},
        )
    out = tmp_path / "export"
    assert run_cli(app, "ledger", "export", str(out)).exit_code == 0
    offline = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 1


def _leaf(body: str) -> bytes:
    return merkle.leaf_hash(body.encode("utf-8"))


def _set_body(conn, index: int, body: str, rehash: str = "none") -> None:
    params = {"b": body, "h": _leaf(body), "i": index}
    conn.execute(text("UPDATE ledger_entry SET body = :b WHERE idx = :i"), params)
    if rehash == "leaf":
        conn.execute(text("UPDATE ledger_entry SET leaf_hash = :h WHERE idx = :i"), params)
        leaf = text("UPDATE ledger_node SET hash = :h WHERE level = 0 AND position = :i")
        conn.execute(leaf, params)


def _body(index: int) -> str:
    query = text("SELECT body FROM ledger_entry WHERE idx = :i")
    return db.session.execute(query, {"i": index}).scalar_one()


def _leaves(conn) -> list[bytes]:
    query = text("SELECT leaf_hash FROM ledger_entry ORDER BY idx")
    return [bytes(h) for h in conn.execute(query).scalars()]


def _rebuild_nodes(conn) -> None:
    """The careful forger: recompute every stored subtree from the (edited) entries."""
    leaves = _leaves(conn)
    conn.execute(text("DELETE FROM ledger_node"))
    insert = text("INSERT INTO ledger_node (level, position, hash) VALUES (:l, :p, :h)")
    level = 0
    while leaves:
        for position, digest in enumerate(leaves):
            conn.execute(insert, {"l": level, "p": position, "h": digest})
        leaves = [merkle.node_hash(leaves[i], leaves[i + 1]) for i in range(0, len(leaves) - 1, 2)]
        level += 1


def forged_byte(app, session):
    body = _body(7)
    with forger(app) as conn:
        _set_body(conn, 7, body.replace('"n":7', '"n":8'))


def forged_byte_and_leaf(app, session):
    body = _body(7)
    with forger(app) as conn:
        _set_body(conn, 7, body.replace('"n":7', '"n":8'), rehash="leaf")


def rewrote_tree(app, session):
    body = _body(7)
    with forger(app) as conn:
        _set_body(conn, 7, body.replace('"n":7', '"n":8'), rehash="leaf")
        _rebuild_nodes(conn)


def deleted_entry(app, session):
    with forger(app) as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE idx = 7"))


def reordered(app, session):
    seven, eight = _body(7), _body(8)
    with forger(app) as conn:
        _set_body(conn, 7, eight, rehash="leaf")
        _set_body(conn, 8, seven, rehash="leaf")
        _rebuild_nodes(conn)


def inserted_entry(app, session):
    """A copy of entry 3 slipped in at 7; later entries shifted up by one."""
    with forger(app) as conn:
        conn.execute(text("UPDATE ledger_entry SET idx = idx + 100 WHERE idx >= 7"))
        conn.execute(
            text(
                "INSERT INTO ledger_entry (idx, kind, body, leaf_hash, created_at) "
                "SELECT 7, kind, body, leaf_hash, created_at FROM ledger_entry WHERE idx = 3"
            )
        )
        conn.execute(text("UPDATE ledger_entry SET idx = idx - 99 WHERE idx >= 107"))
        conn.execute(text("UPDATE ledger_head SET size = size + 1"))


def truncated(app, session):
    with forger(app) as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE idx = 15"))
        conn.execute(text("UPDATE ledger_head SET size = 15"))


def stray_node(app, session):
    with forger(app) as conn:
        stray = text("INSERT INTO ledger_node (level, position, hash) VALUES (9, 9, :h)")
        conn.execute(stray, {"h": bytes(32)})


def kind_changed(app, session):
    with forger(app) as conn:
        conn.execute(text("UPDATE ledger_entry SET kind = 'party.registered' WHERE idx = 7"))


def resigned_with_another_key(app, session):
    """Rewrite the log and sign fresh checkpoints, with a key that is not the instance's."""
    body = _body(7)
    other = note.Signer.from_key(note.generate_signer(app.config["LEDGER_ORIGIN"])[0])
    with forger(app) as conn:
        _set_body(conn, 7, body.replace('"n":7', '"n":8'), rehash="leaf")
        _rebuild_nodes(conn)
        rows = conn.execute(text("SELECT size FROM ledger_checkpoint")).scalars().all()
        leaves = _leaves(conn)
        for size in rows:
            root = merkle.root_hash(leaves[:size])
            conn.execute(
                text("UPDATE ledger_checkpoint SET root = :r, note = :n WHERE size = :s"),
                {"r": root, "n": note.sign_checkpoint(other, size, root), "s": size},
            )


def broken_signature(app, session):
    with forger(app) as conn:
        conn.execute(
            text("UPDATE ledger_checkpoint SET note = replace(note, :old, :new) WHERE size = 9"),
            {"old": "\n9\n", "new": "\n8\n"},
        )


@pytest.mark.parametrize(
    ("forge", "index", "says"),
    [
        (forged_byte, 7, "does not match its stored leaf hash"),
        (forged_byte_and_leaf, 7, "stored subtree (level 1, position 3)"),
        (rewrote_tree, 5, "do not hash to the signed root"),
        (deleted_entry, 7, "missing"),
        (reordered, 5, "do not hash to the signed root"),
        (inserted_entry, 7, "stored subtree (level 0, position 7)"),
        (truncated, 15, "beyond the log"),
        (stray_node, None, "subtree rows"),
        (kind_changed, 7, "kind"),
        (resigned_with_another_key, 0, "does not verify"),
        (broken_signature, 5, "does not verify"),
    ],
)
@pytest.mark.parametrize("checkers", [0, 3], ids=["one-pass", "forked-checkers"])
def test_forgery_is_caught_and_located(app, session, monkeypatch, forge, index, says, checkers):
    if checkers:  # the large-log path: entries checked by forked processes, index ranges each
        monkeypatch.setattr(audit_parallel, "PARALLEL_MIN_ENTRIES", 0)
        monkeypatch.setattr(audit_parallel, "WORKERS", checkers)
    build(app, session)
    assert verify(app).exit_code == 0
    forge(app, session)
    db.session.remove()
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "ledger verify FAILED" in result.output and says in result.output, result.output
    if index is not None:
        assert f"at index {index}:" in result.output


def test_checkpoint_command_signs_only_when_the_tree_grew(app, session):
    fill(session, 4)
    first = run_cli(app, "ledger", "checkpoint")
    assert first.exit_code == 0
    key = note.Verifier.from_key(ledger_signer().verifier_key)
    assert note.open_checkpoint(first.output, [key]).size == 4
    assert run_cli(app, "ledger", "checkpoint").output == first.output
    count = db.session.execute(text("SELECT count(*) FROM ledger_checkpoint")).scalar_one()
    assert count == 1


def test_export_refuses_a_log_with_a_hole(app, session, tmp_path):
    build(app, session, sizes=(5,))
    with forger(app) as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE idx = 2"))
    result = app.test_cli_runner().invoke(args=["ledger", "export", str(tmp_path / "x")])
    assert result.exit_code != 0 and "entry 2 is missing" in result.output


@pytest.mark.parametrize("sizes", [(195,), (64, 195)], ids=["one-checkpoint", "two"])
def test_both_verifiers_name_entry_97_of_195(app, session, tmp_path, sizes):
    """An edited body is named exactly, however far apart the checkpoints are: online from
    the stored leaf hash, offline from the exported leaf hashes checked against the signed
    root."""
    build(app, session, sizes)
    body = _body(97)
    assert '"n":97' in body
    with forger(app) as conn:
        _set_body(conn, 97, body.replace('"n":97', '"n":98'))
    db.session.remove()
    online = verify(app)
    assert online.exit_code == 1 and "at index 97:" in online.output, online.output
    out = tmp_path / "export"
    assert run_cli(app, "ledger", "export", str(out)).exit_code == 0
    offline = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 1
    assert offline.stdout.startswith("FAILED at index 97: "), offline.stdout
