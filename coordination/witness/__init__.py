"""A C2SP tlog-witness anyone can run: python -m coordination.witness keygen | serve.

It remembers the latest checkpoint of each log it witnesses (SQLite), cosigns a new one
only if a consistency proof links it to that one, and so never cosigns two different
trees of one size. Standard library and `cryptography` only: no Flask, no SQLAlchemy, so a
volunteer group can run it on a laptop from a copy of coordination/ledger and this folder.
"""
