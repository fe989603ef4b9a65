"""The public /ledger page: plain language, newest first, paged, with key and checkpoint."""

from __future__ import annotations

import json
import re

from coordination.ledger.describe import describe
from coordination.ledger.services import append, append_correction
from tests.ledger.ledger_support import fill


def shown_indices(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num" data-label="#">(\d+)</td>', html)]


def test_page_lists_newest_first_in_pages(app, client, session):
    app.config["PAGE_SIZE"] = 25
    fill(session, 30)
    first = client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert shown_indices(first) == list(range(29, 4, -1))
    second = client.get("/ledger?page=2", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert shown_indices(second) == [4, 3, 2, 1, 0]
    assert shown_indices(client.get("/ledger?page=abc").get_data(as_text=True))[0] == 29
    assert shown_indices(client.get("/ledger?page=999").get_data(as_text=True)) == [4, 3, 2, 1, 0]


def test_page_shows_checkpoint_key_and_how_to_verify(app, client, session):
    fill(session, 3)
    html = client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    key = client.get("/ledger/key").get_data(as_text=True).strip()
    assert key in html
    assert client.get("/ledger/checkpoint").get_data(as_text=True).splitlines()[2] in html
    assert "python -m coordination.ledger.verify" in html
    assert 'href="/ledger/proof/inclusion?index=2&amp;size=3"' in html


def test_entries_read_as_sentences_and_escape_names(app, client, session):
    party = {"party": "a1b2c3d4e5f60718", "kind": "group"}
    append(session, None, "party.registered", {**party, "region": "RU-MOW", "name": "<b>Knit</b>"})
    append(session, None, "some.future_kind", {"lot": "L-1"})
    append_correction(session, None, 0, "party.updated", party)
    session.commit()
    html = client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    sentence = "A party was registered: &lt;b&gt;Knit&lt;/b&gt; (volunteer group), region RU-MOW."
    assert sentence in html
    assert "<b>Knit</b>" not in html
    assert "Event “some.future_kind” was recorded." in html
    assert "It corrects entry #0." in html


def test_page_renders_in_russian(app, client, session):
    fill(session, 1)
    resp = client.get("/ledger", headers={"Accept-Language": "ru"})
    assert resp.status_code == 200
    assert '<html lang="ru"' in resp.get_data(as_text=True)


def test_describe_survives_unreadable_bodies(app):
    with app.test_request_context():
        assert describe(5, "not json").summary
        assert describe(6, '{"data": 3}').kind == "?"
        view = describe(7, '{"kind":"x.y","data":{"n":1},"at":"bad","actor":"system","v":1}')
        assert view.at is None and view.details == [("n", "1")]


def test_empty_ledger_page_says_so(app, client):
    resp = client.get("/ledger", headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    assert "Nothing has been recorded yet." in resp.get_data(as_text=True)


def test_every_kind_written_today_has_a_sentence(app):
    """Kinds the services append now; a new kind falls back to a neutral sentence."""
    samples = {
        "account.created": {"user": "u1", "role": "coordinator"},
        "need.submitted": {"need": "n1", "party": "p1", "region": "RU-MOW", "lines": [{}, {}]},
        "need.merged": {"need": "n1", "into": "n2"},
        "item.created": {"code": "SOCKS-WOOL"},
    }
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for kind, data in samples.items():
            body = '{"actor":"system","at":"2026-01-01T00:00:00Z","data":%s,"kind":"%s","v":1}'
            summary = describe(0, body % (json.dumps(data), kind)).summary
            assert "was recorded" not in summary and "—" not in summary, (kind, summary)
        assert (
            "Coordinator"
            in describe(
                0, body % (json.dumps(samples["account.created"]), "account.created")
            ).summary
        )
        assert (
            "2 line(s)"
            in describe(0, body % (json.dumps(samples["need.submitted"]), "need.submitted")).summary
        )
