"""The load ceiling: a bare Flask + SQLAlchemy page (one indexed SELECT, a small template),
served by the same gunicorn as AidTrail. BARE_DATABASE_URL names its SQLite file."""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

app = Flask("bare")
engine = create_engine(os.environ.get("BARE_DATABASE_URL", "sqlite://"))
with engine.begin() as conn:
    conn.execute(text("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, name TEXT)"))
    conn.execute(text("INSERT OR IGNORE INTO item (id, name) VALUES (1, 'wool socks')"))


@app.route("/")
def index() -> str:
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM item WHERE id = 1")).scalar_one()
    return render_template_string("<!doctype html><title>x</title><p>{{ v }}</p>", v=name)
