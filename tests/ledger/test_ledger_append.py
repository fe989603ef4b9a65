"""append(): contiguous indices, canonical bodies, stored subtrees, corrections, the guard."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from coordination.db import utcnow
from coordination.ledger import merkle
from coordination.ledger.canonical import canonical_json
from coordination.ledger.models import LedgerEntry, LedgerNode
from coordination.ledger.openings import open_entry
from coordination.ledger.privacy import PersonalDataError, commit, new_salt, opens
from coordination.ledger.services import append, append_correction
from tests import factories as f
from tests.ledger.ledger_support import fill, head


def _entries(session):
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.index)).all()


def test_indices_are_contiguous_from_zero_and_bodies_canonical(app, session):
    actor = f.user(session, f.Role.COORDINATOR)  # creating an account is itself recorded
    start = head(app)
    assert start >= 1
    for n in range(5):
        append(session, actor, "test.event", {"n": n, "name": "Вязальный кружок"})
    session.commit()
    entries = _entries(session)
    assert [e.index for e in entries] == list(range(start + 5))
    assert head(app) == start + 5
    body = json.loads(entries[start + 3].body)
    assert set(body) == {"v", "kind", "at", "actor", "data"}
    assert body["data"] == {"n": 3, "name": "Вязальный кружок"} and body["v"] == 2
    # The account is a commitment with a fresh salt per entry (never its public id), and
    # only the day is kept.
    actors = {json.loads(e.body)["actor"] for e in entries[start:]}
    assert len(actors) == 5 and actor.public_id not in entries[start + 3].body
    assert body["at"] == entries[start + 3].created_at.date().isoformat()
    (opened,) = open_entry(session, start + 3)
    assert (opened.path, opened.value, opened.ok) == ("actor", f"user:{actor.public_id}", True)
    assert opens(body["actor"], f"user:{actor.public_id}", bytes.fromhex(opened.salt))
    assert entries[start + 3].body == canonical_json(body)  # sorted keys, no spaces, raw UTF-8
    assert "Вязальный" in entries[start + 3].body
    assert entries[start + 3].leaf_hash == merkle.leaf_hash(entries[start + 3].body.encode())


def test_rows_written_on_the_driver_cursor_read_back_like_orm_rows(app, session):
    actor = f.user(session, f.Role.COORDINATOR)  # a row the ORM wrote, for comparison
    entry = append(session, actor, "test.event", {"n": 1})
    session.commit()
    session.expire_all()
    loaded = session.get(LedgerEntry, entry.index)
    assert loaded.created_at == entry.created_at and loaded.created_at.tzinfo is not None
    assert abs(loaded.created_at - utcnow()) < timedelta(minutes=5)
    ours = session.execute(
        text("SELECT created_at FROM ledger_entry WHERE idx = :i"), {"i": entry.index}
    ).scalar_one()
    orms = session.execute(text("SELECT created_at FROM user_account")).scalar_one()
    assert type(ours) is type(orms)
    if isinstance(ours, str):  # SQLite keeps text: the same format as the ORM's
        assert len(ours) == len(orms) and ours[10] == orms[10]


def test_rolled_back_append_leaves_no_gap(app, session):
    fill(session, 2)
    append(session, None, "test.event", {"n": "lost"})
    session.rollback()
    entry = append(session, None, "test.event", {"n": "kept"})
    session.commit()
    assert entry.index == 2
    assert [e.index for e in _entries(session)] == [0, 1, 2]
    assert head(app) == 3


def test_stored_subtrees_match_the_reference_tree(app, session):
    fill(session, 13)
    leaves = [e.leaf_hash for e in _entries(session)]
    nodes = {(n.level, n.position): n.hash for n in session.scalars(select(LedgerNode))}
    assert len(nodes) == 2 * 13 - (13).bit_count()  # every complete aligned subtree, once
    for (level, position), digest in nodes.items():
        covered = leaves[position << level : (position + 1) << level]
        assert len(covered) == 1 << level
        assert digest == merkle.root_hash(covered)


def test_correction_references_the_superseded_index(app, session):
    fill(session, 3)
    entry = append_correction(session, None, 1, "test.corrected", {"n": 1, "reason": "typo"})
    session.commit()
    assert json.loads(entry.body)["supersedes"] == 1
    with pytest.raises(ValueError, match="does not exist"):
        append_correction(session, None, 4, "test.corrected", {"n": 9})
    session.rollback()
    with pytest.raises(ValueError):
        append_correction(session, None, -1, "test.corrected", {})


@pytest.mark.parametrize("kind", ["", "Party.Created", "party created", "x" * 49, "party..created"])
def test_bad_kinds_are_refused(app, session, kind):
    with pytest.raises(ValueError):
        append(session, None, kind, {})
    assert head(app) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"phone": "+7 912 345-67-89"},
        {"party": "abc", "address": "ул. Ленина, 1"},
        {"private_name": "Иванова"},
        {"full_name": "Иван Иванов"},
        {"note": "the household's door code"},  # an encrypted column's name
        {"lines": [{"recipient_phone": "89123456789"}]},
        {"contact": "8 (912) 345-67-89"},
        {"contacts": ["+79123456789"]},
        {"phone_commitment": "+79123456789"},
        {"earmark_commitment": ["sha256:" + "0" * 64, "for Ivanov's son"]},
        {"earmark_commitment": [["sha256:" + "0" * 64]]},
        {"earmark_commitment": 7},
        {"earmark": "medical kits"},  # free text: a commitment only
    ],
)
def test_personal_data_is_refused(app, session, data):
    with pytest.raises(PersonalDataError):
        append(session, None, "test.event", data)
    assert head(app) == 0


def test_commitments_pseudonyms_and_dates_pass_the_guard(app, session):
    salt = new_salt()
    phone = commit("+79123456789", salt)
    assert opens(phone, "+79123456789", salt) and not opens(phone, "+79123456780", salt)
    data = {
        "household": "0123456789012345",  # 16 digits: a public id, not a phone
        "phone_commitment": phone,
        "earmark_commitment": None,  # nothing committed
        "chunk_commitment": [phone, None],  # an import chunk's parallel array
        "on": "2025-01-02",
        "quantity": 15000000000,
        "name": "Школьная ярмарка",
    }
    append(session, None, "test.event", data)
    session.commit()
    assert head(app) == 1
    assert "+7912" not in _entries(session)[0].body


def test_commit_needs_a_real_salt():
    with pytest.raises(ValueError):
        commit("x", b"short")


@pytest.mark.parametrize("table", ["ledger_entry", "ledger_node", "ledger_checkpoint"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = {c}", "DELETE FROM {t}"])
def test_database_refuses_update_and_delete(app, session, table, statement):
    fill(session, 2)
    if table == "ledger_checkpoint":
        from coordination.ledger.checkpoints import sign_checkpoint
        from coordination.ledger.keys import ledger_signer

        sign_checkpoint(session, ledger_signer())
        session.commit()
    column = {"ledger_entry": "body", "ledger_node": "hash", "ledger_checkpoint": "note"}[table]
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement.format(t=table, c=column)))
        session.flush()
    session.rollback()
    count = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    assert count > 0
