"""Invariant 4: beneficiary data only for social workers and admins."""

import pytest
from sqlalchemy import select

from refurb.accounts.models import User
from refurb.beneficiaries.models import AccessLogEntry
from tests.access import assert_only
from tests.beneficiaries.helpers import FIRST_NAME, LAST_NAME, make_file, submit
from tests.factories import make_device, make_user

SOCIAL = ("admin", "social_worker")
ADMIN = ("admin",)


def beneficiary_urls(file_id: int) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(method, url, allowed roles, endpoint) for every route of the blueprint."""
    base = f"/beneficiaries/{file_id}"
    return [
        ("GET", "/beneficiaries/", SOCIAL, "list_files"),
        ("GET", "/beneficiaries/?q=zeb&status=draft&kind=household", SOCIAL, "list_files"),
        ("GET", "/beneficiaries/waiting", SOCIAL, "waiting_list"),
        ("GET", "/beneficiaries/new/household", SOCIAL, "new_file"),
        ("POST", "/beneficiaries/new/pupil", SOCIAL, "new_file"),
        ("GET", base, SOCIAL, "show_file"),
        ("GET", f"{base}/edit", SOCIAL, "edit_file"),
        ("POST", f"{base}/edit", SOCIAL, "edit_file"),
        ("POST", f"{base}/decision", SOCIAL, "decide"),
        ("POST", f"{base}/documents", SOCIAL, "add_document_check"),
        ("GET", f"{base}/export.json", SOCIAL, "export_json"),
        ("GET", f"{base}/export.pdf", SOCIAL, "export_pdf"),
        ("GET", "/beneficiaries/policy", ADMIN, "edit_policy"),
        ("POST", "/beneficiaries/policy", ADMIN, "edit_policy"),
        ("GET", "/beneficiaries/policy/current", SOCIAL, "current_policy"),
        ("GET", "/beneficiaries/policy/1", SOCIAL, "show_policy"),
    ]


def test_every_route_of_the_blueprint_is_in_the_matrix(app):
    listed = {f"beneficiaries.{endpoint}" for *_, endpoint in beneficiary_urls(1)}
    routes = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("beneficiaries.")}
    assert routes == listed
    for endpoint in routes:
        assert app.view_functions[endpoint].allowed_roles <= {"admin", "social_worker"}, endpoint


@pytest.mark.parametrize("index", range(len(beneficiary_urls(1))))
def test_only_social_workers_and_admins_open_beneficiary_pages(app, db, index):
    beneficiary = make_file()
    db.session.commit()
    method, url, allowed, _ = beneficiary_urls(beneficiary.id)[index]
    assert_only(app, url, allowed, method=method)


def test_refused_roles_leave_no_trace_in_the_access_log(app, db):
    beneficiary = make_file()
    db.session.commit()
    assert_only(app, f"/beneficiaries/{beneficiary.id}", SOCIAL)
    roles = set(db.session.scalars(
        select(User.role).join(AccessLogEntry, AccessLogEntry.user_id == User.id)))
    assert roles == {"admin", "social_worker"}


def _reachable_pages(app) -> list[str]:
    """Every parameterless GET page of the whole application (all domains)."""
    skip = {"static", "accounts.logout"}
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in skip
    )


@pytest.mark.parametrize("role", ["technician", "donor"])
def test_no_page_a_technician_or_donor_reaches_shows_a_beneficiary_name(
    app, db, client, login_as, role
):
    worker = make_user("social_worker")
    beneficiary = make_file(actor_id=worker.id)
    submit(beneficiary, actor_id=worker.id)
    device = make_device()
    db.session.commit()
    login_as(role)
    pages = [*_reachable_pages(app), f"/devices/{device.id}", f"/scan?q={beneficiary.pseudonym}",
             f"/beneficiaries/{beneficiary.id}"]
    assert "/" in pages and "/devices" in pages and "/portal/" in pages
    reached = 0
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert LAST_NAME not in html and LAST_NAME.upper() not in html, (role, url)
        assert FIRST_NAME not in html, (role, url)
        reached += response.status_code == 200
    assert reached >= 2  # their own pages did render
