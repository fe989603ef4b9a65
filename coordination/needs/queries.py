"""Reading needs: the triage queue, a submitter's list, anonymous demand and the public board."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import Session, joinedload

from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.kernel.paging import search_clause
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine, NeedStatus, Priority
from coordination.parties.models import Region

# Fewer distinct households and units than this behind a board cell and it could point at
# one of them. Parties, not needs: one household submitting five needs is still one household.
MIN_PUBLIC_COUNT = 5


# Priority by meaning, most urgent first: the stored values sort alphabetically otherwise
# ("high", "low", "normal", "urgent"), which put urgent needs last.
PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def priority_rank(column: Any) -> Any:
    return case(
        {p: rank for rank, p in enumerate(PRIORITY_ORDER)}, value=column, else_=len(PRIORITY_ORDER)
    )


def top_priority(need: Need) -> Priority:
    """The most urgent priority among a need's lines still wanted."""
    ranks = [PRIORITY_ORDER.index(ln.priority) for ln in need.lines if not ln.unavailable]
    return PRIORITY_ORDER[min(ranks)] if ranks else Priority.NORMAL


def waited_days(since: datetime) -> int:
    """Whole days a need has waited (SQLite returns naive UTC times, PostgreSQL aware ones)."""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return max((utcnow() - since).days, 0)


@dataclass
class TriageFilter:
    q: str = ""
    region: str = ""
    item: str = ""
    priority: Priority | None = None
    status: NeedStatus | None = NeedStatus.SUBMITTED
    older_than_days: int | None = None


def triage_queue(f: TriageFilter) -> Select[Any]:
    """Most urgent first, then oldest: what is urgent and waits longest is decided first."""
    top = (
        select(func.min(priority_rank(NeedLine.priority)))
        .where(NeedLine.need_id == Need.id)
        .scalar_subquery()
    )
    stmt = select(Need).order_by(top, Need.created_at, Need.id)
    if f.status is not None:
        stmt = stmt.where(Need.status == f.status)
    if f.region:
        stmt = stmt.join(Region, Need.region_id == Region.id).where(Region.code == f.region)
    line = select(NeedLine.id).where(NeedLine.need_id == Need.id)
    if f.item:
        line = line.join(Item, NeedLine.item_id == Item.id).where(Item.code == f.item)
    if f.priority is not None:
        line = line.where(NeedLine.priority == f.priority)
    if f.item or f.priority is not None:
        stmt = stmt.where(exists(line))
    if f.older_than_days:
        stmt = stmt.where(Need.created_at <= utcnow() - timedelta(days=f.older_than_days))
    if f.q:
        by_item = (
            select(NeedLine.id)
            .join(Item, NeedLine.item_id == Item.id)
            .where(NeedLine.need_id == Need.id)
            .where(search_clause(f.q, Item.code, Item.name_ru, Item.name_en))
        )
        stmt = stmt.where(search_clause(f.q, Need.public_id) | exists(by_item))
    return stmt


def needs_of_party(party_id: int) -> Select[Any]:
    return select(Need).where(Need.party_id == party_id).order_by(Need.created_at.desc(), Need.id)


def demand_lines(region: str = "", item: str = "") -> Select[Any]:
    """Open demand line by line, for volunteers: the views print only anonymous columns."""
    stmt = (
        select(NeedLine)
        .join(Need, NeedLine.need_id == Need.id)
        .where(Need.status.in_(OPEN_DEMAND), NeedLine.unavailable.is_(False))
        .options(joinedload(NeedLine.need).joinedload(Need.region), joinedload(NeedLine.item))
        .order_by(priority_rank(NeedLine.priority), Need.created_at, NeedLine.id)
    )
    if region:
        stmt = stmt.join(Region, Need.region_id == Region.id).where(Region.code == region)
    if item:
        stmt = stmt.join(Item, NeedLine.item_id == Item.id).where(Item.code == item)
    return stmt


@dataclass
class BoardRow:
    item: Item
    region: Region
    month: str
    remaining: int
    needs: int
    parties: int  # distinct households and units asking


@dataclass
class Board:
    rows: list[BoardRow]
    suppressed: int  # cells left out because too few households and units contribute


@dataclass
class _Cell:
    remaining: int = 0
    needs: set[int] = field(default_factory=set)
    parties: set[int] = field(default_factory=set)


def board(session: Session) -> Board:
    """Open demand by item × region × month of submission; a cell is shown only when at least
    MIN_PUBLIC_COUNT distinct submitting parties contribute to it."""
    rows = session.execute(
        select(NeedLine, Need.id, Need.party_id, Need.region_id, Need.created_at)
        .join(Need, NeedLine.need_id == Need.id)
        .where(Need.status.in_(OPEN_DEMAND), NeedLine.unavailable.is_(False))
    ).all()
    cells: dict[tuple[int, int, str], _Cell] = defaultdict(_Cell)
    for line, need_id, party_id, region_id, created_at in rows:
        if line.remaining <= 0:
            continue
        cell = cells[(line.item_id, region_id, created_at.strftime("%Y-%m"))]
        cell.remaining += line.remaining
        cell.needs.add(need_id)
        cell.parties.add(party_id)
    items = {i.id: i for i in session.scalars(select(Item))}
    regions = {r.id: r for r in session.scalars(select(Region))}
    shown, suppressed = [], 0
    for (item_id, region_id, month), cell in cells.items():
        if len(cell.parties) < MIN_PUBLIC_COUNT:
            suppressed += 1
            continue
        shown.append(
            BoardRow(
                items[item_id],
                regions[region_id],
                month,
                cell.remaining,
                len(cell.needs),
                len(cell.parties),
            )
        )
    shown.sort(key=lambda r: (r.month, r.region.code, r.item.code), reverse=False)
    shown.sort(key=lambda r: r.month, reverse=True)
    return Board(shown, suppressed)
