"""Command-line interface: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from coordination.catalog.seed import catalog_cli
from coordination.config import PRODUCTION
from coordination.db import db
from coordination.ledger.cli import init_ledger_cli


def init_cli(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(reset_link)
    app.cli.add_command(demo)
    app.cli.add_command(catalog_cli)
    init_ledger_cli(app)
    from coordination.ops.cli import init_ops_cli

    init_ops_cli(app)


@click.command("create-user")
@with_appcontext
@click.option("--username", prompt=True)
@click.option(
    "--role",
    type=click.Choice(["family", "unit_rep", "volunteer", "coordinator", "auditor", "admin"]),
    prompt=True,
)
@click.option(
    "--party-id", type=int, default=None, help="The group, household or unit the user acts for."
)
@click.option("--region", default=None, help="Region code (ISO 3166-2), e.g. RU-VLA.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(
    username: str, role: str, party_id: int | None, region: str | None, password: str
) -> None:
    """Create an account (the first admin of a production instance is made this way)."""
    from coordination.accounts.services import create_user as create
    from coordination.kernel.actors import Role
    from coordination.kernel.errors import DomainError
    from coordination.parties.models import Region

    region_id = None
    if region:
        found = db.session.scalar(select(Region).where(Region.code == region.strip().upper()))
        if found is None:
            raise click.ClickException(f"no region with code {region}")
        region_id = found.id
    try:
        user = create(
            db.session,
            None,
            username=username,
            password=password,
            role=Role(role),
            party_id=party_id,
            region_id=region_id,
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"created {user.role.value} {user.username}")


@click.command("create-token")
@with_appcontext
@click.argument("username")
@click.option("--name", default="command line", help="A label to recognise the token by.")
def create_token(username: str, name: str) -> None:
    """Print a new API token for USERNAME (shown once; only its hash is kept)."""
    from coordination.accounts.models import User
    from coordination.accounts.services import create_token as create

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException("no such user")
    _row, plain = create(db.session, user, user, name)
    db.session.commit()
    click.echo(plain)


@click.command("demo")
@with_appcontext
@click.option("--password", default=None, help="Password for every demo account.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has users.")
def demo(password: str | None, if_empty: bool) -> None:
    """Create the demo world and its accounts (development only)."""
    if current_app.config["AIDTRAIL_ENV"] == PRODUCTION:
        raise click.ClickException("the demo is refused in production")
    from coordination.accounts.models import User
    from coordination.demo import build_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("database has data; demo not loaded")
        return

    report = build_demo(db.session, password)
    db.session.commit()
    click.echo(report)


@click.command("reset-link")
@with_appcontext
@click.argument("username")
def reset_link(username: str) -> None:
    """Print a one-time password reset link for USERNAME (valid one hour; only its hash kept)."""
    from coordination.accounts.models import User
    from coordination.accounts.recovery import issue_reset
    from coordination.accounts.reset_views import reset_url

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username}")
    plain = issue_reset(db.session, None, user)
    db.session.commit()
    click.echo(reset_url(plain))
