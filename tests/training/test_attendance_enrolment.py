"""Attendance only for sessions on or after the enrolment."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.core.errors import IllegalTransition
from refurb.training.models import Attendance
from tests.training.helpers import (
    PAST,
    TODAY,
    enrol,
    make_participant,
    make_programme,
    make_session,
    mark,
)


def test_a_session_before_the_enrolment_takes_no_mark(db):
    programme = make_programme()
    early = make_session(programme, on=PAST - timedelta(days=7))
    on_the_day = make_session(programme, on=PAST)
    person = make_participant()
    enrol(programme, person, enrolled_on=PAST)
    db.session.commit()
    with pytest.raises(IllegalTransition) as refused:
        mark(early, person, afternoon="present")
    assert refused.value.message == (
        f"{person.display_name} s'est inscrit(e) le {PAST:%d/%m/%Y} : la séance du "
        f"{PAST - timedelta(days=7):%d/%m/%Y} a eu lieu avant son inscription, aucune présence "
        "ne peut y être notée.")
    db.session.rollback()
    mark(on_the_day, person, afternoon="present")
    assert [a.session_id for a in db.session.scalars(select(Attendance))] == [on_the_day.id]


def test_the_sheet_greys_out_people_enrolled_after_the_session(db, client, login_as):
    login_as("social_worker")
    programme = make_programme()
    session = make_session(programme, on=PAST)
    early, late = make_participant(), make_participant()
    enrol(programme, early, enrolled_on=PAST - timedelta(days=1))
    enrol(programme, late, enrolled_on=TODAY)
    db.session.commit()
    html = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    rows = html.split("<tr")
    late_row = next(r for r in rows if late.pseudonym in r)
    early_row = next(r for r in rows if early.pseudonym in r)
    assert "before-enrolment" in late_row and "disabled" in late_row
    assert "après cette séance" in late_row
    assert "disabled" not in early_row

    # The sheet as the browser sends it (nothing for the greyed line) is accepted.
    response = client.post(f"/training/sessions/{session.id}/attendance", data={
        "rows-0-beneficiary_id": early.id, "rows-0-afternoon": "present",
        "rows-1-beneficiary_id": late.id})
    assert response.status_code == 302
    assert [a.beneficiary_id for a in db.session.scalars(select(Attendance))] == [early.id]
