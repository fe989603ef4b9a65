"""Forms say what they need: errors beside fields in both languages, no bare 400, no
`autocomplete="None"`, item choices sorted by name in the reader's language."""

from __future__ import annotations

import re

import pytest

from coordination.kernel.actors import Role
from tests import factories as f


def _family(client, session):
    user = f.user(session, Role.FAMILY)
    f.login(client, user)
    return user


@pytest.mark.parametrize(("language", "words"), [("en", "required"), ("ru", "обязательн")])
def test_an_empty_need_form_answers_with_errors_beside_the_fields(
    app, session, client, language, words
):
    _family(client, session)
    page = client.get("/needs/new", headers={"Accept-Language": language})
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    resp = client.post(
        "/needs/new",
        data={"submission_token": token.group(1) if token else ""},
        headers={"Accept-Language": language},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    errors = re.findall(r'<p class="error" id="([\w-]+)-err">([^<]+)<', html)
    assert errors  # said beside the field, not a bare 400
    for field_id, text in errors:
        assert f'id="{field_id}"' in html and words in text.lower()  # the field is there
    assert 'autocomplete="None"' not in html


def test_item_choices_are_sorted_by_name_in_the_readers_language(app, session, client):
    f.item(session, code="AAA-ZEBRA", name_en="Zebra blanket", name_ru="Яркое одеяло")
    f.item(session, code="ZZZ-APPLE", name_en="Apple box", name_ru="Банка")
    session.commit()
    _family(client, session)
    for language, first, second in (("en", "Apple box", "Zebra blanket"), ("ru", "Банка", "Яркое")):
        html = client.get("/needs/new", headers={"Accept-Language": language}).get_data(
            as_text=True
        )
        assert 0 < html.index(first) < html.index(second), language
