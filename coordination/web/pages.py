"""Small helpers for the admin pages (parties, locations, users, catalog)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.kernel.errors import Conflict, DomainError, message_parts
from coordination.kernel.paging import parse_page
from coordination.kernel.text import clean_search

if TYPE_CHECKING:
    # Only a type: at run time actor() returns whatever Flask-Login loaded.
    from coordination.accounts.models import User

E = TypeVar("E", bound=Enum)
Page = str | tuple[str, int] | BaseResponse


class Coded(Protocol):
    @property
    def code(self) -> str: ...


C = TypeVar("C", bound=Coded)


def actor() -> User:
    user: User = current_user._get_current_object()
    return user


def show_error(form: FlaskForm | None, exc: DomainError) -> None:
    """Put a refused input next to its field, or at the top of the page."""
    template, params = message_parts(exc)
    message = _(template, **params)
    field = getattr(form, exc.field or "", None) if form is not None else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        flash(message, "error")


@dataclass
class ListArgs:
    """The query string of a list page, read defensively: junk means "no filter"."""

    q: str
    page: int
    per_page: int
    region: str
    show: str

    @property
    def active(self) -> bool | None:
        return {"active": True, "inactive": False}.get(self.show)

    def url_args(self, **extra: Any) -> dict[str, Any]:
        args = {"q": self.q, "region": self.region, "show": self.show, **extra}
        return {k: v for k, v in args.items() if v and not (k == "show" and v == "active")}


def list_args() -> ListArgs:
    show = request.args.get("show", "active")
    region = clean_search(request.args.get("region"))[:16]
    return ListArgs(
        q=clean_search(request.args.get("q")),
        page=parse_page(request.args.get("page")),
        per_page=int(current_app.config.get("PAGE_SIZE", 25)),
        region=region,
        show=show if show in ("active", "inactive", "all") else "active",
    )


def enum_arg(name: str, enum: type[E]) -> E | None:
    raw = request.args.get(name, "")
    try:
        return enum(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class CodedNamePages:
    """The add and edit pages of a code + name_ru + name_en record (a region, a category)."""

    form_class: type[FlaskForm]
    template: str
    done_endpoint: str
    context_name: str

    def new(self, create: Callable[[Session, User, str, str, str], object], message: str) -> Page:
        def save(form: FlaskForm) -> object:
            data = (form.code.data, form.name_ru.data, form.name_en.data)
            return create(db.session, actor(), *(value or "" for value in data))

        return self._page(None, None, save, message)

    def edit(
        self,
        obj: C,
        update: Callable[[Session, User, C, str, str, str], object],
        stamp: Callable[[C], str],
        message: str,
    ) -> Page:
        def save(form: FlaskForm) -> object:
            data = (form.stamp.data, form.name_ru.data, form.name_en.data)
            return update(db.session, actor(), obj, *(value or "" for value in data))

        return self._page(obj, stamp, save, message)

    def _page(
        self,
        obj: C | None,
        stamp: Callable[[C], str] | None,
        save: Callable[[FlaskForm], object],
        message: str,
    ) -> Page:
        ctx = {self.context_name: obj}
        form = self.form_class(obj=obj)
        if obj is not None and stamp is not None:
            form.code.data = obj.code  # the code is what the ledger refers to; it never changes
            if not form.is_submitted():
                form.stamp.data = stamp(obj)
        if form.validate_on_submit():
            try:
                save(form)
            except DomainError as exc:
                if not (isinstance(exc, Conflict) and obj is not None and stamp is not None):
                    show_error(form, exc)
                else:
                    # Someone saved first: show their values with a fresh stamp, overwrite nothing.
                    show_error(None, exc)
                    form = self.form_class(formdata=None, obj=obj)
                    form.stamp.data = stamp(obj)
                    return render_template(self.template, form=form, **ctx), 409
            else:
                db.session.commit()
                flash(message, "success")
                return redirect(url_for(self.done_endpoint))
        status = 400 if form.is_submitted() else 200
        return render_template(self.template, form=form, **ctx), status
