"""A small typed layer over Flask for /api/v1.

Each endpoint declares pydantic models for its query, body and response. The same models
validate requests and generate /api/v1/openapi.json, so the description cannot drift from
what the code accepts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from coordination.accounts.audit import act_as
from coordination.accounts.auth import user_for_bearer
from coordination.accounts.models import User
from coordination.api.bodies import read_json_body
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.schemas import Page, PageQuery
from coordination.web.errors import problem

T = TypeVar("T")


@dataclass
class ApiRoute:
    rule: str
    method: str
    summary: str
    endpoint: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: Any
    status: int
    public: bool
    roles: tuple[Role, ...]
    tags: list[str] = field(default_factory=list)
    # The multipart/form-data part holding an uploaded file, for endpoints whose body is a
    # file rather than JSON (the view reads request.files itself; this documents it).
    upload: str | None = None


REGISTRY: list[ApiRoute] = []


def api_user() -> User:
    user: User = g.api_user
    return user


def _flask_rule(rule: str) -> str:
    # OpenAPI writes {id}; Flask needs <int:id>. Path parameters here are always integers.
    import re

    return re.sub(r"\{(\w+)\}", r"<int:\1>", rule)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    *,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    public: bool = False,
    roles: tuple[Role, ...] = tuple(Role),
    tag: str = "general",
    upload: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        # Named after the module (money_list_money); a module split off another keeps the
        # old names through ENDPOINT_PREFIX, so links and the access table do not change.
        module = sys.modules[view.__module__]
        prefix = getattr(module, "ENDPOINT_PREFIX", view.__module__.rsplit(".", 1)[-1])
        name = f"{prefix}_{view.__name__}"
        REGISTRY.append(
            ApiRoute(
                rule,
                method,
                summary,
                name,
                query,
                body,
                response,
                status,
                public,
                roles,
                [tag],
                upload,
            )
        )

        @wraps(view)
        def wrapped(**path: Any) -> Response | tuple[Response, int]:
            if not public:
                user = user_for_bearer(request.headers.get("Authorization"))
                if user is None:
                    resp = problem(
                        401,
                        "Unauthorized",
                        "Send a valid API token as 'Authorization: Bearer TOKEN'.",
                    )
                    resp.headers["WWW-Authenticate"] = 'Bearer realm="aidtrail"'
                    return resp
                if user.role not in roles:
                    return problem(403, "Forbidden", "Your role cannot use this endpoint.")
                g.api_user = user
                act_as(db.session, user)
            kwargs: dict[str, Any] = dict(path)
            try:
                if query is not None:
                    kwargs["query"] = query.model_validate(request.args.to_dict())
                if body is not None:
                    data, refusal = read_json_body()
                    if refusal is not None:
                        return problem(400, "Bad request", refusal)
                    if not isinstance(data, dict):
                        return problem(400, "Bad request", "The body must be a JSON object.")
                    kwargs["body"] = body.model_validate(data)
            except ValidationError as exc:
                return problem(
                    400, "Bad request", "The request did not validate.", errors=_errors(exc)
                )
            result = view(**kwargs)
            return _respond(result, status)

        bp.add_url_rule(_flask_rule(rule), endpoint=name, view_func=wrapped, methods=[method])
        return wrapped

    return decorator


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    # Field paths and messages only: echoing the rejected input could reflect personal data.
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _respond(result: Any, status: int) -> Response | tuple[Response, int]:
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple):
        result, status = result
    if isinstance(result, BaseModel):
        return jsonify(result.model_dump(mode="json")), status
    if result is None:
        return Response(status=204)
    return jsonify(result), status


def paginate(
    session: Session, stmt: Select[Any], query: PageQuery, convert: Callable[[Any], T]
) -> Page[T]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page))
    return Page[T](
        items=[convert(r) for r in rows],
        page=query.page,
        per_page=query.per_page,
        total=total,
        pages=max(1, -(-total // query.per_page)),
    )
