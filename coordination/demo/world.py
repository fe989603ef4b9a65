"""What the demo built, by short name: each builder adds its part and reads the others'."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coordination.accounts.models import User
from coordination.catalog.seed import SeedReport
from coordination.parties.models import Location, Party, Region


@dataclass
class World:
    """What the demo built, by short name, for the report and for later builders."""

    regions: dict[str, Region] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    catalog: SeedReport = field(default_factory=SeedReport)
    # Objects later builders hand on to each other by name (a delivery, a donation...).
    things: dict[str, Any] = field(default_factory=dict)
