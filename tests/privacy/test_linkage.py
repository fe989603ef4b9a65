"""Linkage: with everything public plus one household's delivery code, an observer cannot
tie two needs, deliveries or receipts of one household or unit, or two actions of one
account, together; and cannot rebuild a cell the needs board suppresses (docs/privacy.md).

The world (linkage_world.py) records which ledger entries each step appended and to which
need or delivery ("case") and whose it is. Every public answer is then collected once,
tokenised (every JSON scalar of 8+ characters; words of 8+ characters in HTML and PDF text),
and for each two cases of one household, unit or account, the tokens they share must also
occur in the background: the public answers about nobody under test (so "WOOL-SOCKS", a hub's
id or the day are fine; a pseudonym of the household is not).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from itertools import combinations
from typing import Any

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.needs.queries import MIN_PUBLIC_COUNT
from coordination.parties.models import PRIVATE_KINDS, Party
from tests.browser.pages import pdf_text
from tests.privacy.linkage_world import World, build

WORD = re.compile(r"[\w\-:+/=.]{8,}")
# Merkle material: hashes of ranges of the log, the same for every reader of one tree size;
# they tell positions in the log (as indices do), not whose an entry is.
DERIVED_KEYS = {"proof", "leaf_hash", "root", "tlog_proof", "checkpoint", "size"}
TIME_OF_DAY = re.compile(r"T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}")


def _json_tokens(value: Any, out: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in DERIVED_KEYS:
                _json_tokens(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_tokens(item, out)
    elif isinstance(value, str):
        if value[:1] in "{[":
            try:  # an entry body inside a proof answer: its fields are tokens too
                _json_tokens(json.loads(value), out)
                return
            except ValueError:
                pass
        if len(value) >= 8:
            out.add(value)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**7:
        out.add(str(value))


def _text_tokens(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if not re.fullmatch(r"[A-Za-z0-9+/]{43}=", w)}


def _collect(app, session, world: World) -> tuple[dict[str, set[str]], set[str], list[str]]:
    """Tokens per case, background tokens, and the text of every public answer."""
    client = app.test_client()
    size = client.get("/ledger/entries?start=0&end=1").get_json()["size"]
    bodies: list[str] = []
    for start in range(0, size, 1000):
        got = client.get(f"/ledger/entries?start={start}&end={start + 1000}").get_json()
        bodies += [e["body"] for e in got["entries"]]
    assert len(bodies) == size
    owner: dict[int, str] = {}
    for action in world.actions:
        for index in range(action.start, action.end):
            owner[index] = action.case
    cases: dict[str, set[str]] = defaultdict(set)
    background: set[str] = set()
    texts: list[str] = list(bodies)
    for index, body in enumerate(bodies):
        tokens: set[str] = set()
        _json_tokens(json.loads(body), tokens)
        if index in owner:
            cases[owner[index]] |= tokens
        else:
            background |= tokens
    mine = {d.code: case for case, d in world.deliveries.items()}
    for code in session.scalars(select(Delivery.code).where(Delivery.code.is_not(None))):
        # A fresh client per page: a session's own CSRF token is the observer's, not data.
        page = app.test_client().get(f"/verify/{code}")
        proof = app.test_client().get(f"/verify/{code}.json")
        assert page.status_code == 200 and proof.status_code == 200, code
        tokens = _text_tokens(page.get_data(as_text=True))
        _json_tokens(proof.get_json(), tokens)
        texts += [page.get_data(as_text=True), proof.get_data(as_text=True)]
        (cases[mine[code]] if code in mine else background).update(tokens)
    from coordination.disputes.models import Dispute

    for share in session.scalars(select(Dispute.share_code).where(Dispute.public.is_(True))):
        page = app.test_client().get(f"/disputes/public/{share}")
        pdf = client.get(f"/disputes/public/{share}/report.pdf")
        assert page.status_code == 200 and pdf.status_code == 200, share
        words = pdf_text(pdf.data)
        tokens = _text_tokens(page.get_data(as_text=True)) | _text_tokens(words)
        texts += [page.get_data(as_text=True), words]
        (cases[world.disputes[share]] if share in world.disputes else background).update(tokens)
    for path in ("/needs/board", "/api/v1/needs/board", "/needs/board?format=hxl", "/"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        texts.append(resp.get_data(as_text=True))
    for page in range(1, 2 + size // 25):
        texts.append(client.get(f"/ledger?page={page}").get_data(as_text=True))
    return cases, background, texts


def test_no_public_value_links_two_cases_of_one_household_unit_or_account(app, session):
    world = build(session)
    cases, background, texts = _collect(app, session, world)
    assert len(world.cases()) >= 10 and all(cases[c] for c in world.cases())

    # No stable id of any household, unit or account (the demo's included) is in any
    # public answer.
    private = session.scalars(select(Party).where(Party.kind.in_(PRIVATE_KINDS))).all()
    stable = {
        **world.stable_ids,
        **{f"{p.kind.value} {p.id}": p.public_id for p in private},
        **{f"account {u.username}": u.public_id for u in session.scalars(select(User))},
    }
    assert len(stable) > 20
    everything = "\n".join(texts)
    for what, public_id in stable.items():
        assert public_id not in everything, f"the {what}'s public id {public_id} is public"

    links = []
    for a, b in combinations(world.cases(), 2):
        shared_owner = world.owners_of(a) & world.owners_of(b)
        if not shared_owner:
            continue
        tying = (cases[a] & cases[b]) - background
        if tying:
            links.append(f"{a} and {b} (both {sorted(shared_owner)}) share {sorted(tying)[:3]}")
    assert not links, "public values tie cases together:\n" + "\n".join(links)


def test_household_events_keep_the_day_only(app, session):
    world = build(session)
    client = app.test_client()
    for action in world.actions:
        got = client.get(f"/ledger/entries?start={action.start}&end={action.end}").get_json()
        for entry in got["entries"]:
            body = json.loads(entry["body"])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["at"]), (action.case, body["at"])
            assert not TIME_OF_DAY.search(entry["body"]), (action.case, entry["body"])


def _suppressed_cells(session) -> set[tuple[str, str, str]]:
    """The board's rule, recomputed from the database: cells with too few parties."""
    parties: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    rows = session.execute(
        select(NeedLine, Need)
        .join(Need, NeedLine.need_id == Need.id)
        .where(Need.status.in_(OPEN_DEMAND), NeedLine.unavailable.is_(False))
    ).all()
    for line, need in rows:
        if line.remaining > 0:
            cell = (need.region.code, line.item.code, need.created_at.strftime("%Y-%m"))
            parties[cell].add(need.party_id)
    return {cell for cell, who in parties.items() if len(who) < MIN_PUBLIC_COUNT}


