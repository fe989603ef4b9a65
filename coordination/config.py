"""Settings, read from the environment once per app (never at import time)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

PRODUCTION = "production"
DEVELOPMENT = "development"


class ConfigError(RuntimeError):
    """The instance cannot start safely with the settings it was given."""


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    cfg: dict[str, Any] = {
        "AIDTRAIL_ENV": env.get("AIDTRAIL_ENV", DEVELOPMENT),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or "sqlite:///" + str(Path(instance_path) / "aidtrail.sqlite3"),
        "AIDTRAIL_KEYS_DIR": env.get("AIDTRAIL_KEYS_DIR") or str(Path(instance_path) / "keys"),
        # Evidence photos and scans: outside static/, served only through authorised routes.
        "AIDTRAIL_EVIDENCE_DIR": env.get("AIDTRAIL_EVIDENCE_DIR")
        or str(Path(instance_path) / "evidence"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted. Behind
        # nginx this must be 1, or every client shares the proxy's address and the login
        # throttle would lock a username for everyone.
        "AIDTRAIL_PROXIES": int(env.get("AIDTRAIL_PROXIES", "0") or 0),
        # Where people reach this instance; links printed by the command line start with it.
        "AIDTRAIL_BASE_URL": env.get("AIDTRAIL_BASE_URL", "http://127.0.0.1:5000"),
        "LEDGER_ORIGIN": env.get("AIDTRAIL_LEDGER_ORIGIN", "aidtrail.local/ledger"),
        # A C2SP tlog-policy file naming the witnesses to ask and the quorum; unset: none.
        "AIDTRAIL_WITNESS_POLICY": env.get("AIDTRAIL_WITNESS_POLICY") or None,
        "BABEL_DEFAULT_LOCALE": "ru",
        "LANGUAGES": ("ru", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "PAGE_SIZE": 25,
    }
    if overrides:
        cfg.update(overrides)
    if "DATABASE_URL" in cfg:
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg.pop("DATABASE_URL")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(cfg["SQLALCHEMY_DATABASE_URI"])
    if "SQLALCHEMY_ENGINE_OPTIONS" not in cfg:
        # A server connection can die between requests (restart, failover); a local SQLite
        # file cannot, and the ping would cost every transaction a round trip for nothing.
        server = not cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True} if server else {}
    production = cfg["AIDTRAIL_ENV"] == PRODUCTION
    if "AIDTRAIL_REQUIRE_2FA" not in cfg:
        # Admins and coordinators must use a second factor: on by default in production.
        raw = env.get("AIDTRAIL_REQUIRE_2FA")
        cfg["AIDTRAIL_REQUIRE_2FA"] = production if raw is None else raw.strip() == "1"
    if production:
        if not cfg.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY must be set when AIDTRAIL_ENV=production")
        if cfg.get("PASSWORD_HASH_FAST"):
            raise ConfigError("PASSWORD_HASH_FAST is for the test suite, never production")
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True
    elif not cfg.get("SECRET_KEY"):
        # A development instance keeps a stable random key in instance/ so sessions survive
        # restarts without anybody shipping a known default key.
        cfg["SECRET_KEY"] = _instance_secret(Path(instance_path))
    return cfg


def normalise_db_url(url: str) -> str:
    # Hosting panels hand out postgres:// URLs; SQLAlchemy needs the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_dir(instance)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race; use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def private_dir(path: Path) -> None:
    """Create `path` readable by this user only (0700), or make an existing one so.

    instance/ holds the SQLite database, keys, uploads and evidence: nobody else on the
    machine may list or read it, whatever the umask under which the app was started.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)


def private_sqlite_file(url: str) -> None:
    """Create an SQLite database file 0600 before SQLite does (it would use the umask).

    Its -wal and -shm files take the database file's permissions, so they are private too.
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.parent.exists():
        private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
