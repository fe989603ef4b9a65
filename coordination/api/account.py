"""The caller's own account."""

from __future__ import annotations

from pydantic import BaseModel

from coordination.api import bp
from coordination.api.framework import api_user, endpoint


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
