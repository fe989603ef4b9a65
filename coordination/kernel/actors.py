"""Who acts: the roles, and the little of a user that services and the ledger need.

Services accept an `Actor` rather than the accounts model, so the layers below accounts
(the ledger, parties) can name who acted without importing accounts.
"""

from __future__ import annotations

import enum
from typing import Protocol


class Role(enum.StrEnum):
    FAMILY = "family"
    UNIT_REP = "unit_rep"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    ADMIN = "admin"


# Role groups the access checks of several domains share.
STAFF = (Role.COORDINATOR, Role.ADMIN)
READ_ALL = (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)


class Actor(Protocol):
    """A signed-in person acting (accounts.models.User is one)."""

    @property
    def id(self) -> int: ...

    @property
    def public_id(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def party_id(self) -> int | None: ...

    @property
    def region_id(self) -> int | None: ...


def is_admin(user: Actor) -> bool:
    return user.role == Role.ADMIN
