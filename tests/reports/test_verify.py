"""/verify/<code>: true sources, roles, no personal data, and proofs checked server-side."""

from __future__ import annotations

import json

from sqlalchemy import update

from coordination.deliveries.models import HandoverRole
from coordination.ledger import note
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.ledger.ledger_support import forger
from tests.reports.chain import chain

CANARIES = [
    "Канарейкина",
    "Аглая",
    "в/ч 99137",
    "99137",
    "+7 901 555-73-19",
    "Канареечная",
    "canary-volunteer-Zhukova",
    "Hidden Person",
]


def build(session):
    c = chain(session)
    socks, gloves, _ = c.items
    knitters = c.group("Kostroma knitters")
    _b, made = c.batch(
        knitters, socks, 30, members="canary-volunteer-Zhukova, Канарейкина", members_public=True
    )
    lot = c.transfer(made, 30)  # to the hub the delivery leaves from
    hidden = c.donor(
        "Hidden Person", public=False, private_name="Канарейкина Аглая", phone="+7 901 555-73-19"
    )
    _g, gift = c.in_kind(hidden, gloves, 10)
    unit = f.party(
        session,
        PartyKind.UNIT,
        region_id=c.dest_region.id,
        display_name="в/ч 99137",
        private_name="в/ч 99137",
        address="Канареечная, 5",
    )
    courier = f.party(session, PartyKind.COURIER, display_name="Volga couriers")
    official = f.party(session, PartyKind.OFFICIAL, display_name="Deputy governor")
    delivery = c.deliver(
        unit,
        [(lot, 12), (gift, 4)],
        handovers=[
            (knitters, HandoverRole.SOURCE, courier, HandoverRole.CARRIER),
            (courier, HandoverRole.CARRIER, official, HandoverRole.PRESENTER),
            (official, HandoverRole.PRESENTER, unit, HandoverRole.RECIPIENT),
        ],
        receive=False,  # still on the way: the proof lists dispatch and handovers only
    )
    delivery.driver = "Канарейкина Аглая"
    delivery.comments = "call +7 901 555-73-19"
    for h in delivery.handovers:
        h.note = "Канарейкина signed"
        h.place = "Канареечная слобода"
    session.commit()
    return c, delivery


EN = {"Accept-Language": "en"}


