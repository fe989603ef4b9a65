"""Entries in plain language for the public /ledger page.

Each domain's kinds get a sentence here (or through `register` from the domain itself);
unknown kinds fall back to a neutral sentence plus the raw fields, which are public by the
ledger's contract. Nothing here reads the database: an entry describes itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from coordination.ledger.kind_labels import VALUE_FIELDS, VALUES
from coordination.ledger.privacy import COMMITMENT_SUFFIX

Text = Any  # a str or a lazy translation string

_SENTENCES: dict[str, Text] = {
    "party.registered": _l("A party was registered: %(who)s, region %(region)s."),
    "party.updated": _l("Public details of %(who)s were updated."),
    "party.deactivated": _l("Party %(party)s was deactivated."),
    "party.reactivated": _l("Party %(party)s was reactivated."),
    "location.registered": _l(
        "A location was registered: %(name)s (%(kind_label)s), region %(region)s."
    ),
    "location.updated": _l("Location %(name)s was updated."),
    "location.deactivated": _l("Location %(location)s was closed."),
    "location.reactivated": _l("Location %(location)s was reopened."),
    "region.created": _l("Region %(region)s was added."),
    "region.updated": _l("Region %(region)s was renamed."),
    "account.created": _l("An account was opened with the role “%(role_label)s”."),
    "account.role_changed": _l("Account %(user)s now has the role “%(role_label)s”."),
    "account.deactivated": _l("Account %(user)s was closed."),
    "account.reactivated": _l("Account %(user)s was reopened."),
    "category.created": _l("Catalog category %(category)s was added."),
    "category.updated": _l("Catalog category %(category)s was changed."),
    "item.created": _l("Catalog item %(code)s was added."),
    "item.updated": _l("Catalog item %(code)s was changed."),
    "need.submitted": _l("A need with %(line_count)s line(s) was submitted, region %(region)s."),
    # Version 2: what a need asks for is sealed; the board is the public view of demand.
    "need.submitted@2": _l("A need was submitted, region %(region)s; its lines are sealed."),
    "need.edited@2": _l("Need %(need)s was edited by its submitter; its lines are sealed."),
    "need.progress": _l("A need's fulfilment was updated: %(status)s."),
    "need.edited": _l("Need %(need)s was edited by its submitter."),
    "need.cancelled": _l("Need %(need)s was withdrawn by its submitter."),
    "need.approved": _l("Need %(need)s was approved."),
    "need.rejected": _l("Need %(need)s was declined."),
    "need.line_unavailable": _l("Item %(item)s of need %(need)s was marked unavailable."),
    "need.merged": _l("Need %(need)s was merged into need %(into)s."),
}

_KIND_LABELS: dict[str, Text] = {
    "group": _l("volunteer group"),
    "donor": _l("donor"),
    "unit": _l("unit"),
    "household": _l("household"),
    "courier": _l("courier"),
    "official": _l("official"),
    "campaign": _l("campaign"),
    "hub": _l("hub"),
    "warehouse": _l("warehouse"),
    "workshop": _l("workshop"),
}


def register(kind: str, sentence: Text) -> None:
    """Give `kind` a sentence; %(key)s placeholders take values from the entry's data."""
    _SENTENCES[kind] = sentence


@dataclass
class EntryView:
    index: int
    kind: str
    at: datetime | date | None  # version 2 keeps the day only
    actor: str
    summary: str
    supersedes: int | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def describe(index: int, body: str) -> EntryView:
    try:
        entry = json.loads(body)
        data = entry.get("data") if isinstance(entry, dict) else None
        if not isinstance(data, dict):
            raise ValueError("no data")
    except ValueError:
        return EntryView(index, "?", None, "", str(_l("This entry cannot be read.")))
    kind = str(entry.get("kind", "?"))
    fields = _Fields({k: _flat(v) for k, v in data.items()})
    kind_value = str(data.get("kind", ""))
    fields["kind_label"] = str(_KIND_LABELS.get(kind_value, kind_value or "—"))
    fields["who"] = _who(data, fields["kind_label"])
    fields["role_label"] = _role(data.get("role"))
    for key in VALUE_FIELDS:  # a value a sentence prints, in words
        if isinstance(data.get(key), str) and data[key] in VALUES:
            fields[key] = str(VALUES[data[key]])
    if isinstance(data.get("lines"), list):
        fields["line_count"] = str(len(data["lines"]))
    for key in data:
        # A household, unit or account enters as a commitment: the sentence says so.
        if key.endswith(COMMITMENT_SUFFIX) and key[: -len(COMMITMENT_SUFFIX)] not in data:
            fields[key[: -len(COMMITMENT_SUFFIX)]] = str(_l("(sealed)"))
    sentence = _SENTENCES.get(f"{kind}@{entry.get('v')}") or _SENTENCES.get(kind)
    if sentence is not None:
        summary = str(sentence) % fields
    else:
        summary = str(_l("Event “%(kind)s” was recorded.")) % {"kind": kind}
    supersedes = entry.get("supersedes")
    if isinstance(supersedes, int):
        summary += " " + str(_l("It corrects entry #%(index)s.")) % {"index": supersedes}
    return EntryView(
        index=index,
        kind=kind,
        at=_when(entry.get("at")),
        actor=str(entry.get("actor", "")),
        summary=summary,
        supersedes=supersedes if isinstance(supersedes, int) else None,
        details=[(k, _flat(v)) for k, v in sorted(data.items())],
    )


def _who(data: dict[str, Any], kind_label: str) -> str:
    # Named parties (groups, campaigns, donors who agreed) by name; others by public id, or
    # (a household or unit in a version-2 entry) by kind alone.
    if data.get("name"):
        return f"{data['name']} ({kind_label})"
    return f"{kind_label} {data.get('party', '')}".strip()


def _when(value: Any) -> datetime | date | None:
    text = str(value)
    try:
        if len(text) == 10:  # version 2: "YYYY-MM-DD", the day only
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _role(value: Any) -> str:
    from coordination.kernel.actors import Role
    from coordination.web.ui import role_label

    try:
        return role_label(Role(value))
    except ValueError:
        return str(value or "—")


def _flat(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
