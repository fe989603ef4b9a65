"""Every model the OpenAPI document describes has a schema name of its own.

Two classes with one name (two `LineOut`s once) made components hold only the last one
written, so every answer that used the other violated the published schema. The walk below
covers every pydantic model and enum reachable from the endpoint registry, nested fields
and generic arguments included.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from typing import Any

import pytest
from pydantic import BaseModel

from coordination.api.framework import REGISTRY
from coordination.api.openapi import SchemaNameClash, _name, _put, build_document


def _walk(tp: Any, found: dict[str, set[str]], seen: set[Any]) -> None:
    for arg in typing.get_args(tp):
        _walk(arg, found, seen)
    if not isinstance(tp, type) or tp in seen:
        return
    seen.add(tp)
    if issubclass(tp, enum.Enum):
        found[tp.__name__].add(f"{tp.__module__}.{tp.__qualname__}")
    elif issubclass(tp, BaseModel):
        found[_name(tp)].add(f"{tp.__module__}.{tp.__qualname__}")
        for field in tp.model_fields.values():
            _walk(field.annotation, found, seen)


def registered_models(app: Any, query: bool = True) -> dict[str, set[str]]:
    """Schema name -> the classes that would take it, from every registered endpoint."""
    found: dict[str, set[str]] = defaultdict(set)
    seen: set[Any] = set()
    for route in REGISTRY:
        for model in (route.query if query else None, route.body, route.response):
            _walk(model, found, seen)
    return found


def test_no_two_registered_models_share_a_name(app) -> None:
    found = registered_models(app)
    assert len(found) > 50  # the walk reaches the API's models, not just a few
    clashes = {name: sorted(paths) for name, paths in found.items() if len(paths) > 1}
    assert clashes == {}


def test_every_model_has_its_own_component(app) -> None:
    schemas = build_document()["components"]["schemas"]
    # Query models are spread into parameters; bodies and answers are components.
    names = registered_models(app, query=False)
    assert names.keys() <= schemas.keys(), sorted(names.keys() - schemas.keys())


def test_the_generator_refuses_a_clash() -> None:
    schemas: dict[str, Any] = {}
    _put(schemas, "LineOut", {"type": "object", "properties": {"a": {"type": "integer"}}})
    _put(schemas, "LineOut", {"type": "object", "properties": {"a": {"type": "integer"}}})
    with pytest.raises(SchemaNameClash, match="LineOut"):
        _put(schemas, "LineOut", {"type": "object", "properties": {"b": {"type": "string"}}})
