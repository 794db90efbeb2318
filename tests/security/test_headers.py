"""Item 2: every response carries the security headers (set in one after_request hook), and
no page relies on inline script or style, which the content policy forbids."""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.access import ROLES
from tests.conftest import make_app
from tests.reports import report_scene
from tests.security.crawl import crawl
from tests.security.helpers import role_clients

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")


def header_problems(response) -> list[str]:
    h = response.headers
    expected = "frame-ancestors 'none'" if response.mimetype == "application/pdf" else CSP
    problems = []
    if h.get("Content-Security-Policy") != expected:
        problems.append(f"CSP {h.get('Content-Security-Policy')!r}")
    for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                        ("Referrer-Policy", "same-origin")):
        if h.get(name) != value:
            problems.append(f"{name} {h.get(name)!r}")
    permissions = h.get("Permissions-Policy", "")
    if "camera=(self)" not in permissions or "microphone=()" not in permissions \
            or "geolocation=()" not in permissions:
        problems.append(f"Permissions-Policy {permissions!r}")
    if "Strict-Transport-Security" in h:  # tests run over plain HTTP, not in production
        problems.append("HSTS over HTTP")
    return problems


def test_the_policy_is_the_strict_one():
    from refurb.security.headers import CONTENT_SECURITY_POLICY

    assert CONTENT_SECURITY_POLICY == CSP


def _route_urls(app, rule):
    """The rule with real-looking values: id 1, the first choice of any(...)."""
    values = {}
    for arg, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[arg] = 1
        elif isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        else:
            values[arg] = "x"
    if set(rule.arguments) - set(values):
        return None
    return rule.build(values, append_unknown=False)[1]


def test_every_route_and_method_answers_with_the_headers(app, db, shared_rows):
    shared_rows("reports.scene", report_scene.build)
    clients = role_clients(app)
    failures, answered = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = _route_urls(app, rule)
        if url is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in (*ROLES, "anonymous"):
                if rule.endpoint == "accounts.logout":
                    role = "anonymous"  # signing a walker out would blind the rest of the walk
                response = clients[role].open(url, method=method, data={})
                answered += 1
                failures += [f"{method} {url} as {role} ({response.status_code}): {p}"
                             for p in header_problems(response)]
                response.close()
    assert answered > 500
    assert failures == []


def test_error_pages_carry_the_headers_too(_db_location, client, db, login_as):
    login_as("technician")
    for response in (client.get("/no/such/page"), client.get("/admin/users"),
                     client.get("/devices/999999")):
        assert response.status_code in (403, 404)
        assert header_problems(response) == []
    app = make_app(_db_location, TESTING=False)

    @app.get("/broken-for-the-test")
    def broken():
        raise RuntimeError("boom")

    response = app.test_client().get("/broken-for-the-test")
    assert response.status_code == 500
    assert header_problems(response) == []


@pytest.fixture
def production_app(_db_location, db):
    return make_app(_db_location, ENV_NAME="production", TRUSTED_PROXIES=1)


def test_hsts_only_over_https_in_production(production_app, _db_location, db):
    secure = production_app.test_client().get("/login", base_url="https://atelier.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = production_app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    # Behind the trusted proxy (TLS ends there), the forwarded scheme decides.
    proxied = production_app.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in proxied.headers
    development = make_app(_db_location).test_client().get(
        "/login", base_url="https://atelier.example")
    assert "Strict-Transport-Security" not in development.headers


def test_signed_in_pages_are_not_cached(client, db, login_as):
    login_as("social_worker")
    assert client.get("/beneficiaries/").headers["Cache-Control"] == "no-store"


def inline_code(page) -> list[str]:
    """What the content policy would block: inline script, <style>, style or on* attributes,
    a script or stylesheet from elsewhere."""
    found = []
    for element in page.elements:
        attrs = element.attrs
        if "style" in attrs:
            found.append(f"<{element.tag} style={attrs['style']!r}>")
        found += [f"<{element.tag} {name}>" for name in attrs if name.startswith("on")]
        if element.tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            found.append(f"<script src={attrs.get('src')!r}>")
        if element.tag == "link" and attrs.get("rel") == "stylesheet" \
                and not (attrs.get("href") or "").startswith("/static/"):
            found.append(f"<link href={attrs.get('href')!r}>")
        if element.tag == "style":
            found.append("<style>")
    found += ["inline script" for text in page.script_texts if text.strip()]
    return found


def test_no_page_needs_inline_script_or_style(app, db, shared_rows):
    """A walk of the site as every role (the reports' year as data): nothing on any page
    would be blocked by the policy — charts, checklists and scan pages included."""
    shared_rows("reports.scene", report_scene.build)
    clients = role_clients(app)
    failures, pages = [], 0
    for role in ROLES:
        starts = ["/"] + [r.rule for r in app.url_map.iter_rules()
                          if "GET" in r.methods and not r.arguments
                          and role in getattr(app.view_functions[r.endpoint], "allowed_roles", ())]
        for visit in crawl(app, clients[role], role, starts):
            if visit.page is not None:
                pages += 1
                failures += [f"{role} {visit.url}: {found}" for found in inline_code(visit.page)]
    assert pages > 200
    assert failures == []
