"""Item 1: user text is never live HTML. Every page, as every role, over a workshop whose every
typed text holds an XSS payload; the HTML is parsed (html.parser), not searched with a regex:
no element and no attribute may come from the payload."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import sqlalchemy as sa
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from tests.access import ROLES
from tests.security import scene
from tests.security.crawl import crawl, fill, parse
from tests.security.helpers import get_routes, role_clients

# Pages reached only with query strings no link carries, or after a POST (they are rendered
# by the form tests of their domains); each reason is checked to still hold below.
NOT_LINKED: dict[str, str] = {
    "health.healthz": "JSON for load balancers, no page",
    "jobs.show": "reached from the page that started a job; its JSON twin is tested in operations",
}


def _json_api(endpoint: str) -> bool:
    """The REST API answers JSON to tokens (tests/api walks it), except its documentation."""
    return endpoint.startswith("api_") and not endpoint.startswith("api_docs.")


def live_payload(page) -> list[str]:
    """What in a parsed page came from the payload instead of being printed as text."""
    found = []
    for element in page.elements:
        classes = (element.attrs.get("class") or "").split()
        if "xss" in classes:
            found.append(f"<{element.tag} class=xss>")
        if element.tag == "img" and element.attrs.get("src") == "x":
            found.append("<img src=x>")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}=javascript:…>")
    found += [f"<script>{text[:40]}" for text in page.script_texts if "xss" in text]
    return found


def _start_pages(app, role: str) -> list[str]:
    # The scan box searches what is typed, and shows it back.
    pages = ["/", f"/scan?q={quote(scene.PAYLOAD)}"]
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" in rule.methods and not rule.arguments and role in getattr(
                view, "allowed_roles", ()):
            pages.append(rule.rule)
    return pages


def _pages_of_every_row(app) -> list[str]:
    """Each route taking one id, with the ids of the tables its argument names (device_id:
    devices; batch_id: WEEE batches and scan sessions…), up to 20 rows each."""
    from refurb.extensions import db as database

    urls = []
    for rule in get_routes(app):
        converters = rule._converters
        if len(rule.arguments) != 1 or len(converters) != 1:
            continue
        (arg, converter), = converters.items()
        if not isinstance(converter, IntegerConverter) or not arg.endswith("_id"):
            continue
        if "." in rule.rule.rsplit("/", 1)[-1]:
            continue  # a file download
        stem = arg[: -len("_id")]
        ids = set()
        for table in database.metadata.sorted_tables:
            if stem in table.name and "id" in table.c:
                ids |= set(database.session.scalars(
                    sa.select(table.c.id).order_by(table.c.id).limit(20)))
        urls += [rule.build({arg: i}, append_unknown=False)[1] for i in sorted(ids)]
    return urls


# Forms not to send while walking: they end the walk's own session.
SKIPPED_FORMS = {"accounts.logout", "accounts.set_language", "accounts.change_password"}


def _submit_every_form(app, clients, visits) -> list[str]:
    """Every form met during the walk, once per role: the payload typed in each text field,
    sent; the answer (a refused form shows what was typed) and the page it leads to must
    print it as text."""
    adapter = app.url_map.bind("localhost")
    sent, failures = set(), []
    for visit in visits:
        if visit.page is None or visit.role == "anonymous" and visit.url.startswith("/verify/"):
            continue
        for form in visit.page.forms:
            action = urljoin(visit.url, form["action"] or visit.url)
            path = urlsplit(action).path
            method = "POST" if form["method"] == "post" else "GET"
            try:
                endpoint, _args = adapter.match(path, method=method)
            except Exception:  # noqa: BLE001 - a form to nowhere is the page tests' business
                failures.append(f"{visit.role} {visit.url}: form to {method} {path} matches no route")
                continue
            if endpoint in SKIPPED_FORMS or (visit.role, endpoint) in sent:
                continue
            sent.add((visit.role, endpoint))
            data = fill(form, scene.PAYLOAD)
            client = clients[visit.role]
            if method == "GET":
                response = client.get(path, query_string=data, follow_redirects=True)
            else:
                response = client.post(path, data=data, follow_redirects=True)
            where = f"{visit.role} {method} {path}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            if response.mimetype == "text/html":
                page = parse(response.get_data(as_text=True))
                failures += [f"{where}: {live}" for live in live_payload(page)]
            response.close()
    return failures


def test_no_payload_is_live_on_any_page_for_any_role(app, db):
    clients = role_clients(app)
    extra_pages = scene.build()
    # Someone signs in with a hostile browser name: the admins' sign-in log shows it.
    clients["anonymous"].post("/login", data={"email": "x@y.example", "password": "z"},
                              headers={"User-Agent": scene.PAYLOAD})
    injected = scene.inject()
    assert len(injected.columns) > 80 and "stock_locations" in {t for t, _ in injected.columns}

    every_row = _pages_of_every_row(app) + extra_pages
    visits, failures = [], []
    for role in ROLES:
        visits += crawl(app, clients[role], role, _start_pages(app, role), every=every_row)
    visits += crawl(app, clients["anonymous"], "anonymous",
                    ["/login", f"/login?next={quote(scene.PAYLOAD)}", "/verify",
                     f"/verify?number={quote(scene.PAYLOAD)}"], every=extra_pages)
    shown = str(Markup.escape("<b class=xss>"))  # in both payloads, escaped once
    for visit in visits:
        if visit.status >= 500:
            failures.append(f"{visit.role} {visit.url}: {visit.status}")
        if visit.page is not None:
            failures += [f"{visit.role} {visit.url}: {live}" for live in live_payload(visit.page)]
    assert failures == []

    # The payload did reach the pages, as text: the walk proves something.
    showing = {(v.role, v.endpoint) for v in visits if v.html and shown in v.html}
    assert ("technician", "workshop.batch_scan") in showing  # the stock location of issue 15
    assert ("admin", "accounts.sign_ins") in showing  # the browser name
    assert len(showing) > 100

    failures += _submit_every_form(app, clients, visits)
    assert failures == []

    # Every page was walked (a redirect counts: its target is walked in turn).
    visited = {v.endpoint for v in visits if v.status < 400}
    html_pages = {rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.endpoint not in ("static", "documents.download")
                  and "." not in rule.rule.rsplit("/", 1)[-1]  # file downloads
                  and not rule.rule.endswith("download")}
    missing = sorted(e for e in html_pages - visited - set(NOT_LINKED) if not _json_api(e))
    assert missing == [], " ".join(missing)
