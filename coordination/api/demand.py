"""/api/v1/needs: open demand line by line, and the public needs board (no names)."""

from __future__ import annotations

from coordination.api import bp
from coordination.api.framework import endpoint, paginate
from coordination.api.needs import TAG
from coordination.db import db
from coordination.kernel.schemas import Page
from coordination.needs.access import (
    DEMAND_READERS,
)
from coordination.needs.queries import (
    MIN_PUBLIC_COUNT,
    board,
    demand_lines,
)
from coordination.needs.schemas import (
    BoardOut,
    DemandLineOut,
    NeedQuery,
    board_row_out,
    demand_out,
)

# These endpoints were part of api/needs.py; their names (api.needs_*) stay as they were.
ENDPOINT_PREFIX = "needs"


@endpoint(
    bp,
    "/needs/demand",
    "GET",
    "Open demand as anonymous lines",
    query=NeedQuery,
    response=Page[DemandLineOut],
    roles=DEMAND_READERS,
    tag=TAG,
)
def demand(query: NeedQuery) -> Page[DemandLineOut]:
    stmt = demand_lines((query.region or "").upper(), query.item or "")
    return paginate(db.session, stmt, query, demand_out)


@endpoint(
    bp,
    "/needs/board",
    "GET",
    "Public needs board: open demand by item, region and month; small counts suppressed",
    response=BoardOut,
    public=True,
    tag=TAG,
)
def needs_board() -> BoardOut:
    result = board(db.session)
    return BoardOut(
        min_count=MIN_PUBLIC_COUNT,
        suppressed=result.suppressed,
        rows=[board_row_out(r) for r in result.rows],
    )
