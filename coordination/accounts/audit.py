"""The staff audit trail: who changed which user, party, place, item or key, and how.

Staff edit through many services; rather than trusting each to remember, every flush made
while a staff member acts (an admin or coordinator signed in, or holding an API token) is
inspected, and each change to an audited table becomes a row of staff_change: who, when,
what, and each changed field's value before and after. Encrypted personal fields and
secrets are masked: the row says that they changed, never what they were. Rows are inserted
on the flush's own connection, so they commit or roll back with the change itself. No route
edits or deletes them.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, utcnow
from coordination.kernel.actors import STAFF

MASK = "•••"
# Bookkeeping that changes without anybody deciding anything.
IGNORED = frozenset({"last_login_at", "last_used_at", "created_at", "version", "updated_at"})
SECRET = frozenset({"password_hash", "token_hash", "totp_secret", "recovery_codes"})
INFO_KEY = "audit_actor"


class StaffChange(Base):
    __tablename__ = "staff_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # created, updated, deleted
    subject_type: Mapped[str] = mapped_column(String(32), index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # {"field": [before, after], ...} as JSON, personal fields masked.
    changes: Mapped[str] = mapped_column(Text)


# By table name: the catalog sits above accounts in the package order, so its classes are
# not imported here.
AUDITED = {
    "user_account": "user",
    "api_token": "api_token",
    "password_reset": "reset_link",
    "party": "party",
    "location": "location",
    "region": "region",
    "item": "item",
    "category": "category",
    "kit_component": "kit_component",
}


def act_as(session: Session, user: Any) -> None:
    """Record this session's flushes as made by `user`, if staff (called once per request)."""
    if user is not None and getattr(user, "role", None) in STAFF:
        session.info[INFO_KEY] = (user.id, user.username)
    else:
        session.info.pop(INFO_KEY, None)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for column in state.mapper.columns:
        name = column.key
        if name in IGNORED or name == "id":
            continue
        hist = state.attrs[name].history
        if action == "updated" and not hist.has_changes():
            continue
        before = (
            hist.deleted[0]
            if hist.deleted
            else (None if action == "created" else hist.unchanged[0] if hist.unchanged else None)
        )
        after = None if action == "deleted" else getattr(obj, name)
        if action == "created" and after is None:
            continue
        if name in SECRET or isinstance(column.type, EncryptedText):
            out[name] = [MASK if before else None, MASK if after else None]
        else:
            out[name] = [_plain(before), _plain(after)]
    return out


def _record(session: Session, _context: Any) -> None:
    actor = session.info.get(INFO_KEY)
    if actor is None:
        return
    rows = []
    for action, objs in (
        ("created", session.new),
        ("updated", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objs:
            table = getattr(type(obj), "__tablename__", None)
            kind = AUDITED.get(table) if isinstance(table, str) else None
            if kind is None:
                continue
            changes = _changes(obj, action)
            if action == "updated" and not changes:
                continue
            rows.append(
                {
                    "at": utcnow(),
                    "actor_id": actor[0],
                    "actor_name": actor[1],
                    "action": action,
                    "subject_type": kind,
                    "subject_id": getattr(obj, "id", None),
                    "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                }
            )
    if rows:
        session.connection().execute(insert(StaffChange), rows)


def init_audit() -> None:
    # after_flush: new rows have their ids and every attribute still has its history.
    if not event.contains(Session, "after_flush", _record):
        event.listen(Session, "after_flush", _record)
