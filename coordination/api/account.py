"""The caller's own account."""

from __future__ import annotations

from pydantic import BaseModel

from coordination.api import bp
from coordination.api.framework import api_user, endpoint
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.ledger.openings import openings_of


class Me(BaseModel):
    username: str
    role: str
    party_public_id: str | None
    locale: str | None


@endpoint(bp, "/me", "GET", "The account the token belongs to", response=Me, tag="account")
def me() -> Me:
    user = api_user()
    return Me(
        username=user.username,
        role=user.role.value,
        party_public_id=user.party.public_id if user.party else None,
        locale=user.locale,
    )


class OpeningOut(BaseModel):
    index: int
    path: str
    commitment: str
    value: str
    salt: str
    ok: bool


class OpeningsOut(BaseModel):
    openings: list[OpeningOut]


@endpoint(
    bp,
    "/me/ledger-openings",
    "GET",
    "Open every ledger commitment to the caller's own household or unit (value and salt)",
    response=OpeningsOut,
    roles=(Role.FAMILY, Role.UNIT_REP),
    tag="account",
)
def my_openings() -> OpeningsOut:
    # A household may show anyone "this delivery was to me": the public entry holds only
    # SHA-256(salt || value), and only it (and the holder) can give the salt out.
    user = api_user()
    if user.party is None:
        return OpeningsOut(openings=[])
    found = openings_of(db.session, f"party:{user.party.public_id}")
    return OpeningsOut(openings=[OpeningOut(**o.public()) for o in found])
