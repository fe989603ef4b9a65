"""One rule per import kind: take a row's parsed cells and resolve its references.

`cells` holds the row's parsed cells by column name (absent when blank, BAD when the
cell was refused already, so checks that depend on it are skipped); a CellError raised
here names its column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coordination.accounts.models import User
from coordination.donations.models import MoneyStatus
from coordination.imports.cells import BAD, CellError
from coordination.imports.lookups import Directory, ItemRef, Ref
from coordination.kernel.actors import Role
from coordination.kernel.text import N_

Cells = dict[str, Any]
Rule = Callable[[Cells], dict[str, Any]]
STATUSES = {
    "": MoneyStatus.RECEIVED,
    "received": MoneyStatus.RECEIVED,
    "получено": MoneyStatus.RECEIVED,
    "pledged": MoneyStatus.PLEDGED,
    "обещано": MoneyStatus.PLEDGED,
}


def _ok(*values: Any) -> bool:
    return BAD not in values


def _item(c: Cells, catalog: dict[str, ItemRef]) -> tuple[ItemRef | None, str | None]:
    from coordination.imports.checks import public_size

    code, size = c.get("item"), c.get("size")
    if not _ok(code):
        return None, None
    if code is None:
        raise _missing("item")
    item = catalog.get(code.casefold())
    if item is None:
        raise CellError(
            N_("Unknown item code “%(code)s”: use a code from the catalog."), "item", code=code[:32]
        )
    if not _ok(size):
        return None, None
    if size is not None and item.sizes and size not in item.sizes:
        raise CellError(
            N_("Choose one of this item's sizes: %(sizes)s."),
            "size",
            sizes=", ".join(sorted(item.sizes)),
        )
    if size is not None and not item.sizes:
        public_size(size)
    return item, size


def _item_checker(catalog: dict[str, ItemRef]) -> Callable[[Cells], tuple[Any, Any]]:
    """_item for one file, each distinct (code, size) checked once: rows repeat a few."""
    memo: dict[tuple[Any, Any], Any] = {}

    def check(c: Cells) -> tuple[Any, Any]:
        key = (c.get("item"), c.get("size"))
        done = memo.get(key)
        if done is None:
            try:
                done = _item(c, catalog)
            except CellError as exc:
                done = exc
            if len(memo) < 1000:
                memo[key] = done
        if isinstance(done, CellError):
            raise CellError(done.message, done.column, **done.params)
        return done

    return check


def _missing(column: str) -> CellError:
    return CellError(N_("The “%(name)s” cell is empty."), column, name=column)


def _find(directory: Directory, value: str | None, column: str, unknown: str) -> Ref | None:
    if value is None:
        return None
    try:
        return directory.find(value, unknown)
    except CellError as exc:
        raise CellError(exc.message, column, **exc.params) from None


def batch_rule(catalog: dict[str, ItemRef], groups: Directory, actor: User | None) -> Rule:
    own = None
    if actor is not None and actor.role == Role.VOLUNTEER:
        own = next(iter(groups.by_id.values()), None)
    item_of = _item_checker(catalog)

    def rule(c: Cells) -> dict[str, Any]:
        name, quantity, made_on = c.get("group"), c.get("quantity"), c.get("made_on")
        members, public = c.get("members"), c.get("members_public")
        item, size = item_of(c)
        group = own if name is None and own is not None else None
        if group is None and _ok(name):
            if name is None:
                raise _missing("group")
            group = _find(
                groups,
                name,
                "group",
                N_("Unknown group: use a group you log batches for, by name or public id."),
            )
        if group is not None and group.place is None:
            raise CellError(
                N_(
                    "This group has no location to keep its stock yet: "
                    "ask a coordinator to add one."
                ),
                "group",
            )
        if quantity is None or made_on is None:
            raise _missing("quantity" if quantity is None else "made_on")
        return {
            "group": group,
            "item": item,
            "size": size,
            "quantity": quantity,
            "made_on": made_on,
            "members": members,
            "members_public": bool(_ok(public) and public and members),
        }

    return rule


def in_kind_rule(catalog: dict[str, ItemRef], places: Directory, donors: Directory) -> Rule:
    item_of = _item_checker(catalog)

    def rule(c: Cells) -> dict[str, Any]:
        place_name, donor_name = c.get("location"), c.get("donor")
        quantity, received_on = c.get("quantity"), c.get("received_on")
        item, size = item_of(c)
        place = _find(
            places, place_name, "location", N_("Unknown location: use a place you keep stock at.")
        )
        if place_name is None:
            raise _missing("location")
        donor = _find(
            donors,
            donor_name,
            "donor",
            N_("Unknown donor: use a donor's name or public id, or leave it empty."),
        )
        if quantity is None or received_on is None:
            raise _missing("quantity" if quantity is None else "received_on")
        return {
            "location": place,
            "donor": donor,
            "item": item,
            "size": size,
            "quantity": quantity,
            "received_on": received_on,
        }

    return rule


def money_rule(donors: Directory, campaigns: Directory, holders: Directory) -> Rule:
    from coordination.imports import cells

    def rule(c: Cells) -> dict[str, Any]:
        code, raw_amount, received_on = c.get("currency"), c.get("amount"), c.get("received_on")
        status, channel, earmark = c.get("status"), c.get("channel"), c.get("earmark")
        amount = None
        if _ok(code, raw_amount):
            if raw_amount is None:
                raise _missing("amount")
            try:
                amount = cells.amount(raw_amount, code or "RUB")
            except CellError as exc:
                raise CellError(exc.message, "amount", **exc.params) from None
        state = STATUSES.get((status or "").casefold()) if _ok(status) else MoneyStatus.RECEIVED
        if state is None:
            raise CellError(N_("Enter the status as received or pledged."), "status")
        donor = _find(
            donors,
            c.get("donor"),
            "donor",
            N_("Unknown donor: use a donor's name or public id, or leave it empty."),
        )
        campaign = _find(
            campaigns,
            c.get("campaign"),
            "campaign",
            N_("Unknown campaign: use its name or public id."),
        )
        holder = _find(
            holders,
            c.get("holder"),
            "holder",
            N_("Unknown group: use the holding group's name or public id."),
        )
        if received_on is None:
            raise _missing("received_on")
        return {
            "donor": donor,
            "amount": amount,
            "currency": code or "RUB",
            "received_on": received_on,
            "status": state,
            "campaign": campaign,
            "holder": holder,
            "channel": channel,
            "earmark": earmark,
        }

    return rule
