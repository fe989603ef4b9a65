"""The load run's simulated people: what each kind of user reads and writes, over HTTP.

Every user is an urllib opener with its own cookie jar, so each logs in once and keeps its
session, as a browser does. Forms are filled from the pages they come from (the CSRF token,
a need's submission token, a delivery's version), never from the database.
"""

# ruff: noqa: S310 - every URL opened here is a gunicorn the load run started on loopback
from __future__ import annotations

import http.cookiejar
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from urllib.parse import urlsplit

PASSWORD = "bench load pass phrase 1"  # noqa: S105 - throwaway accounts in a temp database
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'name="(submission_token|version)"[^>]*value="([^"]*)"')
QTY = re.compile(r'name="(qty-\d+)"')
# A form page answered 200 without the fields it must carry: counted with the refused (4xx)
# requests, since the write it was for could not be made.
FORM_BROKEN = 490


class User:
    def __init__(
        self, base: str, role: str, username: str | None, setup: dict[str, Any], index: int = 0
    ):
        self.base, self.role, self.setup = base, role, setup
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""
        self.needs: list[int] = list(setup.get("family_needs", []))[-5:]
        deliveries = setup.get("deliveries") or [{}]
        self.delivery = deliveries[index % len(deliveries)]
        if username:
            page = self.get("/login")[1]
            self.csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
            status, _ = self.post("/login", {"username": username, "password": PASSWORD})
            assert status == 200, f"login of {username} answered {status}"
            self.csrf = CSRF.search(self.get("/")[1]).group(1)  # type: ignore[union-attr]

    def get(self, path: str) -> tuple[int, str]:
        status, body, _url = self._open(urllib.request.Request(self.base + path))
        return status, body

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, str]:
        status, body, _url = self.post_to(path, data)
        return status, body

    def post_to(self, path: str, data: dict[str, Any]) -> tuple[int, str, str]:
        """POST a form, following the redirect; also return where it landed."""
        body = urllib.parse.urlencode({**data, "csrf_token": self.csrf}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, req: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode(), resp.url
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), req.full_url

    def act(self, rng: random.Random) -> tuple[str, int]:
        return getattr(self, f"act_{self.role}")(rng)  # type: ignore[no-any-return]

    def act_volunteer(self, rng: random.Random) -> tuple[str, int]:
        s = self.setup
        if rng.random() < 0.3:
            form = {
                "item_id": s["item_id"],
                "size": s["size"],
                "quantity": rng.randint(1, 50),
                "made_on": "2026-11-01",
            }
            return "batch: POST, page", self.post("/production/batches/new", form)[0]
        path = rng.choice(["/stock/", "/production/batches/new", "/ledger"])
        return "GET " + path, self.get(path)[0]

    def act_family(self, rng: random.Random) -> tuple[str, int]:
        roll = rng.random()
        if roll < 0.15:
            return "need: form, POST, status", self._submit_need(rng)
        if roll < 0.5 and self.needs:
            return "GET /needs/<id>", self.get(f"/needs/{rng.choice(self.needs)}")[0]
        path = rng.choice(["/needs/mine", "/needs/board", "/"])
        return "GET " + path, self.get(path)[0]

    def _submit_need(self, rng: random.Random) -> int:
        status, page = self.get("/needs/new")
        token = dict(HIDDEN.findall(page)).get("submission_token")
        if status != 200 or not token:
            return status if status != 200 else FORM_BROKEN
        s = self.setup
        form = {
            "submission_token": token,
            "region_id": s["region_id"],
            "delivery_kind": "region",
            "lines-0-item_id": s["item_id"],
            "lines-0-size": s["size"],
            "lines-0-quantity": rng.randint(1, 5),
            "lines-0-priority": "normal",
        }
        status, _body, url = self.post_to("/needs/new", form)
        tail = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if status == 200 and tail.isdigit():
            self.needs = [*self.needs[-9:], int(tail)]
        return status

    def act_coordinator(self, rng: random.Random) -> tuple[str, int]:
        d = self.delivery
        roll = rng.random()
        if roll < 0.3:
            return "handover: form, POST, page", self._handover()
        if roll < 0.65:
            return "GET /deliveries/<id>", self.get(f"/deliveries/{d['id']}")[0]
        path = rng.choice(["/deliveries/", "/needs/board", "/stock/"])
        return "GET " + path, self.get(path)[0]

    def _handover(self) -> int:
        d, s = self.delivery, self.setup
        status, page = self.get(f"/deliveries/{d['id']}/handover")
        version = dict(HIDDEN.findall(page)).get("version")
        lines = QTY.findall(page)
        if status != 200 or not version or not lines:
            return status if status != 200 else FORM_BROKEN
        form = {
            "version": version,
            "from_party_id": s["group_id"],
            "from_role": "source",
            "to_party_id": s["unit_id"],
            "to_role": "recipient",
            "place": "Владимир",
            **{name: "1" for name in lines},
        }
        return self.post(f"/deliveries/{d['id']}/handover", form)[0]

    def act_visitor(self, rng: random.Random) -> tuple[str, int]:
        s = self.setup
        codes = [d["code"] for d in s.get("deliveries", []) if d.get("code")]
        if codes and rng.random() < 0.3:
            return "GET /verify/<code>", self.get(f"/verify/{rng.choice(codes)}")[0]
        size = s["ledger_size"]
        start = rng.randrange(max(size - 20, 1))
        path = rng.choice(
            [
                "/ledger",
                "/needs/board",
                "/ledger/checkpoint",
                f"/ledger/entries?start={start}&end={start + 20}",
            ]
        )
        return "GET " + path.split("?")[0], self.get(path)[0]

    def act_bare(self, rng: random.Random) -> tuple[str, int]:
        return "GET /", self.get("/")[0]
