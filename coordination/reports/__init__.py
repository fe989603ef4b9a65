"""Reports: public verification, provenance exports and ledger checks for auditors."""
