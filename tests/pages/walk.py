"""Every page every role can reach on a workshop with something on every page (the security
walk's scene: the reports' year, the workshop and file extras) plus the demo accounts' data."""

from __future__ import annotations

from html.parser import HTMLParser

from refurb.demo import load_demo
from refurb.extensions import db
from tests.access import ROLES
from tests.factories import make_user
from tests.security import scene
from tests.security.crawl import Visit, crawl


def build_scene() -> list[str]:
    """The data; returns the pages no link leads to."""
    pages = scene.build()
    load_demo()
    db.session.commit()
    return pages


def start_pages(app, role: str) -> list[str]:
    return ["/"] + [r.rule for r in app.url_map.iter_rules()
                    if "GET" in r.methods and not r.arguments
                    and role in getattr(app.view_functions[r.endpoint], "allowed_roles", ())]


def role_users() -> dict[str, str]:
    """{role: e-mail of a new user}; the donor belongs to the scene's first donor, whose
    devices, collections and receipts fill the portal."""
    from sqlalchemy import select

    from refurb.donors.models import DonorOrganisation

    donor = db.session.scalar(select(DonorOrganisation).order_by(DonorOrganisation.id))
    users = {role: make_user(role, **({"donor_organisation_id": donor.id}
                                      if role == "donor" and donor else {})).email
             for role in ROLES}
    db.session.commit()
    return users


def walk(app, extra_pages: list[str]) -> tuple[dict, list[Visit]]:
    """({role: user e-mail}, every HTML page each role and an anonymous visitor reached)."""
    from refurb.accounts import services as accounts

    users = role_users()
    clients = {"anonymous": app.test_client()}
    for role, email in users.items():
        clients[role] = app.test_client()
        with clients[role].session_transaction() as session:
            session["_user_id"] = str(accounts.get_user_by_email(email).id)
            session["_fresh"] = True
    db.session.close()  # SQLite: leave the write lock to the app being walked
    visits = []
    for role in ROLES:
        visits += crawl(app, clients[role], role, start_pages(app, role), every=extra_pages)
    visits += crawl(app, clients["anonymous"], "anonymous", ["/login", "/verify"])
    return users, [v for v in visits if v.html is not None and v.status == 200]


def one_per_endpoint(visits: list[Visit]) -> list[Visit]:
    """The first page of each (role, endpoint): one instance of each template per role."""
    chosen, seen = [], set()
    for visit in visits:
        if (visit.role, visit.endpoint) not in seen:
            seen.add((visit.role, visit.endpoint))
            chosen.append(visit)
    return chosen


LABELLED_ELSEWHERE = {"hidden", "submit", "button", "image", "reset"}


class _Checker(HTMLParser):
    """Duplicate ids and form fields without a label, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, int] = {}
        self.label_for: set[str] = set()
        self.fields: list[tuple[str, dict, bool]] = []  # (tag, attrs, inside a <label>)
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] = self.ids.get(attributes["id"], 0) + 1
        if tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (attributes.get("type") or "text").lower() in LABELLED_ELSEWHERE:
                return
            self.fields.append((tag, attributes, self.label_depth > 0))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "label" and self.label_depth:
            self.label_depth -= 1


def html_faults(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    faults = [f"id {name!r} ×{count}" for name, count in checker.ids.items() if count > 1]
    for tag, attrs, wrapped in checker.fields:
        if wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby") \
                or attrs.get("id") in checker.label_for:
            continue
        faults.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}> has no label")
    return faults
