"""Money donations: integer minor units, totals by currency, pledges not counted."""

from __future__ import annotations

from datetime import date

import pytest

from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, Forbidden, Invalid
from coordination.money.services import (
    MoneyInput,
    receive_money_donation,
    record_money_donation,
    totals_by_currency,
)
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.stock.support import entries

DAY = date(2026, 11, 3)


def test_totals_by_currency_to_the_kopeck(session) -> None:
    admin = f.user(session, Role.ADMIN)
    fair = f.party(session, PartyKind.CAMPAIGN)
    record_money_donation(
        session,
        admin,
        MoneyInput(5_900_000, DAY, donor_id=fair.id, earmark="medical kits", received=True),
    )
    record_money_donation(session, admin, MoneyInput(1, DAY, received=True))
    record_money_donation(session, admin, MoneyInput(10_050, DAY, currency="eur", received=True))
    pledge = record_money_donation(session, admin, MoneyInput(99_999, DAY))
    assert totals_by_currency(session) == {"EUR": 10_050, "RUB": 5_900_001}
    receive_money_donation(session, admin, pledge)
    assert totals_by_currency(session) == {"EUR": 10_050, "RUB": 6_000_000}
    with pytest.raises(Conflict):
        receive_money_donation(session, admin, pledge)
    [first, *_] = entries(session, "origin.money")
    assert first["data"]["donor"] == fair.public_id and first["data"]["amount_minor"] == 5_900_000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_minor": 0}, "amount_minor"),
        ({"amount_minor": 1.5}, "amount_minor"),
        ({"amount_minor": True}, "amount_minor"),
        ({"currency": "RUBL"}, "currency"),
        ({"currency": "R1B"}, "currency"),
        ({"received_on": None}, "received_on"),
    ],
)
def test_bad_money_is_refused(session, change, field) -> None:
    admin = f.user(session, Role.ADMIN)
    data = MoneyInput(100, DAY)
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(Invalid) as err:
        record_money_donation(session, admin, data)
    assert err.value.field == field


def test_volunteers_do_not_record_money(session) -> None:
    with pytest.raises(Forbidden):
        record_money_donation(session, f.user(session, Role.VOLUNTEER), MoneyInput(100, DAY))
