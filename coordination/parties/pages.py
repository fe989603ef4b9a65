"""Small helpers for the admin pages (parties, locations, users, catalog)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from flask import current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from coordination.accounts.models import User
from coordination.errors import DomainError
from coordination.parties.shared import clean_search, message_parts, parse_page

E = TypeVar("E", bound=Enum)


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