def _cells_from_ledger(bodies: list[dict[str, Any]]) -> dict[tuple[str, str, str], set[str]]:
    """What an observer can count per region x item x month of needs from the entries:
    a need's region and month (need.submitted), tied to any item named in clear in an entry
    that names the need, or in an entry of a delivery that names it."""
    where: dict[str, tuple[str, str]] = {}
    items: dict[str, set[str]] = defaultdict(set)
    delivery_needs: dict[str, set[str]] = defaultdict(set)
    delivery_items: dict[str, set[str]] = defaultdict(set)

    def named_items(value: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(value, dict):
            if isinstance(value.get("item"), str):
                found.add(value["item"])
            for item in value.values():
                found |= named_items(item)
        elif isinstance(value, list):
            for item in value:
                found |= named_items(item)
        return found

    for body in bodies:
        data = body["data"]
        if body["kind"] == "need.submitted":
            where[data["need"]] = (data.get("region"), body["at"][:7])
        needs = [data["need"]] if isinstance(data.get("need"), str) else []
        needs += [n for n in data.get("needs") or [] if isinstance(n, str)]
        for need in needs:
            items[need] |= named_items(data)
        if isinstance(data.get("delivery"), str):
            delivery_needs[data["delivery"]].update(needs)
            delivery_items[data["delivery"]] |= named_items(data)
    for delivery, needs in delivery_needs.items():
        for need in needs:
            items[need] |= delivery_items[delivery]
    cells: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for need, (region, month) in where.items():
        for item in items[need]:
            cells[(region, item, month)].add(need)
    return cells


def test_no_suppressed_board_cell_can_be_rebuilt_from_the_ledger(app, session):
    build(session)
    suppressed = _suppressed_cells(session)
    assert suppressed, "the world must have suppressed cells for this test to mean anything"
    got = app.test_client().get("/ledger/entries?start=0&end=1000").get_json()
    bodies = [json.loads(e["body"]) for e in got["entries"]]
    assert len(bodies) == got["size"]
    rebuilt = _cells_from_ledger(bodies)
    revealed = sorted(cell for cell in suppressed if rebuilt.get(cell))
    assert not revealed, f"the ledger counts needs in suppressed board cells: {revealed[:5]}"
