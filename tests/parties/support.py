"""Helpers for the admin-page tests of parties, catalog, users and the demo."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from tests import factories as f
from tests.isolation import IsolatedClient, isolated_client


def signed_in(app: Flask, session: Session, role: Role, **kw: Any) -> tuple[IsolatedClient, User]:
    """A fresh client signed in as a new user of `role` (each request isolated like a server)."""
    user = f.user(session, role, **kw)
    client = isolated_client(app)
    f.login(client, user)
    return client, user


def ledger(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    session.expire_all()
    stmt = select(LedgerEntry).order_by(LedgerEntry.index)
    if kind is not None:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return [json.loads(e.body) for e in session.scalars(stmt)]


def ledger_opened(session: Session, kind: str) -> dict[str, Any]:
    """The data of the newest `kind` entry with each `<key>_commitment` opened (and checked)
    into `<key>`: what the holder shows an auditor. The public entry holds no stable id."""
    from coordination.ledger.openings import open_entry

    session.expire_all()
    entry = session.scalars(
        select(LedgerEntry).where(LedgerEntry.kind == kind).order_by(LedgerEntry.index.desc())
    ).first()
    assert entry is not None, kind
    data = dict(json.loads(entry.body)["data"])
    for opening in open_entry(session, entry.index):
        if opening.path.startswith("data."):
            key = opening.path.removeprefix("data.")
            assert opening.ok and data.pop(key) == opening.commitment
            data[key.removesuffix("_commitment")] = opening.value
    return data


def ledger_text(session: Session) -> str:
    session.expire_all()
    return "\n".join(session.scalars(select(LedgerEntry.body).order_by(LedgerEntry.index)))


def raw_row(session: Session, table: str, row_id: int, *columns: str) -> tuple[Any, ...]:
    """Column values exactly as stored, bypassing decryption."""
    cols = ", ".join(columns)
    row = session.execute(text(f"SELECT {cols} FROM {table} WHERE id = :id"), {"id": row_id}).one()  # noqa: S608
    return tuple(row)
