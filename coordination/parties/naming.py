"""A party's name as a page shows it, in the reader's language.

Households, units and anonymous donors are stored under a neutral label ("Household 7K2Q4M",
parties/services.neutral_label) whose first word is the English source; pages translate that
word and keep the code, so the label reads "Семья 7K2Q4M" in Russian and stays searchable.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from coordination.parties.models import Party, PartyKind
from coordination.parties.services import NEUTRAL_WORDS

WORDS = {
    PartyKind.HOUSEHOLD: _l("Household"),
    PartyKind.UNIT: _l("Unit"),
    PartyKind.DONOR: _l("Donor"),
}


def shown_name(party: Party | None) -> str:
    if party is None:
        return ""
    word = NEUTRAL_WORDS.get(party.kind)
    name = party.display_name or ""
    if word and name.startswith(word + " "):
        return f"{WORDS[party.kind]} {name[len(word) + 1 :]}"
    return name


# Party.public_label gives English tokens for parties that are not named (it feeds the
# ledger and the API too); a page shows them in the reader's language.
PUBLIC_WORDS = {
    "anonymous donor": _l("anonymous donor"),
    "household": _l("a household"),
    "unit": _l("a unit"),
    "courier": _l("a courier"),
}


def public_name(label: str | None) -> str:
    if label is None:
        return str(PUBLIC_WORDS["anonymous donor"])
    word = PUBLIC_WORDS.get(label)
    return str(word) if word is not None else label
