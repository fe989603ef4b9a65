"""Walk the pages a signed-in role can reach: same-site links, breadth first, GET only."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from flask.testing import FlaskClient

# Links a crawl must not follow: they change state on GET (sign out, language) or are files.
SKIP = re.compile(r"^/(logout|lang/|static/)|\.(pdf|csv|json|png|jpg|svg|xlsx)(\?|$)|/export")


# Code shown as code (commands, ids, record fields) is not interface text.
CODE_TAGS = ("code", "pre", "kbd", "samp")


class _Page(HTMLParser):
    """Collects links and the text a person sees (not scripts, styles or hidden parts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        # Inside translate="no" (HTML's mark for content not in the page's language: a raw
        # ledger record, a proof) text is data, not interface.
        self._raw: str | None = None
        self._raw_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if self._raw is None and (a.get("translate") == "no" or tag in CODE_TAGS):
            self._raw, self._raw_depth = tag, 1
        elif self._raw == tag:
            self._raw_depth += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name):
                self.text.append(a[name] or "")
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if self._raw == tag:
            self._raw_depth -= 1
            if not self._raw_depth:
                self._raw = None

    def handle_data(self, data: str) -> None:
        if not self._skip and self._raw is None and data.strip():
            self.text.append(data)


@dataclass
class Visit:
    url: str
    status: int
    text: str = ""
    links: list[str] = field(default_factory=list)
    came_from: str = ""


def parse(html: str) -> tuple[str, list[str]]:
    p = _Page()
    p.feed(html)
    return " ".join(p.text), p.links


def crawl(client: FlaskClient, start: str = "/", cap: int = 120) -> list[Visit]:
    """Every page reachable from `start`; a path with many ids counts once per pattern
    (the fifth need page says nothing the first did not), so the cap covers many pages."""
    seen: set[str] = set()
    patterns: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    visits: list[Visit] = []
    while queue and len(visits) < cap:
        url, came_from = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        pattern = re.sub(r"\d+|[A-Z0-9]{6,}", "#", url.split("?")[0])
        patterns[pattern] = patterns.get(pattern, 0) + 1
        if patterns[pattern] > 2 or ("?" in url and patterns[pattern] > 1):
            continue
        resp = client.get(url)
        visit = Visit(url, resp.status_code, came_from=came_from)
        visits.append(visit)
        if resp.status_code in (301, 302, 303):
            target = urlsplit(resp.headers["Location"])
            if not target.netloc or target.netloc == "localhost":
                queue.append((target.path + ("?" + target.query if target.query else ""), url))
            continue
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        visit.text, links = parse(resp.get_data(as_text=True))
        for href in links:
            absolute = urljoin("http://localhost" + url, urldefrag(href)[0])
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
                continue
            path = parts.path + ("?" + parts.query if parts.query else "")
            if SKIP.search(path) or path in seen:
                continue
            visit.links.append(path)
            queue.append((path, url))
    return visits
