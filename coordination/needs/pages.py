"""View helpers shared by the need pages."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from coordination.kernel.errors import DomainError, message_parts
from coordination.needs.access import can_triage, is_submitter
from coordination.needs.forms import (
    DELIVERY_LABELS,
    PRIORITY_LABELS,
    CommentForm,
    MergeForm,
    ReasonForm,
    VersionForm,
)
from coordination.needs.models import Need, NeedEventKind, NeedStatus
from coordination.web.pages import actor


def _status_labels() -> dict[NeedStatus, str]:
    return {
        NeedStatus.SUBMITTED: _("Submitted"),
        NeedStatus.APPROVED: _("Approved"),
        NeedStatus.REJECTED: _("Rejected"),
        NeedStatus.PARTIALLY_FULFILLED: _("Partially fulfilled"),
        NeedStatus.FULFILLED: _("Fulfilled"),
        NeedStatus.CANCELLED: _("Cancelled"),
    }


def _event_labels() -> dict[NeedEventKind, str]:
    return {
        NeedEventKind.SUBMITTED: _("Submitted"),
        NeedEventKind.EDITED: _("Edited"),
        NeedEventKind.APPROVED: _("Approved"),
        NeedEventKind.REJECTED: _("Rejected"),
        NeedEventKind.LINE_UNAVAILABLE: _("A line marked unavailable"),
        NeedEventKind.MERGED: _("Merged into another need"),
        NeedEventKind.CANCELLED: _("Cancelled"),
        NeedEventKind.COMMENT: _("Comment"),
    }


def labels() -> dict[str, Any]:
    return {
        "status_labels": _status_labels(),
        "event_labels": _event_labels(),
        "priority_labels": PRIORITY_LABELS,
        "delivery_labels": DELIVERY_LABELS,
    }


def show_need_error(form: FlaskForm | None, exc: DomainError) -> None:
    """Put a refused input next to its field (a line's field too), or at the top."""
    template, params = message_parts(exc)
    message = _(template, **params)
    target = None
    name = exc.field or ""
    if form is not None and name.startswith("lines-"):
        _prefix, slot, sub = name.split("-", 2)
        entries = form.lines.entries
        if slot.isdigit() and int(slot) < len(entries):
            target = getattr(entries[int(slot)].form, sub, None)
    elif form is not None and name:
        target = getattr(form, name, None)
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(message)
    else:
        flash(message, "error")


def render_need(need: Need, status: int = 200) -> tuple[str, int]:
    user = actor()
    triager = can_triage(user)
    events = [e for e in need.events if triager or e.kind != NeedEventKind.COMMENT]
    version = VersionForm(formdata=None)
    version.version.data = str(need.version)
    reason = ReasonForm(formdata=None)
    reason.version.data = str(need.version)
    merge = MergeForm(formdata=None)
    merge.version.data = str(need.version)
    return render_template(
        "needs/detail.html",
        need=need,
        events=events,
        triager=triager,
        own=is_submitter(user, need),
        version_form=version,
        reason_form=reason,
        merge_form=merge,
        comment_form=CommentForm(formdata=None),
        **labels(),
    ), status
