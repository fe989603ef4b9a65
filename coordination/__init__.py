"""AidTrail: volunteer supply coordination with a tamper-evident attribution ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Imported lazily so `python -m coordination.ledger.verify` runs where only the standard
    # library and cryptography are installed (an auditor's machine).
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    register_config(app, config)
    register_database(app)
    register_security(app)
    register_auth(app)
    register_i18n(app)
    register_templating(app)
    register_blueprints(app)
    register_attribution(app)
    register_errors(app)
    register_cli(app)
    return app


def register_config(app: Flask, config: dict[str, Any] | None) -> None:
    from coordination.config import load_config, private_dir, private_sqlite_file

    app.config.from_mapping(load_config(app.instance_path, config))
    private_dir(Path(app.instance_path))
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])


def register_database(app: Flask) -> None:
    from coordination.crypto import register_field_encryption
    from coordination.db import configure_engine, db
    from coordination.extensions import migrate
    from coordination.models import import_all

    import_all()
    from coordination.accounts.audit import init_audit

    init_audit()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    configure_engine(app)
    register_field_encryption(app)
    from coordination.ledger.keys import init_ledger_keys

    init_ledger_keys(app)  # the checkpoint signer, also kept in AIDTRAIL_KEYS_DIR


def register_security(app: Flask) -> None:
    from coordination.extensions import csrf, limiter
    from coordination.web.security import register_headers

    proxies = int(app.config.get("AIDTRAIL_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    csrf.init_app(app)
    limiter.init_app(app)
    register_headers(app)


def register_auth(app: Flask) -> None:
    from coordination.accounts import passwords
    from coordination.accounts.auth import init_login

    passwords.configure(fast=bool(app.config.get("PASSWORD_HASH_FAST")))
    init_login(app)


def register_i18n(app: Flask) -> None:
    from coordination.i18n import init_i18n

    init_i18n(app)


def register_templating(app: Flask) -> None:
    from coordination.web.ui import init_templating

    init_templating(app)


BLUEPRINTS = (
    "coordination.web.main",
    "coordination.accounts.views",
    "coordination.parties.views",
    "coordination.catalog.views",
    "coordination.api",
    "coordination.ledger.views",
    "coordination.ledger.witnesses.views",
    "coordination.needs.views",
    "coordination.production.views",
    "coordination.donations.views",
    "coordination.money.views",
    "coordination.stock.views",
    "coordination.imports.views",
    "coordination.deliveries.views",
    "coordination.evidence.views",
    "coordination.documents.views",
    "coordination.reports.views",
    "coordination.disputes.views",
    "coordination.reports.desk_views",
)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)


def register_attribution(app: Flask) -> None:
    """Stock and delivery pages name a purchase's or a kit's true sources through the
    attribution engine, which sits above them (stock/origins.py explains the seam)."""
    from coordination.attribution.lot_sources import register_lot_sources

    register_lot_sources()


def register_errors(app: Flask) -> None:
    from coordination.web.errors import init_errors

    init_errors(app)


def register_cli(app: Flask) -> None:
    from coordination.cli import init_cli

    init_cli(app)
