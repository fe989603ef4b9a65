"""The demo world: the real story AidTrail was built for, with one account per role.

Knitters in Kostroma, vocational students sewing balaclavas and gloves in Chechnya, a vest
maker in Kusimovo (Bashkortostan), a school fair in Novy Urengoy that raised 59,000 RUB for
medical kits, a hub in the Vladimir region, couriers, two units, two households, donors, and
a regional official who will later be photographed "presenting" what others made.

Everything goes through the services, so the ledger records the world as it is built. Each
part of the world has its own function and lands in `World`, so later capabilities
(production, donations, deliveries) can add their part by name.
"""

from __future__ import annotations

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.accounts import passwords
from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.catalog.seed import seed_catalog
from coordination.demo.people import (
    add_campaign_and_official,
    add_couriers,
    add_donors,
    add_locations,
    add_makers,
    add_recipients,
    add_regions,
)
from coordination.demo.world import World  # the builders import it from here
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.parties.models import Party

DEFAULT_PASSWORD = "aidtrail-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_USERNAMES = (
    "demo-admin",
    "demo-coordinator",
    "demo-volunteer",
    "demo-family",
    "demo-family2",
    "demo-unit",
    "demo-auditor",
)
FAIR_RAISED_RUB = 59_000  # what the Novy Urengoy school fair raised for medical kits


# Both: services and tests see a DomainError; `flask demo` (which does not catch it) prints
# the message as a click error instead of a traceback. Both bases set the same `message`.
class DemoRefused(DomainError, click.ClickException):  # type: ignore[misc]
    """The demo cannot be built here."""


def build_demo(session: Session, password: str | None = None) -> str:
    """Build the demo world and return a printable report. Flushes; the caller commits."""
    existing = session.scalar(
        select(func.count()).select_from(User).where(User.username.in_(DEMO_USERNAMES))
    )
    if existing:
        raise DemoRefused("The demo accounts already exist; the demo was not built again.")
    chosen = password or DEFAULT_PASSWORD
    problem = passwords.policy_error(chosen)
    if problem:
        raise DemoRefused(f"The demo password is refused: {problem}")
    world = World()
    add_regions(session, world)
    world.catalog = seed_catalog(session)
    add_makers(session, world)
    add_campaign_and_official(session, world)
    add_couriers(session, world)
    add_recipients(session, world)
    add_donors(session, world)
    add_locations(session, world)
    add_accounts(session, world, chosen)
    _needs(session, world)
    _origins(session, world)
    _money(session, world)
    _deliveries(session, world)
    _evidence(session, world)
    _disputes(session, world)
    return report(world, custom_password=password is not None)


def add_accounts(session: Session, world: World, password: str) -> None:
    p = world.parties
    specs: list[tuple[str, Role, Party | None, str | None]] = [
        ("demo-admin", Role.ADMIN, None, None),
        ("demo-coordinator", Role.COORDINATOR, None, "RU-VLA"),
        ("demo-volunteer", Role.VOLUNTEER, p["knitting"], "RU-KOS"),
        ("demo-family", Role.FAMILY, p["household-vla"], "RU-VLA"),
        ("demo-family2", Role.FAMILY, p["household-ce"], "RU-CE"),
        ("demo-unit", Role.UNIT_REP, p["unit-north"], "RU-BEL"),
        ("demo-auditor", Role.AUDITOR, None, None),
    ]
    for username, role, party, region in specs:
        world.users[username] = accounts.create_user(
            session,
            None,
            username=username,
            password=password,
            role=role,
            party_id=party.id if party else None,
            region_id=world.regions[region].id if region else None,
        )


def _needs(session: Session, world: World) -> None:
    """Needs in every status for both demo families, and open demand from the units."""
    from coordination.demo.needs import add_needs

    add_needs(session, world)


def _origins(session: Session, world: World) -> None:
    """Batches from the three makers, donations in kind and stock at the Vladimir hub."""
    from coordination.demo.stock import add_origins

    add_origins(session, world)


def _money(session: Session, world: World) -> None:
    """The fair's money and other donations in money, and what they bought."""
    from coordination.demo.donations import add_money

    add_money(session, world)


def _deliveries(session: Session, world: World) -> None:
    """Deliveries along the custody chain, with evidence and receipts."""
    from coordination.demo.deliveries import add_deliveries

    add_deliveries(session, world)


def _evidence(session: Session, world: World) -> None:
    """Photos of the demo handovers (taken with GPS EXIF, which storage strips)."""
    from coordination.demo.evidence import add_photos

    add_photos(session, world)


def _disputes(session: Session, world: World) -> None:
    """The Vladimir case: the group challenges the official's claim."""
    from coordination.demo.disputes import add_disputes

    add_disputes(session, world)


RECIPIENTS = ("unit-north", "hospital", "household-vla", "household-ce")


def report(world: World, custom_password: bool) -> str:
    p = world.parties
    lines = [
        "AidTrail demo world created.",
        "",
        f"Regions: {', '.join(world.regions)}",
        f"{world.catalog}",
        "Makers: " + "; ".join(p[k].display_name for k in ("knitting", "sewing", "vests")),
        f"Campaign: {p['fair'].display_name} (raised {FAIR_RAISED_RUB:,} RUB for medical kits)",
        f"Official (presents goods, never a source): {p['official'].display_name}",
        "Couriers: " + "; ".join(p[k].display_name for k in ("courier-vla", "courier-ce")),
        "Recipients: " + "; ".join(p[k].display_name for k in RECIPIENTS),
        "Donors: " + "; ".join(p[k].display_name for k in ("yarn-shop", "anonymous")),
        "Locations: " + "; ".join(loc.name for loc in world.locations.values()),
        "",
        "Accounts:",
    ]
    for username, user in world.users.items():
        acts_for = f", acts for {user.party.display_name}" if user.party else ""
        coordinates = user.role == Role.COORDINATOR and user.region is not None
        region = f", region {user.region.code}" if coordinates and user.region else ""
        lines.append(f"  {username:<18} {user.role.value}{acts_for}{region}")
    if custom_password:
        lines.append("Password for every demo account: the one given with --password.")
    else:
        lines.append(
            f"Password for every demo account: {DEFAULT_PASSWORD} "
            "(the default; choose another with --password)."
        )
    return "\n".join(lines)
