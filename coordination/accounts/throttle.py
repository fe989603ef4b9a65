"""Attempt counters that hold across workers and machines: the database, or Redis.

A limited action (a login, a guess at the current password) first takes one from every
counter it falls under, atomically: either every counter is still within its limit and all
of them go up, or none does and the action is refused before any password hash is computed.
Counters live in fixed windows (the attempt time divided by the window length). An action
that turns out to be legitimate (a correct password) gives its attempts back, so only
failures count. Each counter's key is an HMAC of what it counts, so neither store holds a
username or an address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import time
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coordination.accounts.models import LoginCounter
from coordination.db import db


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted: "pair", "account", "address", "global", "device", ...
    subject: str  # which one (a username, an address); hashed before it is stored
    limit: int
    seconds: int


@dataclass(frozen=True)
class Taken:
    """Counters an allowed attempt went up on, to give back if it turns out legitimate."""

    slots: tuple[tuple[str, int, int], ...]  # (key, window, seconds)


@dataclass(frozen=True)
class Refused:
    scope: str
    retry_after: int


class Store(Protocol):
    def take(self, slots: list[tuple[str, int, int, int]]) -> int | None: ...
    def give_back(self, slots: tuple[tuple[str, int, int], ...]) -> None: ...


def _key(limit: Limit) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    text = f"{limit.scope}\x1f{limit.subject}".encode()
    return hmac.new(secret, text, hashlib.sha256).hexdigest()


def take(limits: list[Limit], now: float | None = None) -> Taken | Refused:
    """One attempt under every limit, or a refusal naming the first limit that is full."""
    now = time.time() if now is None else now
    slots = [(_key(lim), _window(now, lim.seconds), lim.limit, lim.seconds) for lim in limits]
    full = _store().take(slots)
    if full is not None:
        lim = limits[full]
        window_end = _window(now, lim.seconds) + lim.seconds
        return Refused(lim.scope, max(1, math.ceil(window_end - now)))
    return Taken(tuple((k, w, s) for k, w, _limit, s in slots))


def _window(now: float, seconds: int) -> int:
    """The start of the window holding `now`, in Unix seconds."""
    return int(now // seconds) * seconds


def give_back(taken: Taken) -> None:
    _store().give_back(taken.slots)


def _store() -> Store:
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "")
    if uri.startswith(("redis://", "rediss://")):
        return RedisStore(uri, current_app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    return DatabaseStore()


class DatabaseStore:
    """Counters as rows of login_counter, each take in one short transaction of its own.

    The attempt must count even when the request's own transaction rolls back, so it runs on
    a connection of its own. Rows are taken in the order given (the same order for every
    caller, so PostgreSQL row locks cannot deadlock); SQLite's BEGIN IMMEDIATE serialises.
    """

    def take(self, slots: list[tuple[str, int, int, int]]) -> int | None:
        engine = db.engine
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        with engine.connect() as conn:
            tx = conn.begin()
            try:
                for index, (key, window, limit, _seconds) in enumerate(slots):
                    upsert = (
                        insert(LoginCounter)
                        .values(key=key, window=window, count=1)
                        .on_conflict_do_update(
                            index_elements=["key", "window"],
                            set_={"count": LoginCounter.count + 1},
                        )
                        .returning(LoginCounter.count)
                    )
                    if conn.execute(upsert).scalar_one() > limit:
                        tx.rollback()  # nothing counts: a refused attempt costs no counter
                        return index
                if random.random() < 0.01:  # housekeeping, not security
                    # Windows are at most a day long; older rows count for nothing.
                    oldest = min(w for _k, w, _l, _s in slots) - 86_400
                    conn.execute(delete(LoginCounter).where(LoginCounter.window < oldest))
                tx.commit()
            except BaseException:
                if tx.is_active:
                    tx.rollback()
                raise
        return None

    def give_back(self, slots: tuple[tuple[str, int, int], ...]) -> None:
        with db.engine.begin() as conn:
            for key, window, _seconds in slots:
                conn.execute(
                    update(LoginCounter)
                    .where(
                        LoginCounter.key == key,
                        LoginCounter.window == window,
                        LoginCounter.count > 0,
                    )
                    .values(count=LoginCounter.count - 1)
                )


# KEYS: the counters; ARGV: for each, its limit then its lifetime in seconds. Runs atomically
# in Redis: check every counter, then raise them all, or none.
_TAKE = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count + 1 > tonumber(ARGV[2 * i - 1]) then return i end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, tonumber(ARGV[2 * i]))
end
return 0
"""
_GIVE_BACK = """
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


class RedisStore:
    def __init__(self, uri: str, options: dict[str, Any]) -> None:
        import redis

        self.client = redis.Redis.from_url(uri, socket_timeout=5)
        self.prefix = str(options.get("key_prefix") or "aidtrail")

    def _name(self, key: str, window: int) -> str:
        return f"{self.prefix}:login:{key}:{window}"

    def take(self, slots: list[tuple[str, int, int, int]]) -> int | None:
        keys = [self._name(k, w) for k, w, _limit, _s in slots]
        args: list[int] = []
        for _k, _w, limit, seconds in slots:
            args += [limit, seconds * 2]
        full = int(self.client.eval(_TAKE, len(keys), *keys, *args))
        return None if full == 0 else full - 1

    def give_back(self, slots: tuple[tuple[str, int, int], ...]) -> None:
        keys = [self._name(k, w) for k, w, _s in slots]
        self.client.eval(_GIVE_BACK, len(keys), *keys)
