"""One place that imports every model, so metadata is complete for Alembic and tests."""

from __future__ import annotations


def import_all() -> None:
    import coordination.accounts.audit
    import coordination.accounts.models
    import coordination.catalog.models
    import coordination.deliveries.models
    import coordination.disputes.models
    import coordination.donations.models
    import coordination.imports.models
    import coordination.ledger.models
    import coordination.ledger.witnesses.models
    import coordination.needs.models
    import coordination.parties.models
    import coordination.production.models
    import coordination.stock.models  # noqa: F401
