"""The warranty belongs to the school programme a machine was lent under (the settings when the
programme says nothing, or for a handover outside any programme): kept on the handover,
printed on the agreement, enforced by support requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from refurb.aftercare import support
from refurb.allocations import handover, reservations, schools
from refurb.allocations.handover import agreement_versions
from refurb.allocations.models import SchoolProgramme
from refurb.clock import utcnow
from refurb.extensions import db
from tests.access import status_for_roles
from tests.aftercare.helpers import handed_over
from tests.allocations.helpers import WORKSHOP, approved_file, loan_values, ready_device
from tests.beneficiaries.helpers import set_policy
from tests.training.helpers import pdf_text


def programme(name="Besançon-Clic CE2 2025", warranty_months=None):
    return schools.create_programme(schools.ProgrammeValues(
        name=name, start_level="CE2", cohort_year=2025, warranty_months=warranty_months),
        actor_id=None, now=utcnow())


def lent_under(school_programme, days_ago: int):
    when = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    set_policy(min_training_sessions=0, now=when - timedelta(days=3))
    pupil = approved_file("pupil", now=when - timedelta(days=2))
    laptop = ready_device("laptop", now=when - timedelta(days=2))
    reservation = reservations.reserve(pupil, [laptop], actor_id=None,
                                       now=when - timedelta(days=1))
    allocation, _ = handover.hand_over(
        reservation, loan_values(None, programme_id=school_programme.id), actor_id=None,
        now=when, workshop=WORKSHOP)
    db.session.commit()
    return allocation, laptop


def agreement_text(allocation) -> str:
    latest = max(agreement_versions(allocation), key=lambda v: v.version)
    return " ".join(pdf_text(latest.content).split())


def test_the_programme_warranty_is_printed_and_enforced(db):
    two_years = programme(warranty_months=24)
    allocation, laptop = lent_under(two_years, days_ago=400)
    assert allocation.warranty_months == 24
    assert "Garantie de l'atelier : 24 mois, jusqu'au" in agreement_text(allocation)
    # 400 days later: outside the 12 months of the school setting, inside the programme's 24.
    request = support.open_request(allocation, laptop, source="call", problem="Ne charge plus",
                                   actor_id=None, now=utcnow())
    assert request.in_warranty
    support.decide(request, "warranty_repair", actor_id=None, now=utcnow())


def test_without_its_own_length_a_programme_uses_the_school_setting(db):
    allocation, laptop = lent_under(programme(), days_ago=400)
    assert allocation.warranty_months == 12
    assert "Garantie de l'atelier : 12 mois" in agreement_text(allocation)
    request = support.open_request(allocation, laptop, source="call", problem="Écran cassé",
                                   actor_id=None, now=utcnow())
    assert not request.in_warranty


def test_outside_any_programme_the_ordinary_setting(db):
    allocation, _ = handed_over(0)
    assert allocation.programme_id is None and allocation.warranty_months == 6
    assert "Garantie de l'atelier : 6 mois" in agreement_text(allocation)


def test_shortening_a_programme_does_not_take_back_a_promise(db):
    scheme = programme(warranty_months=24)
    earlier, laptop = lent_under(scheme, days_ago=400)
    schools.set_warranty(scheme, 3)
    db.session.commit()
    later, _ = lent_under(scheme, days_ago=0)
    assert (earlier.warranty_months, later.warranty_months) == (24, 3)
    assert "Garantie de l'atelier : 3 mois" in agreement_text(later)
    request = support.open_request(earlier, laptop, source="call", problem="Clavier",
                                   actor_id=None, now=utcnow())
    assert request.in_warranty


def test_programme_pages_set_the_warranty(app, db, client, login_as):
    login_as("social_worker")
    response = client.post("/allocations/programmes/new", data={
        "name": "Clic CM1", "start_level": "CM1", "cohort_year": "2026",
        "warranty_months": "18"})
    assert response.status_code == 302
    scheme = db.session.scalar(select(SchoolProgramme))
    assert scheme.warranty_months == 18
    assert "18 mois" in client.get(response.headers["Location"]).get_data(as_text=True)

    refused = client.post(f"/allocations/programmes/{scheme.id}/warranty",
                          data={"warranty_months": "500"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Entre 0 et 120 mois." in html
    assert 'value="500"' in html

    # Empty: the workshop's setting for school programmes, said as such.
    assert client.post(f"/allocations/programmes/{scheme.id}/warranty",
                       data={"warranty_months": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SchoolProgramme, scheme.id).warranty_months is None
    page = client.get(f"/allocations/programmes/{scheme.id}").get_data(as_text=True)
    assert "12 mois (réglage de l’atelier)" in page

    results = status_for_roles(app, f"/allocations/programmes/{scheme.id}/warranty",
                               method="POST", data={"warranty_months": "1"})
    assert (results["technician"], results["donor"], results["anonymous"]) == (403, 403, 302)
