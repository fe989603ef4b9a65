"""The dry run: every row checked against the same rules as the one-record forms.

The rules are those of production.services (check_item's catalog and size rules,
check_date's no-future-date rule, MEMBERS_LIMIT), donations.services (donor kinds) and
money.services (donor kinds, currency, positive amounts), applied here to preloaded
lookups (lookups.py): calling those services per row would cost a query per check and a
ledger append per row, which caps an import near 2,000 rows/s. Each refused cell becomes
a Problem with the row number, the column and the reason; good rows become Row records
ready for the bulk writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.donations.models import MoneyDonation
from coordination.donations.services import DONOR_KINDS
from coordination.imports import cells, lookups
from coordination.imports.cells import BAD, CellError
from coordination.imports.models import ImportKind
from coordination.imports.reading import Cell, Sheet, limited
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.ledger.privacy import PersonalDataError, check_public
from coordination.parties.models import PartyKind
from coordination.production.services import MEMBERS_LIMIT, SIZE_LIMIT, check_date

COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.BATCHES: (
        "group",
        "item",
        "size",
        "quantity",
        "made_on",
        "members",
        "members_public",
    ),
    ImportKind.IN_KIND: ("location", "donor", "item", "size", "quantity", "received_on"),
    ImportKind.MONEY: (
        "donor",
        "amount",
        "currency",
        "received_on",
        "status",
        "campaign",
        "holder",
        "channel",
        "earmark",
    ),
}
REQUIRED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.BATCHES: ("item", "quantity", "made_on"),
    ImportKind.IN_KIND: ("location", "item", "quantity", "received_on"),
    ImportKind.MONEY: ("amount", "received_on"),
}
MONEY_KINDS = (PartyKind.DONOR, PartyKind.CAMPAIGN, PartyKind.GROUP)  # as money.services
# Columns whose values are personal and are never shown back in a problem list.
SECRET_COLUMNS = frozenset({"members", "channel"})
SHOWN = 80


@dataclass(slots=True)
class Problem:
    row: int
    column: str | None
    message: str
    params: dict[str, Any]
    value: str | None


@dataclass
class Checked:
    total: int = 0
    good: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return len({p.row for p in self.problems})


@dataclass(slots=True)
class Row:
    """A good row: field values by name, ids resolved."""

    number: int
    values: dict[str, Any]


Checker = Callable[[dict[str, Any]], dict[str, Any]]


def check_sheet(session: Session, actor: User | None, kind: ImportKind, sheet: Sheet) -> Checked:
    index = _columns(kind, sheet.columns, actor)
    # A log repeats its groups, items, sizes and dates on thousands of rows: each column
    # parses a distinct cell once (parsers are pure; a refusal is remembered as its
    # CellError). Personal columns are never memoised, so no name lingers in a table.
    plan: list[tuple[str, int, Callable[[Cell], Any], dict[Any, Any] | None]] = [
        (name, position, _PARSERS[name], None if name in SECRET_COLUMNS else {})
        for name, position in index.items()
    ]
    rule = _checker(session, actor, kind)
    result = Checked()
    for number, row in limited(sheet):
        result.total += 1
        found: list[Problem] = []
        values: dict[str, Any] = {}
        for name, position, parse, memo in plan:
            raw = row[position] if position < len(row) else None
            if raw is None or (raw.__class__ is str and not raw.strip()):
                continue  # blank: absent, which the rule tells apart from refused
            parsed = memo.get((raw.__class__, raw), _MISSING) if memo is not None else _MISSING
            if parsed is _MISSING:
                parsed = _parsed(parse, memo, raw)
            if isinstance(parsed, CellError):
                found.append(
                    Problem(number, name, parsed.message, parsed.params, _shown(name, raw))
                )
                values[name] = BAD
            else:
                values[name] = parsed
        try:
            values = rule(values)
        except CellError as exc:
            where = index.get(exc.column or "")
            raw = row[where] if where is not None and where < len(row) else None
            found.append(
                Problem(number, exc.column, exc.message, exc.params, _shown(exc.column or "", raw))
            )
        if found:
            result.problems.extend(found)
        else:
            result.good.append(Row(number, values))
    return result


_MISSING: Any = object()
MEMO_LIMIT = 10_000  # distinct cells remembered per column (ids in a column rarely repeat)


def _parsed(parse: Callable[[Cell], Any], memo: dict[Any, Any] | None, raw: Cell) -> Any:
    """parse(raw), or the CellError it raised, remembered per distinct cell in `memo`."""
    key = (raw.__class__, raw)  # by type too: 1, 1.0 and True are equal keys otherwise
    done = _MISSING if memo is None else memo.get(key, _MISSING)
    if done is _MISSING:
        try:
            done = parse(raw)
        except CellError as exc:
            done = exc
        if memo is not None and len(memo) < MEMO_LIMIT:
            memo[key] = done
    return done


def _shown(name: str, raw: Cell) -> str | None:
    if raw is None or name in SECRET_COLUMNS:
        return None
    return str(raw).replace("\x00", "\\0")[:SHOWN]


def _columns(kind: ImportKind, header: list[str], actor: User | None) -> dict[str, int]:
    known = COLUMNS[kind]
    unknown = [name for name in header if name and name not in known]
    if unknown:
        raise Invalid(
            N_("Unknown column “%(name)s”; the columns are: %(known)s."),
            "file",
            name=unknown[0][:40],
            known=", ".join(known),
        )
    required = list(REQUIRED[kind])
    if kind == ImportKind.BATCHES and (actor is None or actor.role != Role.VOLUNTEER):
        required.append("group")
    missing = [name for name in required if name not in header]
    if missing:
        raise Invalid(
            N_("The column “%(name)s” is missing; see the template."), "file", name=missing[0]
        )
    return {name: header.index(name) for name in known if name in header}


def _width(model: Any, column: str) -> int:
    return int(model.__table__.c[column].type.length)


def _plain(limit: int) -> Callable[[Cell], str | None]:
    return lambda raw: cells.text(raw, limit)


def _date(raw: Cell) -> date:
    value = cells.day(raw)
    try:
        return check_date(value, "date")
    except Invalid as exc:
        raise CellError(exc.template, None, **exc.params) from None


_PARSERS: dict[str, Callable[[Cell], Any]] = {
    "group": _plain(200),
    "location": _plain(200),
    "donor": _plain(200),
    "campaign": _plain(200),
    "holder": _plain(200),
    "item": _plain(32),
    "size": _plain(SIZE_LIMIT),
    "quantity": cells.quantity,
    "made_on": _date,
    "received_on": _date,
    "members": _plain(MEMBERS_LIMIT),
    "members_public": cells.flag,
    "currency": cells.currency,
    "status": _plain(16),
    "amount": lambda raw: raw,
    "channel": _plain(_width(MoneyDonation, "channel")),
    "earmark": _plain(_width(MoneyDonation, "earmark")),
}


def _checker(session: Session, actor: User | None, kind: ImportKind) -> Checker:
    from coordination.imports import rowrules

    if kind == ImportKind.BATCHES:
        return rowrules.batch_rule(lookups.items(session), lookups.groups(session, actor), actor)
    if kind == ImportKind.IN_KIND:
        return rowrules.in_kind_rule(
            lookups.items(session),
            lookups.places(session, actor),
            lookups.parties(session, DONOR_KINDS),
        )
    own_region = actor.region_id if actor is not None and actor.role == Role.COORDINATOR else None
    return rowrules.money_rule(
        lookups.parties(session, MONEY_KINDS),
        lookups.parties(session, [PartyKind.CAMPAIGN]),
        lookups.parties(session, [PartyKind.GROUP], own_region),
    )


def public_size(size: str) -> None:
    """A size goes into the ledger: refuse one shaped like a phone number there and then."""
    try:
        check_public({"size": size})
    except PersonalDataError:
        raise CellError(N_("This size cannot be recorded; check the cell."), "size") from None


def rows_of(checked: Checked) -> Iterator[dict[str, Any]]:
    for row in checked.good:
        yield row.values
