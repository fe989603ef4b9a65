"""Response headers and redirect safety, applied to every response the app sends."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, Response

from coordination.config import PRODUCTION

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def register_headers(app: Flask) -> None:
    production = app.config["AIDTRAIL_ENV"] == PRODUCTION

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        resp.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if production:
            resp.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if resp.mimetype == "text/html" or resp.mimetype == "application/json":
            # Pages show personal data to the people allowed to see it; no shared cache keeps it.
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp


def safe_next(target: str | None) -> str | None:
    """Return target if it is a local path on this site, else None.

    Browsers treat `\\` as `/` and ignore tabs and newlines inside URLs, so `/\\evil.tld`
    or `/\\t/evil.tld` would leave the site; such input is refused outright. The path is also
    checked once percent-decoded, because a proxy or framework that decodes `/%09/evil.tld`
    or `/%2F/evil.tld` before redirecting would turn it into one of those.
    """
    if not target or len(target) > 2000:
        return None
    path = target.split("?", 1)[0].split("#", 1)[0]
    for text in (target, unquote(path)):
        if any(ord(c) < 0x20 or ord(c) == 0x7F or c.isspace() or c == "\\" for c in text):
            return None
        if not text.startswith("/") or text.startswith("//"):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
