"""Helpers for the needs tests: a small world and form posts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.kernel.actors import Role
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import Need
from coordination.parties.models import Region
from tests import factories as f


@dataclass
class World:
    region: Region
    socks: Item
    gloves: Item
    family: User
    family2: User
    unit: User
    coordinator: User
    coordinator2: User
    volunteer: User
    auditor: User


def world(session: Session) -> World:
    region = f.region(session, "RU-VLA")
    socks = f.item(
        session,
        code="WOOL-SOCKS",
        name_ru="Шерстяные носки",
        name_en="Wool socks",
        sizes=["39-41", "42-44"],
    )
    gloves = f.item(session, code="GLOVES", name_ru="Перчатки", name_en="Gloves")
    w = World(
        region,
        socks,
        gloves,
        f.user(session, Role.FAMILY),
        f.user(session, Role.FAMILY),
        f.user(session, Role.UNIT_REP),
        f.user(session, Role.COORDINATOR, region_id=region.id),
        f.user(session, Role.COORDINATOR, region_id=region.id),
        f.user(session, Role.VOLUNTEER),
        f.user(session, Role.AUDITOR),
    )
    session.commit()
    return w


def token() -> str:
    return secrets.token_urlsafe(24)


def submit(session: Session, user: User, w: World, quantity: int = 5, **kw: Any) -> Need:
    data = NeedInput(
        region_id=w.region.id,
        lines=[LineInput(item_id=w.socks.id, quantity=quantity, size="42-44")],
        **kw,
    )
    need, created = services.submit_need(session, user, data, token())
    assert created
    session.commit()
    return need


def form_data(w: World, tok: str | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission_token": tok or token(),
        "region_id": str(w.region.id),
        "delivery_kind": "region",
        "lines-0-item_id": str(w.socks.id),
        "lines-0-size": "42-44",
        "lines-0-quantity": "3",
        "lines-0-priority": "high",
        "lines-0-needed_by": "",
        "lines-0-note": "",
    }
    data.update(extra)
    return data