def clean(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, canary


def test_the_page_names_true_sources_and_roles_and_nothing_personal(client, session) -> None:
    c, delivery = build(session)
    resp = client.get(f"/verify/{delivery.code}", headers=EN)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    clean(page)
    assert "members of Kostroma knitters" in page
    assert "anonymous donor" in page
    assert "Deputy governor" in page and "presenter, not a source" in page
    sent, handed = delivery.dispatched_at, delivery.handovers[0].at
    assert "To a unit" in page and c.dest_region.name_en in page
    assert sent.strftime("%B %Y") in page  # the recipient's month
    assert handed.date().isoformat() in page and handed.strftime("%H:%M") not in page
    assert "checked" in page and "does not check out" not in page

    data = client.get(f"/verify/{delivery.code}.json").get_json()
    clean(json.dumps(data, ensure_ascii=False))
    assert data["recipient"] == {
        "kind": "unit",
        "label": None,
        "month": sent.strftime("%Y-%m"),
        "region": {"code": c.dest_region.code, "name": c.dest_region.name_en},
    }
    credits = {p["label"]: (p["roles"], p["credit"]) for p in data["parties"]}
    assert credits["Deputy governor"] == (["presenter"], "0")
    assert credits["courier"] == (["carrier"], "0")  # often one person: never named
    assert "Volga couriers" not in page
    assert credits["Kostroma knitters"] == (["source"], "12")
    assert [s["label"] for s in data["lines"][1]["sources"]] == ["anonymous donor"]
    assert data["lines"][1]["sources"][0]["party"] is None
    proof = data["proof"]
    assert proof["ok"] and proof["signature_ok"]
    kinds = [e["what"] for e in proof["entries"]]
    assert kinds == ["dispatch", "handover", "handover", "handover"]
    assert proof["tlog_proof"].startswith("c2sp.org/tlog-proof@v1\n")
    # The tlog-proof is checkable offline with the verifier key alone.
    verifier = note.Verifier.from_key(proof["verifier_key"])
    entry = proof["entries"][0]
    note.verify_tlog_proof(proof["tlog_proof"], entry["body"].encode(), [verifier])


def test_a_rewritten_entry_is_caught_by_the_page(app, client, session) -> None:
    _c, delivery = build(session)
    client.get("/ledger/checkpoint")  # signed before the rewrite
    index, code = delivery.dispatch_entry, delivery.code
    session.commit()  # reading them began a (SQLite: writing) transaction; end it
    with forger(app) as conn:
        conn.execute(
            update(LedgerEntry).where(LedgerEntry.index == index).values(body='{"forged":true}')
        )
    page = client.get(f"/verify/{code}", headers=EN).get_data(as_text=True)
    assert "does not check out" in page
    data = client.get(f"/verify/{code}.json").get_json()
    assert not data["proof"]["ok"] and not data["proof"]["entries"][0]["ok"]


def test_unknown_and_malformed_codes_are_404(client, session) -> None:
    build(session)
    assert client.get("/verify/no-such-code-123").status_code == 404
    assert client.get("/verify/%00%27--").status_code == 404
    assert client.get("/verify/x" * 3).status_code == 404
    assert client.get("/verify/unknown1.json").status_code == 404
    assert client.get("/verify").status_code == 200
    assert client.get("/verify?code=abc%20def").status_code == 400
    resp = client.get("/verify?code=Some-Code_1")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/verify/Some-Code_1")


def test_an_old_checkpoint_is_checked_for_consistency(client, session) -> None:
    c, delivery = build(session)
    old = client.get("/ledger/checkpoint").get_data(as_text=True)
    unit = f.party(session, PartyKind.UNIT, region_id=c.dest_region.id)
    _b, lot = c.batch(c.group("Later circle"), c.items[0], 5)
    c.deliver(unit, [(lot, 5)])  # the log grows after the manifest was printed
    session.commit()
    url = f"/verify/{delivery.code}"

    pasted = old.replace("\n", "\r\n")  # as a browser sends a pasted textarea
    resp = client.post(url, data={"checkpoint": pasted}, headers=EN)
    assert resp.status_code == 200
    assert "Consistent." in resp.get_data(as_text=True)
    data = client.get(url + ".json", query_string={"checkpoint": old}).get_json()
    assert data["old_checkpoint"]["status"] == "ok"
    assert data["old_checkpoint"]["old_size"] < data["old_checkpoint"]["new_size"]

    origin, size, root, blank, sig = old.split("\n")[:5]
    tampered = "\n".join([origin, str(int(size) - 1), root, blank, sig]) + "\n"
    resp = client.post(url, data={"checkpoint": tampered}, headers=EN)
    assert resp.status_code == 200 and "It does not check out." in resp.get_data(as_text=True)
    assert (
        client.get(url + ".json", query_string={"checkpoint": tampered}).get_json()[
            "old_checkpoint"
        ]["status"]
        == "fails"
    )

    other = note.Signer.from_key(note.generate_signer("other.example/log")[0])
    foreign = note.sign_checkpoint(other, 3, bytes(32))
    resp = client.post(url, data={"checkpoint": foreign}, headers=EN)
    assert resp.status_code == 200 and "Not this log" in resp.get_data(as_text=True)

    for garbage in ("hello", "\x00\x01", "a\n\nb\n", "x" * 5000, ""):
        resp = client.post(url, data={"checkpoint": garbage})
        assert resp.status_code == 400, garbage
    resp = client.post(url, data={"checkpoint": "hello"}, headers=EN)
    assert "That is not a signed checkpoint." in resp.get_data(as_text=True)
    bad = client.get(url + ".json", query_string={"checkpoint": "hello"})
    assert bad.status_code == 400 and bad.get_json()["old_checkpoint"]["status"] == "malformed"


def test_a_forged_signature_under_our_name_fails(client, session) -> None:
    _c, delivery = build(session)
    old = client.get("/ledger/checkpoint").get_data(as_text=True)
    body, _, sig_line = old.rstrip("\n").rpartition("\n")
    name, _, sig = sig_line.rpartition(" ")
    forged = body + "\n" + name + " " + sig[:-4] + ("AAA=" if sig[-4:] != "AAA=" else "BBB=") + "\n"
    data = client.get(f"/verify/{delivery.code}.json", query_string={"checkpoint": forged})
    assert data.get_json()["old_checkpoint"]["status"] in ("fails", "malformed")


def test_the_whole_qr_text_of_a_manifest_can_be_pasted(client, session) -> None:
    c, delivery = build(session)
    url = f"/verify/{delivery.code}"
    printed = client.get(url + ".json").get_json()["proof"]["tlog_proof"]  # what the QR holds
    _b, lot = c.batch(c.group("Later circle"), c.items[0], 5)
    c.deliver(f.party(session, PartyKind.UNIT, region_id=c.dest_region.id), [(lot, 5)])
    session.commit()
    ok = client.get(url + ".json", query_string={"checkpoint": printed}).get_json()
    assert ok["old_checkpoint"]["status"] == "ok"

    header, index, first, *rest = printed.split("\n")
    flipped = ("A" if first[0] != "A" else "B") + first[1:]
    bad = "\n".join([header, index, flipped, *rest])
    answer = client.get(url + ".json", query_string={"checkpoint": bad}).get_json()
    assert answer["old_checkpoint"]["status"] == "fails"
    assert "proof of entry" in answer["old_checkpoint"]["detail"]
    cut = client.get(url + ".json", query_string={"checkpoint": printed.split("\n\n")[0]})
    assert cut.status_code == 400


def test_a_proof_of_another_delivery_is_named_by_the_origin_not_trusted(app, client, session):
    """A forged manifest could pair one delivery's page with another's genuine proof code:
    pasted on the page of delivery B, the proof of delivery A fails, and the answer names
    A's page from the log's signed origin (an unsigned extra line would be ignored)."""
    from coordination.ledger import note

    c, first = build(session)
    _b, lot = c.batch(c.group("Later circle"), c.items[0], 5)
    second = c.deliver(f.party(session, PartyKind.UNIT, region_id=c.dest_region.id), [(lot, 5)])
    session.commit()
    genuine = client.get(f"/verify/{first.code}.json").get_json()["proof"]["tlog_proof"]
    parsed = note.parse_tlog_proof(genuine)
    lure = note.format_tlog_proof(
        parsed.index, parsed.hashes, parsed.checkpoint, extra=b"https://evil.example/verify/x"
    )
    on_own_page = client.get(f"/verify/{first.code}.json", query_string={"checkpoint": lure})
    assert on_own_page.get_json()["old_checkpoint"]["status"] == "ok"
    answer = client.get(f"/verify/{second.code}.json", query_string={"checkpoint": lure})
    old = answer.get_json()["old_checkpoint"]
    site = app.config["LEDGER_ORIGIN"].removesuffix("/ledger")
    assert old["status"] == "fails"
    assert f"https://{site}/verify/{first.code}" in old["detail"]
    assert "evil.example" not in answer.get_data(as_text=True)
