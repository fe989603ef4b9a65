"""Plain factory functions: build valid objects with the fewest arguments a test needs."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coordination.accounts import services as accounts
from coordination.accounts.models import ROLE_PARTY_KIND, User
from coordination.catalog.models import Item, UnitOfMeasure
from coordination.kernel.actors import Role
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _region_code(n: int) -> str:
    # ISO 3166-2 shape (the API's RegionCode: two letters, 1-3 alphanumerics), however many
    # regions a worker has made; the leading 9 keeps it apart from the demo's real codes.
    n %= 36 * 36
    return f"RU-9{_B36[n // 36]}{_B36[n % 36]}"


def region(session: Session, code: str | None = None) -> Region:
    n = next(_seq)
    r = Region(code=code or _region_code(n), name_ru=f"Регион {n}", name_en=f"Region {n}")
    session.add(r)
    session.flush()
    return r


def party(session: Session, kind: PartyKind = PartyKind.GROUP, **kw: Any) -> Party:
    n = next(_seq)
    kw.setdefault("display_name", f"{kind.value} {n}")
    if "region_id" not in kw:
        kw["region_id"] = region(session).id
    p = Party(kind=kind, **kw)
    session.add(p)
    session.flush()
    return p


def location(session: Session, **kw: Any) -> Location:
    n = next(_seq)
    kw.setdefault("name", f"Hub {n}")
    kw.setdefault("kind", LocationKind.HUB)
    if "region_id" not in kw:
        kw["region_id"] = region(session).id
    loc = Location(**kw)
    session.add(loc)
    session.flush()
    return loc


def item(session: Session, **kw: Any) -> Item:
    n = next(_seq)
    kw.setdefault("code", f"ITEM-{n}")
    kw.setdefault("name_ru", f"Предмет {n}")
    kw.setdefault("name_en", f"Item {n}")
    kw.setdefault("unit", UnitOfMeasure.PIECE)
    it = Item(**kw)
    session.add(it)
    session.flush()
    return it


def user(session: Session, role: Role = Role.COORDINATOR, **kw: Any) -> User:
    n = next(_seq)
    kw.setdefault("username", f"{role.value.replace('_', '-')}-{n}")
    kw.setdefault("password", PASSWORD)
    if role in ROLE_PARTY_KIND and "party_id" not in kw:
        kw["party_id"] = party(session, ROLE_PARTY_KIND[role]).id
    if role == Role.COORDINATOR and "region_id" not in kw:
        kw["region_id"] = region(session).id
    u = accounts.create_user(session, None, role=role, **kw)
    session.commit()
    return u


def login(client: FlaskClient, u: User, password: str = PASSWORD) -> None:
    resp = client.post("/login", data={"username": u.username, "password": password})
    assert resp.status_code == 302, resp.status_code


def token(session: Session, u: User) -> str:
    _row, plain = accounts.create_token(session, u, u, "test")
    session.commit()
    return plain
