"""Reading needs: the triage queue, a submitter's list, anonymous demand and the public board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, func, select
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
    shown: int = 0  # cells shown over all pages
    page: int = 1
    pages: int = 1


def _remaining() -> ColumnElement[int]:
    """NeedLine.remaining in SQL: quantity less the furthest of allocated, dispatched and
    received (CASE, not GREATEST: SQLite has no GREATEST). Only lines above 0 count."""
    a, d, r = NeedLine.quantity_allocated, NeedLine.quantity_dispatched, NeedLine.quantity_received
    done = case((and_(a >= d, a >= r), a), (d >= r, d), else_=r)
    return NeedLine.quantity - done


def _month(session: Session) -> ColumnElement[str]:
    """ "2026-11" from Need.created_at (stored in UTC on both backends)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Need.created_at), "YYYY-MM")
    return func.substr(Need.created_at, 1, 7)  # SQLite keeps ISO text: "2026-11-03 ..."


def _cells(session: Session) -> Any:
    """One row per item × region × month of open demand, summed in the database: a page
    reads its cells without loading every open line into Python."""
    remaining, month = _remaining(), _month(session).label("month")
    return (
        select(
            NeedLine.item_id.label("item_id"),
            Need.region_id.label("region_id"),
            month,
            func.sum(remaining).label("remaining"),
            func.count(distinct(Need.id)).label("needs"),
            func.count(distinct(Need.party_id)).label("parties"),
        )
        .join(Need, NeedLine.need_id == Need.id)
        .where(Need.status.in_(OPEN_DEMAND), NeedLine.unavailable.is_(False), remaining > 0)
        .group_by(NeedLine.item_id, Need.region_id, month)
        .subquery()
    )


def board(session: Session, page: int = 1, per_page: int | None = None) -> Board:
    """Open demand by item × region × month of submission; a cell is shown only when at least
    MIN_PUBLIC_COUNT distinct submitting parties contribute to it. Newest month first; with
    `per_page`, one page of the shown cells (the API reads them all)."""
    cells = _cells(session)
    public = cells.c.parties >= MIN_PUBLIC_COUNT
    shown_count, suppressed = session.execute(
        select(
            func.coalesce(func.sum(case((public, 1), else_=0)), 0),
            func.coalesce(func.sum(case((public, 0), else_=1)), 0),
        )
    ).one()
    stmt = (
        select(cells, Item, Region)
        .join(Item, Item.id == cells.c.item_id)
        .join(Region, Region.id == cells.c.region_id)
        .where(public)
        .order_by(cells.c.month.desc(), Region.code, Item.code)
    )
    pages = 1
    if per_page is not None:
        pages = max(1, -(-int(shown_count) // per_page))
        page = min(max(page, 1), pages)
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = [
        BoardRow(item, region, c.month, int(c.remaining), int(c.needs), int(c.parties))
        for c, item, region in ((row, row.Item, row.Region) for row in session.execute(stmt))
    ]
    return Board(rows, int(suppressed), int(shown_count), page, pages)
