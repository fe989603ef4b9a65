"""Version-2 entries: households, units and accounts as per-entry commitments, their openings
(for an auditor, and for the household itself), and version-1 entries still read and verify."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from coordination.ledger import merkle
from coordination.ledger.checkpoints import sign_checkpoint
from coordination.ledger.describe import describe
from coordination.ledger.keys import ledger_signer
from coordination.ledger.models import LedgerEntry, LedgerOpening
from coordination.ledger.openings import open_entry, openings_of
from coordination.ledger.privacy import Sealed, sealed_party
from coordination.ledger.services import append, completed_nodes
from coordination.ledger.store import AppendCursor
from coordination.parties.models import PartyKind
from coordination.parties.services import ledger_ref
from tests import factories as f
from tests.ledger.ledger_support import ROOT, run_cli


def _body(session, index: int) -> dict:
    return json.loads(session.get(LedgerEntry, index).body)


def test_a_household_gets_a_fresh_commitment_in_every_entry(app, session):
    household = f.party(session, PartyKind.HOUSEHOLD)
    group = f.party(session, PartyKind.GROUP)
    actor = f.user(session, f.Role.COORDINATOR)
    first = append(session, actor, "test.event", {**ledger_ref("to", household), "n": 1})
    second = append(session, actor, "test.event", {**ledger_ref("to", household), "n": 2})
    named = append(session, actor, "test.event", ledger_ref("to", group))
    session.commit()
    one, two = _body(session, first.index), _body(session, second.index)
    assert set(one["data"]) == {"to_commitment", "n"}
    assert one["data"]["to_commitment"] != two["data"]["to_commitment"]
    assert one["actor"] != two["actor"]  # the same account, unlinkable
    for entry in (first, second):
        assert household.public_id not in entry.body and actor.public_id not in entry.body
    # A group is a source attribution names: it stays named by its public id.
    assert _body(session, named.index)["data"] == {"to": group.public_id}


def test_an_auditor_opens_every_commitment_of_an_entry(app, session):
    household = f.party(session, PartyKind.HOUSEHOLD)
    actor = f.user(session, f.Role.COORDINATOR)
    entry = append(
        session,
        actor,
        "test.event",
        {
            **ledger_ref("party", household),
            "lines_commitment": Sealed('{"item":"WOOL-SOCKS"}', f"party:{household.public_id}"),
        },
    )
    session.commit()
    body = _body(session, entry.index)
    opened = {o.path: o for o in open_entry(session, entry.index)}
    assert set(opened) == {"actor", "data.party_commitment", "data.lines_commitment"}
    assert opened["data.party_commitment"].value == f"party:{household.public_id}"
    assert opened["actor"].value == f"user:{actor.public_id}"
    for path, o in opened.items():
        assert o.ok, path
        # Recomputed here from the public entry, independently of the code under test.
        digest = hashlib.sha256(bytes.fromhex(o.salt) + o.value.encode()).hexdigest()
        where = body["actor"] if path == "actor" else body["data"][path.split(".")[1]]
        assert where == f"sha256:{digest}" == o.commitment


def test_the_stored_openings_are_encrypted_at_rest(app, session):
    from sqlalchemy import text

    household = f.party(session, PartyKind.HOUSEHOLD)
    entry = append(session, None, "test.event", ledger_ref("party", household))
    session.commit()
    (opened,) = open_entry(session, entry.index)
    rows = session.execute(
        text("SELECT commit_value, commit_salt FROM ledger_opening WHERE idx = :i"),
        {"i": entry.index},
    ).all()
    assert len(rows) == 1
    value, salt = rows[0]
    assert household.public_id not in value and opened.salt not in salt


def test_a_household_opens_its_own_entries_and_no_others(app, session):
    mine = f.party(session, PartyKind.HOUSEHOLD)
    other = f.party(session, PartyKind.UNIT)
    indices = [
        append(session, None, "test.event", ledger_ref("to", party)).index
        for party in (mine, other, mine)
    ]
    session.commit()
    found = openings_of(session, f"party:{mine.public_id}")
    assert [o.index for o in found] == [indices[0], indices[2]]
    assert all(o.ok and o.value == f"party:{mine.public_id}" for o in found)


def test_a_tampered_opening_does_not_open(app, session):
    household = f.party(session, PartyKind.HOUSEHOLD)
    entry = append(session, None, "test.event", ledger_ref("party", household))
    session.commit()
    row = session.scalars(select(LedgerOpening).where(LedgerOpening.index == entry.index)).one()
    row.commit_value = "party:0000000000000000"  # someone else claimed instead
    session.commit()
    (opened,) = open_entry(session, entry.index)
    assert not opened.ok


def test_a_sealed_value_must_sit_under_a_commitment_key(app, session):
    with pytest.raises(ValueError, match="commitment key"):
        append(session, None, "test.event", {"party": sealed_party("abcdef0123456789")})


def test_cli_opens_an_entry_and_a_subject(app, session):
    household = f.party(session, PartyKind.HOUSEHOLD)
    entry = append(session, None, "test.event", ledger_ref("to", household))
    session.commit()
    body, subject = session.get(LedgerEntry, entry.index).body, f"party:{household.public_id}"
    result = run_cli(app, "ledger", "open", str(entry.index))
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    assert line["ok"] and line["path"] == "data.to_commitment"
    digest = hashlib.sha256(bytes.fromhex(line["salt"]) + line["value"].encode()).hexdigest()
    assert f'"to_commitment":"sha256:{digest}"' in body
    result = run_cli(app, "ledger", "open", "--subject", subject)
    assert result.exit_code == 0 and json.loads(result.output)["index"] == entry.index
    assert run_cli(app, "ledger", "open", "999999").exit_code != 0


def _append_v1(session, body: dict) -> int:
    """An entry as the version-1 append wrote it (stable ids, second-exact time)."""
    from coordination.db import utcnow

    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    cursor = AppendCursor(session)
    try:
        index = cursor.claim()
        leaf = merkle.leaf_hash(text.encode())
        cursor.insert_entry(index, body["kind"], text, leaf, utcnow())
        cursor.insert_nodes(completed_nodes(cursor, index, leaf))
    finally:
        cursor.close()
    session.commit()
    return index


def test_old_and_new_entries_verify_online_offline_and_read_on_the_page(app, session, tmp_path):
    household = f.party(session, PartyKind.HOUSEHOLD)
    old = _append_v1(
        session,
        {
            "v": 1,
            "kind": "need.submitted",
            "at": "2026-11-02T10:11:12Z",
            "actor": "0123456789abcdef",
            "data": {
                "need": "aaaaaaaaaaaaaaaa",
                "party": household.public_id,
                "region": "RU-VLA",
                "delivery": "town",
                "lines": [{"item": "WOOL-SOCKS", "quantity": 2}],
            },
        },
    )
    new = append(session, None, "party.deactivated", ledger_ref("party", household)).index
    session.commit()
    sign_checkpoint(session, ledger_signer())
    session.commit()
    assert run_cli(app, "ledger", "verify").exit_code == 0
    out = tmp_path / "export"
    assert run_cli(app, "ledger", "export", str(out)).exit_code == 0
    offline = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        was = describe(old, session.get(LedgerEntry, old).body)
        now = describe(new, session.get(LedgerEntry, new).body)
    assert "1 line(s)" in was.summary and was.at is not None and was.at.hour == 10
    assert "(sealed)" in now.summary and str(now.at) == _body(session, new)["at"]
    page = app.test_client().get("/ledger")
    assert page.status_code == 200


def test_a_family_opens_its_own_household_through_the_api(app, session):
    from coordination.kernel.actors import Role

    family = f.user(session, Role.FAMILY)
    other = f.user(session, Role.FAMILY)
    mine = append(session, None, "test.event", ledger_ref("to", family.party)).index
    append(session, None, "test.event", ledger_ref("to", other.party))
    session.commit()
    token = f.token(session, family)
    resp = app.test_client().get(
        "/api/v1/me/ledger-openings", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200
    got = resp.get_json()["openings"]
    assert [(o["index"], o["path"], o["ok"]) for o in got] == [(mine, "data.to_commitment", True)]
    body = session.get(LedgerEntry, mine).body
    digest = hashlib.sha256(bytes.fromhex(got[0]["salt"]) + got[0]["value"].encode()).hexdigest()
    assert f"sha256:{digest}" in body
