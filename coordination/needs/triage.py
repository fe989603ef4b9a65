"""Coordinators' pages: the triage queue and the decisions on one need."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response as BaseResponse

from coordination.catalog.models import Item
from coordination.catalog.ordering import by_name
from coordination.db import db
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.paging import paged, parse_page
from coordination.kernel.text import clean_search
from coordination.needs import services
from coordination.needs.access import (
    TRIAGERS,
    scoped,
    sees_all_regions,
    visible_by_public_id,
    visible_need,
)
from coordination.needs.forms import CommentForm, MergeForm, ReasonForm, VersionForm
from coordination.needs.models import Need, NeedLine, NeedStatus, Priority
from coordination.needs.pages import labels, render_need, show_need_error
from coordination.needs.queries import TriageFilter, top_priority, triage_queue, waited_days
from coordination.needs.views import bp
from coordination.parties.forms import all_regions, parse_version
from coordination.web.access import roles_required
from coordination.web.pages import actor, enum_arg
from coordination.web.ui import current_locale

Page = str | tuple[str, int] | BaseResponse
AGES = (1, 3, 7, 30)


def _filter() -> TriageFilter:
    status_raw = request.args.get("status", NeedStatus.SUBMITTED.value)
    age = request.args.get("age", "")
    return TriageFilter(
        q=clean_search(request.args.get("q")),
        region=clean_search(request.args.get("region"))[:16],
        item=clean_search(request.args.get("item"))[:32],
        priority=enum_arg("priority", Priority),
        status=None
        if status_raw == "all"
        else enum_arg("status", NeedStatus) or (NeedStatus.SUBMITTED if not status_raw else None),
        # Compared as text: int() of any digit string may raise (other scripts' digits pass
        # isdigit(), and very long ones exceed Python's conversion limit).
        older_than_days=next((a for a in AGES if str(a) == age), None),
    )


@bp.route("/")
@roles_required(*TRIAGERS)
def triage() -> str:
    user = actor()
    everywhere = sees_all_regions(user)
    f = _filter()
    if not everywhere:
        f.region = ""  # a coordinator's region is fixed by its account, not by the filter
    rows, page, pages, total = paged(
        db.session,
        # Each row shows its region and its lines' items: loaded for the page, not per row.
        scoped(user, triage_queue(f)).options(
            joinedload(Need.region), selectinload(Need.lines).joinedload(NeedLine.item)
        ),
        parse_page(request.args.get("page")),
        int(current_app.config.get("PAGE_SIZE", 25)),
    )
    args = {
        "q": f.q,
        "region": f.region,
        "item": f.item,
        "priority": f.priority.value if f.priority else "",
        "status": f.status.value if f.status else "all",
        "age": str(f.older_than_days or ""),
    }
    return render_template(
        "needs/triage.html",
        needs=rows,
        page=page,
        pages=pages,
        total=total,
        f=f,
        args=args,
        url_args={k: v for k, v in args.items() if v},
        ages=AGES,
        regions=all_regions(db.session),
        everywhere=everywhere,
        own_region=user.region,
        items=by_name(
            db.session.scalars(select(Item).where(Item.active.is_(True))), current_locale()
        ),
        top_priority=top_priority,
        waited=waited_days,
        **labels(),
    )


def _decide(need_id: int, form: FlaskForm, act: Callable[[Need], object], done: str) -> Page:
    """Validate, act, commit and go back to the need; a conflict shows the current state."""
    need = visible_need(db.session, actor(), need_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return render_need(need, 400)
    try:
        act(need)
    except Conflict as exc:
        db.session.rollback()
        show_need_error(None, exc)
        return render_need(visible_need(db.session, actor(), need_id), 409)
    except DomainError as exc:
        db.session.rollback()
        show_need_error(None, exc)
        return render_need(visible_need(db.session, actor(), need_id), exc.status)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("needs.view_need", need_id=need_id))


def _version(form: FlaskForm) -> int:
    return parse_version(form.version.data)


@bp.route("/<int:need_id>/approve", methods=["POST"])
@roles_required(*TRIAGERS)
def approve(need_id: int) -> Page:
    form = VersionForm()
    return _decide(
        need_id,
        form,
        lambda n: services.approve_need(db.session, actor(), n, _version(form)),
        _("Need approved."),
    )


@bp.route("/<int:need_id>/reject", methods=["POST"])
@roles_required(*TRIAGERS)
def reject(need_id: int) -> Page:
    form = ReasonForm()
    return _decide(
        need_id,
        form,
        lambda n: services.reject_need(db.session, actor(), n, _version(form), form.reason.data),
        _("Need rejected."),
    )


@bp.route("/<int:need_id>/lines/<int:line_id>/unavailable", methods=["POST"])
@roles_required(*TRIAGERS)
def line_unavailable(need_id: int, line_id: int) -> Page:
    form = ReasonForm()
    return _decide(
        need_id,
        form,
        lambda n: services.mark_line_unavailable(
            db.session, actor(), n, _version(form), line_id, form.reason.data
        ),
        _("Line marked unavailable."),
    )


@bp.route("/<int:need_id>/merge", methods=["POST"])
@roles_required(*TRIAGERS)
def merge(need_id: int) -> Page:
    form = MergeForm()

    def act(need: Need) -> object:
        into = visible_by_public_id(db.session, actor(), form.into.data)
        if into is None:
            raise services.Invalid(services.NO_SUCH_NEED, "into")
        return services.merge_need(db.session, actor(), need, _version(form), into)

    return _decide(need_id, form, act, _("Need merged."))


@bp.route("/<int:need_id>/comment", methods=["POST"])
@roles_required(*TRIAGERS)
def comment(need_id: int) -> Page:
    form = CommentForm()
    return _decide(
        need_id,
        form,
        lambda n: services.comment_need(db.session, actor(), n, form.text.data),
        _("Comment added."),
    )
