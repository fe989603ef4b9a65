"""Accounts and deliveries for the load run, on top of the demo (run as a script by bench_load).

`python bench/load_setup.py VOLUNTEERS FAMILIES COORDINATORS` with DATABASE_URL and P (the
password) set. Volunteers join the demo volunteer's group, families the demo family's
household, coordinators the group's region. Each coordinator gets a delivery of its own,
dispatched from the group's workshop to a unit, to record handovers on (one delivery per
coordinator: handovers on a shared delivery would mostly meet a version conflict, which is
the right answer but not the load being measured). Prints one JSON line for the users.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

from sqlalchemy import select

from coordination import create_app
from coordination.accounts.models import User
from coordination.accounts.services import create_user
from coordination.catalog.models import Item
from coordination.db import db
from coordination.deliveries.allocation import add_line
from coordination.deliveries.services import DraftInput, create_draft
from coordination.deliveries.status import dispatch, pack
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerHead
from coordination.needs.models import Need
from coordination.parties.models import Party, PartyKind
from coordination.production.services import BatchInput, group_location, log_production_batch
from coordination.stock.models import Lot, OriginKind


def main() -> None:
    volunteers, families, coordinators = (int(n) for n in sys.argv[1:4])
    password = os.environ["P"]
    app = create_app()
    with app.app_context():
        s = db.session
        vol = s.scalars(select(User).where(User.username == "demo-volunteer")).one()
        fam = s.scalars(select(User).where(User.username == "demo-family")).one()
        group = s.get(Party, vol.party_id)
        assert group is not None
        workshop = group_location(s, group)
        assert workshop is not None
        unit = s.scalars(
            select(Party).where(Party.kind == PartyKind.UNIT).order_by(Party.id)
        ).first()
        assert unit is not None
        for i in range(volunteers):
            create_user(
                s,
                None,
                username=f"load-vol-{i}",
                password=password,
                role=Role.VOLUNTEER,
                party_id=group.id,
            )
        for i in range(families):
            create_user(
                s,
                None,
                username=f"load-fam-{i}",
                password=password,
                role=Role.FAMILY,
                party_id=fam.party_id,
            )
        for i in range(coordinators):
            create_user(
                s,
                None,
                username=f"load-coord-{i}",
                password=password,
                role=Role.COORDINATOR,
                region_id=workshop.region_id,
            )
        item = s.scalars(select(Item).order_by(Item.id)).first()
        assert item is not None
        size = (item.sizes or [""])[0]
        batch = log_production_batch(
            s,
            None,
            BatchInput(
                group_id=group.id,
                item_id=item.id,
                quantity=10 * max(coordinators, 1),
                made_on=date.today(),
                size=size,
            ),
        )
        lot = s.scalars(
            select(Lot).where(Lot.origin_kind == OriginKind.BATCH, Lot.origin_id == batch.id)
        ).one()
        deliveries = []
        for _ in range(coordinators):
            d = create_draft(s, None, DraftInput(from_location_id=workshop.id, to_party_id=unit.id))
            add_line(s, None, d, d.version, lot.id, 1)
            d = pack(s, None, d, d.version)
            d = dispatch(s, None, d, d.version)
            deliveries.append({"id": d.id, "code": d.code})
        s.commit()
        needs = s.scalars(select(Need.id).where(Need.party_id == fam.party_id)).all()
        head = s.get(LedgerHead, 1)
        assert head is not None
        print(
            json.dumps(
                {
                    "item_id": item.id,
                    "size": size,
                    "ledger_size": head.size,
                    "group_id": group.id,
                    "unit_id": unit.id,
                    "region_id": workshop.region_id,
                    "deliveries": deliveries,
                    "family_needs": list(needs),
                }
            )
        )


if __name__ == "__main__":
    main()
