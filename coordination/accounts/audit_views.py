"""/admin/audit: the staff audit trail, read-only, with filters and pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordination.accounts.audit import StaffChange
from coordination.accounts.views import bp
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.paging import paged
from coordination.web.access import roles_required
from coordination.web.pages import list_args

# What a staff change can be about, and what was done, as the page names them.
TYPE_LABELS = {
    "user": _l("account"),
    "api_token": _l("API token"),
    "reset_link": _l("reset link"),
    "party": _l("party"),
    "location": _l("location"),
    "region": _l("region"),
    "item": _l("item"),
    "category": _l("category"),
    "kit_component": _l("kit component"),
}
TYPES = tuple(TYPE_LABELS)
ACTION_LABELS = {"created": _l("created"), "updated": _l("changed"), "deleted": _l("removed")}


def _day(raw: str | None) -> datetime | None:
    try:
        return datetime.combine(datetime.strptime((raw or "")[:10], "%Y-%m-%d").date(), time())
    except ValueError:
        return None


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def audit_trail() -> str:
    args = list_args()
    kind = request.args.get("type", "")
    kind = kind if kind in TYPES else ""
    actor = (request.args.get("actor") or "").strip().lower()[:64]
    since, until = _day(request.args.get("from")), _day(request.args.get("to"))
    stmt = select(StaffChange).order_by(StaffChange.id.desc())
    if kind:
        stmt = stmt.where(StaffChange.subject_type == kind)
    if actor:
        stmt = stmt.where(StaffChange.actor_name == actor)
    if since:
        stmt = stmt.where(StaffChange.at >= since.replace(tzinfo=UTC))
    if until:
        stmt = stmt.where(StaffChange.at < (until + timedelta(days=1)).replace(tzinfo=UTC))
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "admin/audit.html",
        rows=[(r, json.loads(r.changes)) for r in rows],
        page=page,
        pages=pages,
        total=total,
        types=TYPE_LABELS,
        actions=ACTION_LABELS,
        kind=kind,
        actor=actor,
        since=request.args.get("from", "")[:10] if since else "",
        until=request.args.get("to", "")[:10] if until else "",
    )
