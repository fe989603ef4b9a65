"""Disputes: challenges to a claim about goods, answered from the ledger, with an outcome."""
