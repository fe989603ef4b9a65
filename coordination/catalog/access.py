"""Who may change the catalog."""

from __future__ import annotations

from coordination.kernel.actors import Actor, Role


def can_manage_catalog(user: Actor) -> bool:
    return user.role == Role.ADMIN
