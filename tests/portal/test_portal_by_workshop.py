"""The donor portal's machines by workshop: read from the donor's own tallies when one
workshop handled its collections, added up per workshop when several did — the same figures
either way, however many collections the donor gave."""

from __future__ import annotations

from refurb.core.impact import Fate
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.portal import queries
from refurb.workshops.context import network_wide, use_workshop
from refurb.workshops.services import create_workshop
from tests.factories import NOW, make_collection, make_device, make_donor, make_user


def _to_dispose(device):
    devices.transition(device, State.TO_DISPOSE, actor_id=None, now=NOW)


def test_one_workshop_reads_the_donor_tallies_and_several_add_up(app, db):
    donor = make_donor("Fondation du Réseau")
    with use_workshop(1):
        for _ in range(3):
            make_device(collection=make_collection(donor))
        _to_dispose(make_device(collection=make_collection(donor)))
    db.session.commit()
    with network_wide():  # as the donor's pages read
        rows, total = queries.fates_by_workshop(donor.id)
    assert len(rows) == 1 and rows[0][1] == total
    assert total[Fate.IN_PROGRESS] + total[Fate.RECYCLED] == 4

    second = create_workshop("B2", "Atelier Bêta", "RB", now=NOW).id
    with use_workshop(second):
        _to_dispose(make_device(collection=make_collection(donor)))
        make_device(collection=make_collection(make_donor()))  # another donor's
    db.session.commit()
    with network_wide():
        rows, total = queries.fates_by_workshop(donor.id)
    by_name = dict(rows)
    assert len(rows) == 2 and sum(by_name["Atelier Bêta"].values()) == 1
    assert sum(total.values()) == 5
    assert total == {fate: sum(c[fate] for c in by_name.values()) for fate in Fate}

    user = make_user("donor", donor_organisation_id=donor.id)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert "Par atelier" in client.get("/portal/").get_data(as_text=True)
