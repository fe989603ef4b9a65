"""Need pages for families and units (submit, follow, edit, cancel), the anonymous demand list
for volunteers and the public board. Coordinators' triage pages are in triage.py."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.paging import paged, parse_page
from coordination.kernel.text import clean_search
from coordination.needs import followup, services
from coordination.needs.access import DEMAND_READERS, NEED_READERS, SUBMITTERS, visible_need
from coordination.needs.forms import NeedForm, VersionForm, new_token
from coordination.needs.pages import labels, render_need, show_need_error
from coordination.needs.queries import MIN_PUBLIC_COUNT, board, demand_lines, needs_of_party
from coordination.parties.forms import all_regions, parse_version
from coordination.web.access import roles_required
from coordination.web.pages import actor
from coordination.web.ui import current_locale

bp = Blueprint("needs", __name__, url_prefix="/needs")
BOARD_PAGE_SIZE = 100
Page = str | tuple[str, int] | BaseResponse


def _form(fresh: bool = False) -> NeedForm:
    form = NeedForm(formdata=None) if fresh else NeedForm()
    return form.setup(db.session, current_locale(), _("— choose —"), _("— no hub —"))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*SUBMITTERS)
def new_need() -> Page:
    form = _form()
    if not form.is_submitted():
        form.submission_token.data = new_token()
        user = actor()
        if user.party is not None and user.party.region_id:
            form.region_id.data = user.party.region_id
    elif form.validate():
        try:
            need, created = services.submit_need(
                db.session, actor(), form.need_input(), form.submission_token.data or ""
            )
        except DomainError as exc:
            db.session.rollback()
            show_need_error(form, exc)
            if exc.field == "submission_token" or isinstance(exc, Conflict):
                form.submission_token.data = new_token()
        else:
            db.session.commit()
            flash(
                _("Need submitted.") if created else _("This need was already received."), "success"
            )
            return redirect(url_for("needs.view_need", need_id=need.id))
    status = 400 if form.is_submitted() else 200
    return render_template("needs/form.html", form=form, need=None, **labels()), status


@bp.route("/mine")
@roles_required(*SUBMITTERS)
def my_needs() -> str:
    rows, page, pages, total = paged(
        db.session,
        needs_of_party(actor().party_id or 0),
        parse_page(request.args.get("page")),
        int(current_app.config.get("PAGE_SIZE", 25)),
    )
    return render_template(
        "needs/mine.html", needs=rows, page=page, pages=pages, total=total, **labels()
    )


@bp.route("/<int:need_id>")
@roles_required(*NEED_READERS)
def view_need(need_id: int) -> Page:
    return render_need(visible_need(db.session, actor(), need_id))


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@roles_required(*SUBMITTERS)
def edit_need(need_id: int) -> Page:
    need = visible_need(db.session, actor(), need_id)
    form = _form()
    if not form.is_submitted():
        form.fill_from(need)
    elif form.validate():
        try:
            services.update_need(
                db.session, actor(), need, parse_version(form.version.data), form.need_input()
            )
        except Conflict as exc:
            db.session.rollback()
            form = _form(fresh=True)
            form.fill_from(visible_need(db.session, actor(), need_id))
            show_need_error(None, exc)
            return render_template("needs/form.html", form=form, need=need, **labels()), 409
        except DomainError as exc:
            db.session.rollback()
            show_need_error(form, exc)
        else:
            db.session.commit()
            flash(_("Need saved."), "success")
            return redirect(url_for("needs.view_need", need_id=need.id))
    status = 400 if form.is_submitted() else 200
    return render_template("needs/form.html", form=form, need=need, **labels()), status


@bp.route("/<int:need_id>/cancel", methods=["POST"])
@roles_required(*SUBMITTERS)
def cancel_need(need_id: int) -> Page:
    need = visible_need(db.session, actor(), need_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            services.cancel_need(db.session, actor(), need, parse_version(form.version.data))
        except Conflict as exc:
            db.session.rollback()
            show_need_error(None, exc)
            return render_need(visible_need(db.session, actor(), need_id), 409)
        db.session.commit()
        flash(_("Need cancelled."), "success")
    return redirect(url_for("needs.view_need", need_id=need.id))


@bp.route("/<int:need_id>/lines/<int:line_id>/withdraw", methods=["POST"])
@roles_required(*SUBMITTERS)
def withdraw_line(need_id: int, line_id: int) -> Page:
    """The family or unit no longer needs what is still missing on a line."""
    need = visible_need(db.session, actor(), need_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            followup.withdraw_line(
                db.session, actor(), need, parse_version(form.version.data), line_id
            )
        except DomainError as exc:
            db.session.rollback()
            show_need_error(None, exc)
            return render_need(visible_need(db.session, actor(), need_id), exc.status)
        db.session.commit()
        flash(_("Noted: the rest of this line is no longer asked for."), "success")
    return redirect(url_for("needs.view_need", need_id=need.id))


@bp.route("/demand")
@roles_required(*DEMAND_READERS)
def demand() -> str:
    region = clean_search(request.args.get("region"))[:16]
    rows, page, pages, total = paged(
        db.session,
        demand_lines(region),
        parse_page(request.args.get("page")),
        int(current_app.config.get("PAGE_SIZE", 25)),
    )
    return render_template(
        "needs/demand.html",
        lines=rows,
        page=page,
        pages=pages,
        total=total,
        region=region,
        regions=all_regions(db.session),
        **labels(),
    )


@bp.route("/board")
def board_page() -> str:
    # Paged: a page reads and renders at most BOARD_PAGE_SIZE cells, however many are open.
    per_page = int(current_app.config.get("BOARD_PAGE_SIZE", BOARD_PAGE_SIZE))
    result = board(db.session, parse_page(request.args.get("page")), per_page)
    return render_template("needs/board.html", board=result, min_count=MIN_PUBLIC_COUNT, **labels())


from coordination.needs import triage as _triage  # noqa: E402,F401  (registers routes)
