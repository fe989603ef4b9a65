"""Settings: production refuses unsafe configurations and ships without accounts."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from coordination import create_app
from coordination.accounts.models import User
from coordination.config import ConfigError, load_config, normalise_db_url
from coordination.db import db
from coordination.kernel.actors import Role

ROOT = Path(__file__).resolve().parent.parent


def production(cfg: dict[str, Any], **extra: Any) -> dict[str, Any]:
    out = {**cfg, "AIDTRAIL_ENV": "production", **extra}
    out.pop("PASSWORD_HASH_FAST", None)
    return out


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIDTRAIL_ENV", "SECRET_KEY", "DATABASE_URL", "AIDTRAIL_KEYS_DIR"):
        monkeypatch.delenv(name, raising=False)


# --- refusing to start -------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_secret_key(
    tmp_path: Path, clean_env: None, secret: str | None
) -> None:
    overrides: dict[str, Any] = {"AIDTRAIL_ENV": "production"}
    if secret is not None:
        overrides["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), overrides)
    assert not (tmp_path / "secret_key").exists()  # no silent fallback key either


def test_production_from_environment_refuses_without_secret_key(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDTRAIL_ENV", "production")
    with pytest.raises(ConfigError):
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "AIDTRAIL_KEYS_DIR": str(tmp_path / "keys"),
            }
        )


def test_production_refuses_fast_password_hashing(tmp_path: Path, clean_env: None) -> None:
    with pytest.raises(ConfigError, match="PASSWORD_HASH_FAST"):
        load_config(
            str(tmp_path),
            {"AIDTRAIL_ENV": "production", "SECRET_KEY": "s" * 64, "PASSWORD_HASH_FAST": True},
        )


def test_production_sets_secure_cookies(tmp_path: Path, clean_env: None) -> None:
    cfg = load_config(str(tmp_path), {"AIDTRAIL_ENV": "production", "SECRET_KEY": "s" * 64})
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["REMEMBER_COOKIE_SECURE"] is True
    assert cfg["SESSION_COOKIE_HTTPONLY"] is True
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_private_random_key(tmp_path: Path, clean_env: None) -> None:
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    other = tmp_path / "other"
    assert load_config(str(other))["SECRET_KEY"] != first  # never a shipped default


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5433/db", "postgresql+psycopg://u@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert normalise_db_url(given) == expected


def _flask(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as an operator would run it."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"AIDTRAIL_ENV", "SECRET_KEY", "DATABASE_URL"}
    }
    full_env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "AIDTRAIL_KEYS_DIR": str(tmp_path / "keys"),
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_line_refuses_production_without_secret_key(tmp_path: Path) -> None:
    result = _flask(tmp_path, "db", "upgrade", AIDTRAIL_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "cli.sqlite3").exists() or os.path.getsize(tmp_path / "cli.sqlite3") == 0


def test_command_line_demo_is_refused_in_production(tmp_path: Path) -> None:
    result = _flask(tmp_path, "demo", AIDTRAIL_ENV="production", SECRET_KEY="s" * 64)
    assert result.returncode != 0
    assert "refused in production" in result.stderr + result.stdout


# --- no default accounts; the first admin comes from the command line ---------------------------


@pytest.fixture
def prod_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A production instance on a freshly migrated, empty database."""
    application = create_app(production(app_config))
    yield application
    with application.app_context():
        db.engine.dispose()


def cli(app: Flask, args: list[str], input: str | None = None) -> Result:
    """Run a command as `flask --app app ...` would: inside this app's context."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=args, input=input)
        db.session.remove()
    return result


def _users(app: Flask) -> list[User]:
    with app.app_context():
        users = list(db.session.scalars(select(User)))
        db.session.remove()
        return users


def test_fresh_production_database_has_no_accounts(prod_app: Flask) -> None:
    assert _users(prod_app) == []
    client = prod_app.test_client()
    for name in ("admin", "demo-admin", "root"):
        for password in ("admin", "password", "demo"):
            resp = client.post(
                "/login",
                data={"username": name, "password": password},
                base_url="https://localhost",
            )
            assert resp.status_code == 200, (name, password)  # the failed-login page


def test_create_user_makes_the_first_admin(prod_app: Flask) -> None:
    result = cli(
        prod_app,
        ["create-user", "--username", "Chief.Admin", "--role", "admin"],
        input="a long admin passphrase\na long admin passphrase\n",
    )
    assert result.exit_code == 0, result.output
    users = _users(prod_app)
    assert [(u.username, u.role) for u in users] == [("chief.admin", Role.ADMIN)]
    assert users[0].password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long admin passphrase" not in result.output
    client = prod_app.test_client()
    resp = client.post(
        "/login",
        data={"username": "chief.admin", "password": "a long admin passphrase"},
        base_url="https://localhost",
    )
    assert resp.status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1!", "at least 8"), ("password123", "too common"), ("x" * 257, "at most 256")],
)
def test_create_user_applies_the_password_policy(
    prod_app: Flask, password: str, reason: str
) -> None:
    result = cli(
        prod_app, ["create-user", "--username", "boss", "--role", "admin", "--password", password]
    )
    assert result.exit_code != 0
    assert reason in result.output
    assert _users(prod_app) == []


def test_create_user_refuses_a_family_without_household(prod_app: Flask) -> None:
    result = cli(
        prod_app,
        [
            "create-user",
            "--username",
            "fam",
            "--role",
            "family",
            "--password",
            "a long family passphrase",
        ],
    )
    assert result.exit_code != 0
    assert _users(prod_app) == []


def test_create_user_refuses_a_taken_username(prod_app: Flask) -> None:
    args = [
        "create-user",
        "--username",
        "boss",
        "--role",
        "auditor",
        "--password",
        "a long auditor passphrase",
    ]
    assert cli(prod_app, args).exit_code == 0
    again = cli(prod_app, args)
    assert again.exit_code != 0 and "taken" in again.output
    assert len(_users(prod_app)) == 1


def test_demo_command_is_refused_in_production(prod_app: Flask) -> None:
    result = cli(prod_app, ["demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output
    assert _users(prod_app) == []
    with prod_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        db.session.remove()


def test_create_user_attaches_a_volunteer_to_its_group(prod_app: Flask) -> None:
    from coordination.parties.models import PartyKind
    from tests import factories as f

    with prod_app.app_context():
        group_id = f.party(db.session, PartyKind.GROUP).id
        household_id = f.party(db.session, PartyKind.HOUSEHOLD).id
        db.session.commit()
        db.session.remove()
    base = ["create-user", "--role", "volunteer", "--password", "a long volunteer passphrase"]
    wrong = cli(prod_app, [*base, "--username", "knitter", "--party-id", str(household_id)])
    assert wrong.exit_code != 0 and _users(prod_app) == []
    right = cli(prod_app, [*base, "--username", "knitter", "--party-id", str(group_id)])
    assert right.exit_code == 0, right.output
    assert [(u.username, u.party_id) for u in _users(prod_app)] == [("knitter", group_id)]


def test_trusted_proxy_address_is_used_for_throttling_only_when_configured(tmp_path) -> None:
    from flask import request

    from coordination import create_app

    seen: list[str | None] = []
    for proxies in (0, 1):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                "AIDTRAIL_KEYS_DIR": str(tmp_path / "keys"),
                "AIDTRAIL_PROXIES": proxies,
            }
        )
        app.add_url_rule("/_addr", "_addr", lambda: request.remote_addr or "")
        resp = app.test_client().get(
            "/_addr",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        seen.append(resp.get_data(as_text=True))
    assert seen == ["127.0.0.1", "203.0.113.9"]
