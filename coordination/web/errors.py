"""The error pages: HTML for people, problem+json for the API."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import psycopg
from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from coordination.kernel.errors import DomainError

log = logging.getLogger("aidtrail")


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None, **extra: object) -> Response:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    resp = jsonify(body)
    resp.status_code = status
    resp.mimetype = "application/problem+json"
    return resp


TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


# Last resort when even the error template fails; static text, no inline script or style.
FALLBACK_PAGE = (
    '<!doctype html><html lang="ru"><meta charset="utf-8"><title>{status}</title>'
    "<h1>{status}</h1><p>AidTrail не может сейчас ответить. Повторите попытку чуть позже.</p>"
    '<p lang="en">AidTrail cannot answer right now. Try again shortly.</p></html>'
)


def _page(status: int, message: str | None = None) -> tuple[str, int]:
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception as exc:
        # Usually the failure that brought us here again (the page loads the signed-in user
        # for its menu and language): retry as a visitor, then fall back to plain text.
        log.error("error page failed: %s", type(exc).__name__)
        _forget_user()
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:
        return FALLBACK_PAGE.format(status=status), status


def _forget_user() -> None:
    """Treat the rest of this request as a visitor's, so nothing loads the user again."""
    from coordination.extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | tuple[str, int]:
        status = exc.code or 500
        if wants_problem_json():
            resp = problem(status, TITLES.get(status, exc.name), exc.description)
        else:
            resp = app.make_response(_page(status))
        # Keep headers the exception carries (Retry-After on 429, Allow on 405).
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                resp.headers[key] = value
        return resp

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response | tuple[str, int]:
        if wants_problem_json():
            return problem(exc.status, TITLES.get(exc.status, "Error"), exc.message)
        return _page(exc.status, exc.message)

    @app.errorhandler(OperationalError)
    # Hot paths (the ledger append) run statements straight on the driver, whose errors
    # arrive unwrapped by SQLAlchemy.
    @app.errorhandler(sqlite3.OperationalError)
    @app.errorhandler(psycopg.OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def _db_down(exc: Exception) -> Response | tuple[str, int]:
        # Database unreachable, restarting, locked or full: say so plainly; nothing was
        # half-written because the transaction rolls back with the request. The next
        # request gets a fresh connection (pool_pre_ping on servers), so service resumes
        # by itself once the database is back.
        full = is_disk_full(exc)
        log.error("database unavailable: %s%s", type(exc).__name__, " (full)" if full else "")
        _rollback()
        # The menu and language of the page would load the user from the database again.
        _forget_user()
        if full:
            message = _(
                "The database has no room left, so nothing was saved. "
                "The administrators need to free disk space; try again later."
            )
        else:
            message = _("The database is unavailable; try again shortly.")
        if wants_problem_json():
            resp = problem(503, TITLES[503], message)
        else:
            resp = app.make_response(_page(503, message))
        resp.headers["Retry-After"] = "5"
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response | tuple[str, int]:
        # Log the type and route only: exception text may quote personal data from a query.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url_rule)
        _rollback()
        if wants_problem_json():
            return problem(500, TITLES[500])
        return _page(500)


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100): only the code is read, never
    the message text, which may quote the statement's personal data."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL":
        return True
    return getattr(orig, "sqlstate", None) == "53100"


def _rollback() -> None:
    from coordination.db import db

    with contextlib.suppress(Exception):  # the connection may be the thing that failed
        db.session.rollback()
