"""Web-wide defences wired once in create_app(): response headers, bounded integers in URLs,
upload limits, trusted proxies. Each lives in its own module; sessions, sign-in throttling and
the sign-in log belong to refurb.accounts."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from refurb.security import headers, uploads
from refurb.security.integers import BoundedIntegerConverter


def install_converters(app: Flask) -> None:
    """Before any blueprint is registered: every <int:…> in a route is bounded."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def register(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind nginx/Caddy the client address and the scheme come from X-Forwarded-*; only
        # that many hops are believed, so a client cannot forge its address for throttling.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    headers.register(app)
    uploads.register(app)
