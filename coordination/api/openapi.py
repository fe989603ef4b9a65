"""OpenAPI 3.1 document built from the endpoint registry and its pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, TypeAdapter

from coordination.api.framework import REGISTRY, ApiRoute

REF = "#/components/schemas/{model}"
PROBLEM = {
    "description": "Problem",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Problem": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["title", "status"],
        }
    }
    paths: dict[str, dict[str, Any]] = {}
    for route in REGISTRY:
        paths.setdefault("/api/v1" + route.rule, {})[route.method.lower()] = _operation(
            route, schemas
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": "AidTrail API", "version": "1"},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }


def _schema(model: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    adapter = TypeAdapter(model)
    schema = adapter.json_schema(ref_template=REF)
    for name, sub in schema.pop("$defs", {}).items():
        _put(schemas, name, sub)
    if isinstance(model, type) and issubclass(model, BaseModel):
        name = _name(model)
        _put(schemas, name, schema)
        return {"$ref": REF.format(model=name)}
    return schema


class SchemaNameClash(RuntimeError):
    """Two different schemas want one name in components: one would silently replace the
    other, and answers would then be checked against the wrong schema."""


def _put(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    known = schemas.get(name)
    if known is not None and known != schema:
        raise SchemaNameClash(f"two different schemas are both named {name!r}")
    schemas[name] = schema


def _name(model: type[BaseModel]) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", model.__name__)


def _operation(route: ApiRoute, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.endpoint,
        "tags": route.tags,
    }
    params: list[dict[str, Any]] = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
        for n in re.findall(r"\{(\w+)\}", route.rule)
    ]
    if route.query is not None:
        qs = route.query.model_json_schema(ref_template=REF)
        # Enums and nested models in a query land in components, like body schemas do.
        for name, sub in qs.pop("$defs", {}).items():
            _put(schemas, name, sub)
        required = set(qs.get("required", []))
        for name, prop in qs.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(route.body, schemas)}},
        }
    if route.upload is not None:
        part = {"type": "string", "format": "binary"}
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [route.upload],
                        "properties": {route.upload: part},
                    }
                }
            },
        }
    ok: dict[str, Any] = {"description": "Success"}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": _schema(route.response, schemas)}}
    op["responses"] = {str(route.status): ok, "400": PROBLEM, "404": PROBLEM}
    if route.method != "GET":
        # Writes can meet a concurrent change (version columns, unique submission tokens).
        op["responses"]["409"] = PROBLEM
    if not route.public:
        op["security"] = [{"bearer": []}]
        op["responses"].update({"401": PROBLEM, "403": PROBLEM})
    return op
