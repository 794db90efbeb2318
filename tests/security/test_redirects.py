"""Item 3: redirects go to a path of this site only — after sign-in (`next`), and wherever a
page sends the user back where they came from (Referer)."""

from urllib.parse import quote

import pytest

from tests.factories import PASSWORD, make_user

HOST = "http://localhost/"

# Each is read by some browser (or a proxy decoding first) as another site, or breaks the
# Location header.
FOREIGN = [
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r/evil.example",
    "/\n/evil.example",
    "/\x0b/evil.example",
    " //evil.example",
    "/%09/evil.example",
    "/%0d/x",
    "/%0a/x",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "https://evil.example/",
    "http://evil.example",
    "HTTP://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://localhost@evil.example/",
    "https://localhost/devices",  # another scheme: another origin
    "evil.example",
    "",
]
LOCAL = ["/devices", "/devices?page=2", "/scan?q=RF%202026", "/workshop/devices/3#qa"]


@pytest.mark.parametrize("target", FOREIGN)
def test_foreign_targets_fall_back(target):
    from refurb.security.redirects import safe_redirect_target

    assert safe_redirect_target(target, "/home", host_url=HOST) == "/home"


@pytest.mark.parametrize("target", LOCAL)
def test_local_paths_are_kept(target):
    from refurb.security.redirects import safe_redirect_target

    assert safe_redirect_target(target, "/home", host_url=HOST) == target


def test_own_absolute_url_becomes_its_path():
    from refurb.security.redirects import safe_redirect_target

    assert safe_redirect_target("http://localhost/devices?page=2", "/home",
                                host_url=HOST) == "/devices?page=2"
    # Without a host to compare with, an absolute URL is never trusted.
    assert safe_redirect_target("http://localhost/devices", "/home") == "/home"


def _sign_in(client, next_value: str):
    tech = make_user("technician")
    from refurb.extensions import db

    db.session.commit()
    return client.post(f"/login?next={quote(next_value, safe='')}",
                       data={"email": tech.email, "password": PASSWORD})


@pytest.mark.parametrize("next_value", FOREIGN)
def test_login_next_never_leaves_the_site(client, db, next_value):
    response = _sign_in(client, next_value)
    assert response.status_code == 302, next_value  # never a 500 (CR in a header)
    assert response.headers["Location"] == "/"


def test_login_next_keeps_a_local_path(client, db):
    assert _sign_in(client, "/devices?page=1").headers["Location"] == "/devices?page=1"


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example",
                                     "http://localhost/\t/evil.example", "/\\evil.example"])
def test_scan_with_nothing_typed_ignores_a_foreign_referer(client, db, login_as, referer):
    login_as("technician")
    response = client.get("/scan?q=", headers={"Referer": referer})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_scan_with_nothing_typed_goes_back_to_a_page_of_the_site(client, db, login_as):
    login_as("technician")
    response = client.get("/scan?q=", headers={"Referer": "http://localhost/devices?page=1"})
    assert response.headers["Location"] == "/devices?page=1"


@pytest.mark.parametrize("referer", ["https://evil.example/", "//evil.example/"])
def test_language_switch_ignores_a_foreign_referer(client, db, referer):
    response = client.post("/account/language", data={"locale": "en"},
                           headers={"Referer": referer})
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize(("referer", "location"), [
    ("https://evil.example/", "/"), ("//evil.example/x", "/"),
    ("http://localhost/devices?page=1", "/devices?page=1")])
def test_refused_action_goes_back_only_to_this_site(_db_location, db, referer, location):
    """A DomainError that reaches the error handler sends the user back to the referring
    page: only when that page is ours."""
    from refurb.core.errors import DomainError
    from tests.conftest import make_app

    app = make_app(_db_location)

    @app.get("/refused-for-the-test")
    def refused():
        raise DomainError("Refusé.")

    response = app.test_client().get("/refused-for-the-test", headers={"Referer": referer})
    assert response.status_code == 302
    assert response.headers["Location"] == location
