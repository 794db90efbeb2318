"""Who may open what in the WEEE pages, and list pages that do not grow queries with rows."""

import pytest
from sqlalchemy import select

from refurb.weee import batches as weee_batches
from refurb.weee.models import WasteItem, WasteRegisterLine
from tests.access import assert_only, status_for_roles
from tests.querycount import count_queries
from tests.weee.helpers import (
    NOW,
    closed_batch,
    configure_site,
    make_carrier,
    make_disposable,
    make_operator,
)

WORKSHOP = {"admin", "technician"}
ADMIN = {"admin"}

EXPECTED_ROLES = {
    "weee.batches": WORKSHOP, "weee.open_batch": WORKSHOP, "weee.batch": WORKSHOP,
    "weee.add_device": WORKSHOP, "weee.add_part": WORKSHOP, "weee.edit_item": WORKSHOP,
    "weee.remove_item": WORKSHOP, "weee.register_page": WORKSHOP,
    "weee.register_export": WORKSHOP, "weee.rates": WORKSHOP,
    "weee.handover_document": WORKSHOP,
    "weee.close": ADMIN, "weee.partners": ADMIN, "weee.operator_form": ADMIN,
    "weee.carrier_form": ADMIN, "weee.record_incoming": ADMIN, "weee.correct": ADMIN,
}


def test_every_weee_route_declares_its_roles(app):
    endpoints = {e for e in app.view_functions if e.startswith("weee.")}
    assert endpoints == set(EXPECTED_ROLES)
    for endpoint, roles in EXPECTED_ROLES.items():
        assert app.view_functions[endpoint].allowed_roles == roles, endpoint


@pytest.fixture
def objects(db):
    configure_site()
    closed = closed_batch([make_disposable()])
    open_ = weee_batches.open_batch(container="pallet", actor_id=None, now=NOW)
    item = weee_batches.add_device(open_, make_disposable(), actor_id=None, now=NOW)
    line = db.session.scalars(select(WasteRegisterLine)).first()
    operator = make_operator("77711122200017")
    carrier = make_carrier("53210987600013")
    db.session.commit()
    return {"closed": closed.id, "open": open_.id, "item": item.id, "line": line.id,
            "operator": operator.id, "carrier": carrier.id}


def test_pages_by_role(app, objects):
    o = objects
    for url in ("/weee/", f"/weee/batches/{o['open']}", f"/weee/batches/{o['closed']}",
                "/weee/register", "/weee/register?direction=incoming", "/weee/register.jsonl",
                "/weee/register.csv?direction=incoming", "/weee/rates", f"/weee/batches/{o['closed']}/handover"):
        assert_only(app, url, WORKSHOP)
    for url in (f"/weee/batches/{o['open']}/close", "/weee/partners", "/weee/operators/new",
                f"/weee/operators/{o['operator']}", "/weee/carriers/new",
                f"/weee/carriers/{o['carrier']}", f"/weee/register/{o['line']}/correct"):
        assert_only(app, url, ADMIN)


def test_actions_by_role(app, db, objects):
    o = objects
    posts = {
        "/weee/batches": WORKSHOP,
        f"/weee/batches/{o['open']}/devices": WORKSHOP,
        f"/weee/batches/{o['open']}/parts": WORKSHOP,
        f"/weee/items/{o['item']}": WORKSHOP,
        f"/weee/batches/{o['open']}/close": ADMIN,
        "/weee/operators/new": ADMIN,
        "/weee/carriers/new": ADMIN,
        "/weee/register/incoming": ADMIN,
        f"/weee/register/{o['line']}/correct": ADMIN,
        f"/weee/items/{o['item']}/remove": WORKSHOP,  # last: the first allowed call removes it
    }
    for url, allowed in posts.items():
        results = status_for_roles(app, url, method="POST", data={})
        for role, status in results.items():
            if role == "anonymous":
                assert status == 302, url
            elif role in allowed:
                assert status not in (401, 403), f"{url}: {role} refused"
            else:
                assert status == 403, f"{url}: {role} got {status}"
    assert db.session.get(WasteItem, o["item"]) is None  # the admin's call did remove it


def test_technicians_see_no_closing_button_nor_register_corrections(client, login_as, objects):
    login_as("technician")
    html = client.get(f"/weee/batches/{objects['open']}").get_data(as_text=True)
    assert "/close" not in html and "Ajouter un appareil" in html
    html = client.get("/weee/register").get_data(as_text=True)
    assert "Corriger" not in html and "/weee/partners" not in html


def test_admins_see_the_closing_button_of_open_batches_and_the_partners(client, login_as,
                                                                       objects):
    login_as("admin")
    html = client.get(f"/weee/batches/{objects['open']}").get_data(as_text=True)
    assert f"/weee/batches/{objects['open']}/close" in html and "/weee/partners" in html
    html = client.get(f"/weee/batches/{objects['closed']}").get_data(as_text=True)
    assert "/close" not in html and "Ajouter un appareil" not in html


def _fill(batches: int, items_each: int) -> None:
    operator, carrier = make_operator(), make_carrier()
    for _ in range(batches):
        closed_batch([make_disposable() for _ in range(items_each)], operator=operator,
                     carriers=[carrier])
        weee_batches.open_batch(container="box", actor_id=None, now=NOW)


@pytest.mark.parametrize("url", ["/weee/", "/weee/register", "/weee/partners",
                                 "/weee/register?direction=incoming", "/weee/rates"])
def test_list_pages_do_not_grow_queries_with_rows(client, db, login_as, url):
    login_as("admin")
    configure_site()
    _fill(1, 1)
    db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    operator = make_operator("77711122200017")
    carrier = make_carrier("53210987600013")
    for _ in range(6):
        closed_batch([make_disposable() for _ in range(3)], operator=operator,
                     carriers=[carrier])
        weee_batches.open_batch(container="box", actor_id=None, now=NOW)
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), url


def test_batch_page_does_not_grow_queries_with_items(client, db, login_as):
    login_as("technician")
    configure_site()
    small = weee_batches.open_batch(container="pallet", actor_id=None, now=NOW)
    weee_batches.add_device(small, make_disposable(), actor_id=None, now=NOW)
    big = weee_batches.open_batch(container="pallet", actor_id=None, now=NOW)
    for _ in range(25):
        weee_batches.add_device(big, make_disposable(), actor_id=None, now=NOW)
    db.session.commit()
    with count_queries() as few:
        client.get(f"/weee/batches/{small.id}")
    with count_queries() as many:
        assert client.get(f"/weee/batches/{big.id}").status_code == 200
    assert len(many) == len(few)
