"""Who may open what: the workshop works, social workers read the ready stock, donors never
see the workshop."""

import pytest

from refurb.accounts.access import ADMIN, STAFF, WORKSHOP
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.workshop.batch import start_batch
from refurb.workshop.part_needs import record_part_need
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.software import record_software
from tests.access import assert_only, status_for_roles
from tests.factories import NOW, make_device, make_user
from tests.workshop.helpers import make_location, make_part, to_repair

W, S, A = [str(r) for r in WORKSHOP], [str(r) for r in STAFF], [str(r) for r in ADMIN]


@pytest.fixture
def things(db):
    device = to_repair(make_device())
    parts_device = make_device()
    devices.transition(parts_device, State.DIAGNOSIS, actor_id=None, now=NOW)
    devices.transition(parts_device, State.PARTS, actor_id=None, now=NOW)
    install = record_software(device, os_name="windows",
                              licence_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
                              actor_id=None, now=NOW)
    profile = save_profile(None, ProfileValues(name="Accès"), now=NOW)
    owner = make_user("technician")
    batch = start_batch("apply_transition", "repair", role="technician", actor_id=owner.id,
                        now=NOW)
    need = record_part_need(device, part_id=None, category="fan", description="Ventilateur",
                            quantity=1, ordered_on=None, actor_id=None, now=NOW)
    values = dict(device=device.id, parts_device=parts_device.id, install=install.id,
                  part=make_part().id, location=make_location().id, profile=profile.id,
                  batch=batch.id, need=need.id)
    db.session.commit()
    return values


PAGES = [
    ("/workshop/stock", S),
    ("/workshop/devices/{device}", W),
    ("/workshop/devices/{device}/diagnosis", W),
    ("/workshop/devices/{device}/work-order", W),
    ("/workshop/devices/{device}/software", W),
    ("/workshop/devices/{device}/qa", W),
    ("/workshop/devices/{parts_device}/harvest", W),
    ("/workshop/parts", W),
    ("/workshop/parts/new", W),
    ("/workshop/parts/{part}", W),
    ("/workshop/locations", W),
    ("/workshop/locations/new", W),
    ("/workshop/locations/{location}", W),
    ("/workshop/locations/{location}/edit", W),
    ("/workshop/locations/{location}/label.pdf", W),
    ("/workshop/profiles", W),
    ("/workshop/profiles/new", A),
    ("/workshop/profiles/{profile}", A),
    ("/workshop/qa/checklist", A),
    ("/workshop/batch", W),
    ("/workshop/devices/{device}/part-needs/new", W),
    ("/workshop/waiting-for-parts", W),
]


@pytest.mark.parametrize(("url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(app, things, url, allowed):
    assert_only(app, url.format(**things), allowed)


POSTS = [
    ("/workshop/devices/{device}/location", W),
    ("/workshop/devices/{device}/diagnosis/start", W),
    ("/workshop/software/{install}/reveal", W),
    ("/workshop/qa/checks", A),
    ("/workshop/part-needs/{need}/ordered", W),
    ("/workshop/part-needs/{need}/fitted", W),
    ("/workshop/part-needs/{need}/cancel", W),
]


@pytest.mark.parametrize(("url", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_posts(app, things, url, allowed):
    assert_only(app, url.format(**things), allowed, method="POST")


@pytest.mark.parametrize("suffix", ["", "/scan", "/undo", "/close"])
def test_a_batch_is_its_owners_and_the_admins(app, things, suffix):
    url = f"/workshop/batch/{things['batch']}{suffix}"
    results = status_for_roles(app, url, method="POST" if suffix else "GET")
    assert results["admin"] < 400 or (suffix == "/undo" and results["admin"] == 409)
    assert results["technician"] == 403  # another technician's batch
    assert results["social_worker"] == 403 and results["donor"] == 403
    assert results["anonymous"] == 302


def test_unknown_ids_are_404(client, db, login_as):
    login_as("admin")
    for url in ("/workshop/devices/999", "/workshop/parts/999", "/workshop/locations/999",
                "/workshop/profiles/999", "/workshop/batch/999",
                "/workshop/locations/999/label.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post("/workshop/software/999/reveal").status_code == 404
