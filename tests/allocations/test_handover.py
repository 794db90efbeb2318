"""Handover (gift / loan), the agreement PDF, the training requirement, the end of a loan
(returned or kept) and school programmes."""

import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from refurb.allocations import handover, loans, purge, queries, reservations, schools
from refurb.beneficiaries import services as beneficiaries
from refurb.core.errors import IllegalTransition, InvalidInput, NotEligible
from refurb.core.siret import InvalidUai
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.documents.models import IssuedDocument
from tests.allocations.helpers import (
    WORKSHOP,
    approved_file,
    gift_values,
    loan_values,
    ready_device,
)
from tests.beneficiaries.helpers import FIRST_NAME, LAST_NAME, NOW, set_policy

LATER = NOW + timedelta(days=2)


def pdf_text(document) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    return " ".join(text.split())  # cells wrap: compare words, not lines


def reserved(*types, family=None, now=NOW):
    family = family or approved_file()
    devices_ = [ready_device(t) for t in (types or ("laptop",))]
    return family, devices_, reservations.reserve(family, devices_, actor_id=None, now=now)


def hand(reservation, values=None, now=LATER):
    return handover.hand_over(reservation, values or gift_values(), actor_id=None, now=now,
                              workshop=WORKSHOP, signed_for_workshop="Camille Travailleuse")


def all_event_text(db) -> str:
    rows = db.session.scalars(select(DeviceEvent)).all()
    return json.dumps([[e.reason, e.details] for e in rows], ensure_ascii=False).lower()


@pytest.mark.usefixtures("no_training")
def test_a_gift_allocates_names_the_pseudonym_and_serves_the_file(db):
    family, pack, reservation = reserved("laptop", "monitor")
    allocation, document = hand(reservation)
    db.session.commit()
    assert allocation.number == "REM-2026-0001"
    assert (allocation.mode, allocation.status, allocation.fee_amount) == (
        "gift", "active", Decimal("10.00"))
    assert reservation.status == "handed_over"
    assert family.status == "served" and family.last_device_received_on == LATER.date()
    for device in pack:
        assert device.state == "allocated"
        event = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                                   .order_by(DeviceEvent.id.desc())).first()
        assert event.details == {"beneficiary": family.pseudonym, "mode": "don",
                                 "allocation": "REM-2026-0001"}
    history = all_event_text(db)
    assert LAST_NAME.lower() not in history and FIRST_NAME.lower() not in history


@pytest.mark.usefixtures("no_training")
def test_the_agreement_holds_identity_devices_and_fee_and_is_personal(db):
    family, pack, reservation = reserved("laptop", "monitor")
    _allocation, document = hand(reservation)
    assert (document.kind, document.version, document.personal) == ("agreement", 1, True)
    assert document.filename == "convention-don-REM-2026-0001-v1.pdf"
    text = pdf_text(document)
    assert "Convention de don" in text
    assert LAST_NAME.upper() in text and FIRST_NAME in text
    for device in pack:
        assert device.asset_tag in text and device.serial in text
    assert "10,00 €" in text and "reçu n° R-2026-001" in text and "espèces" in text
    assert "Intel Core i5-5300U" in text and "8 Go" in text and "Linux Mint" in text
    assert f"Grade esthétique : {pack[0].grade} — " in text
    assert "ne pas le revendre" in text and "(DEEE)" in text
    assert "04 00 00 00 00" in text  # the workshop's support contact
    assert "Camille Travailleuse" in text


@pytest.mark.usefixtures("no_training")
def test_a_loan_contract_states_the_due_date(db):
    _family, _pack, reservation = reserved()
    allocation, document = hand(reservation, loan_values(date(2027, 3, 1)))
    assert (allocation.mode, allocation.due_on) == ("loan", date(2027, 3, 1))
    text = pdf_text(document)
    assert "Contrat de prêt" in text and "au plus tard le 01/03/2027" in text
    assert document.filename.startswith("contrat-pret-")
    event = db.session.scalars(select(DeviceEvent).order_by(DeviceEvent.id.desc())).first()
    assert event.details["mode"] == "prêt" and event.details["due_on"] == "2027-03-01"


@pytest.mark.usefixtures("no_training")
def test_a_waived_fee_is_recorded_without_method(db):
    _family, _pack, reservation = reserved()
    allocation, document = hand(reservation, gift_values(fee_status="waived",
                                                         fee_amount=Decimal("0"),
                                                         fee_method="cash", receipt_number="x"))
    assert (allocation.fee_status, allocation.fee_method, allocation.receipt_number) == (
        "waived", None, "")
    assert "exonérée" in pdf_text(document)


@pytest.mark.usefixtures("no_training")
def test_a_refused_handover_changes_nothing_and_gives_every_reason(db):
    family, pack, reservation = reserved()
    db.session.commit()
    with pytest.raises(IllegalTransition) as refused:
        hand(reservation, loan_values(None, fee_method=None, receipt_number=""))
    assert refused.value.message == "Remise impossible."
    assert len(refused.value.reasons) == 3
    db.session.rollback()
    assert pack[0].state == "reserved" and family.status == "approved"
    assert db.session.scalar(select(IssuedDocument.id)) is None


@pytest.mark.usefixtures("no_training")
def test_an_approval_that_expired_since_the_reservation_refuses_the_handover(db):
    family = approved_file(now=datetime(2026, 3, 2, 9))  # valid until 2 September
    _f, _pack, reservation = reserved(family=family, now=datetime(2026, 8, 30, 9))
    with pytest.raises(NotEligible, match="a expiré le 02/09/2026"):
        hand(reservation, now=datetime(2026, 9, 3, 9))


@pytest.mark.usefixtures("no_training")
def test_an_expired_reservation_cannot_be_handed_over(db):
    _family, _pack, reservation = reserved()
    with pytest.raises(IllegalTransition, match="a expiré le 16/03/2026"):
        hand(reservation, now=NOW + timedelta(days=15))


# --- training requirement (FERIS model) -----------------------------------------------------


def attend(family, sessions: int, first_day: date) -> None:
    """Real attendance through the training domain: one afternoon per session."""
    from refurb.training import attendance, enrolments, programmes
    from refurb.training import sessions as training_sessions

    programme = programmes.create_programme(
        programmes.ProgrammeValues(title=f"Premiers pas {first_day}", planned_sessions=5,
                                   hours_per_session=Decimal(2)),
        actor_id=None, now=NOW)
    enrolments.enrol(programme, family, actor_id=None, now=NOW, enrolled_on=first_day)
    for n in range(sessions):
        session = training_sessions.create_session(training_sessions.SessionValues(
            programme_id=programme.id, session_date=first_day + timedelta(days=n),
            start_time=time(14), end_time=time(16), trainer_name="Formateur"),
            actor_id=None, now=NOW)
        attendance.record_attendance(session, [attendance.ParticipantMarks(
            family.id, marks={"afternoon": "present"})], actor_id=None, now=LATER)


def test_the_training_requirement_blocks_then_allows_the_handover(db):
    set_policy(min_training_sessions=2)
    family, pack, reservation = reserved()
    db.session.commit()
    assert handover.training_status(family.id).missing == 2
    with pytest.raises(IllegalTransition) as refused:
        hand(reservation)
    assert [str(reason) for reason in refused.value.reasons] == [
        "Formation : 0 séance(s) suivie(s) sur 2 exigée(s), il en manque 2."]
    db.session.rollback()
    attend(family, 1, date(2026, 2, 20))
    db.session.commit()
    with pytest.raises(IllegalTransition) as refused:
        hand(reservation)
    assert "il en manque 1" in str(refused.value.reasons[0])
    db.session.rollback()
    attend(family, 1, date(2026, 2, 26))
    assert handover.training_status(family.id).missing == 0
    allocation, _document = hand(reservation)
    assert pack[0].state == "allocated" and allocation.status == "active"


# --- the end of a loan ----------------------------------------------------------------------


@pytest.mark.usefixtures("no_training")
def test_a_returned_loan_goes_back_into_the_workshop_flow(db):
    family, pack, reservation = reserved("laptop", "monitor")
    allocation, _ = hand(reservation, loan_values(date(2027, 3, 1)))
    back = NOW + timedelta(days=200)
    loans.return_devices(allocation, [pack[1].id], actor_id=None, now=back,
                         note="câble manquant")
    assert (pack[0].state, pack[1].state, allocation.status) == ("allocated", "returned", "active")
    loans.return_devices(allocation, actor_id=None, now=back)
    assert (pack[0].state, allocation.status, allocation.returned_at) == ("returned", "returned",
                                                                          back)
    event = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == pack[1].id)
                               .order_by(DeviceEvent.id.desc())).first()
    assert (event.from_state, event.to_state) == ("allocated", "returned")
    assert event.reason == "retour de prêt : câble manquant"
    assert event.details == {"beneficiary": family.pseudonym, "allocation": allocation.number}
    assert family.last_contact_at == back  # a contact: the retention period restarts
    devices.transition(pack[0], "diagnosis", actor_id=None, now=back)  # the workshop takes it
    assert pack[0].state == "diagnosis"
    with pytest.raises(InvalidInput, match="encore détenue"):
        loans.return_devices(allocation, actor_id=None, now=back)


@pytest.mark.usefixtures("no_training")
def test_keeping_a_loan_turns_it_into_a_gift_with_a_new_agreement_version(db):
    family, pack, reservation = reserved()
    allocation, first = hand(reservation, loan_values(date(2027, 3, 1)))
    first_sha = first.sha256
    db.session.commit()
    kept_on = datetime(2027, 3, 1, 10)
    second = loans.keep_loan(allocation, actor_id=None, now=kept_on, workshop=WORKSHOP)
    db.session.commit()
    assert (allocation.mode, allocation.converted_at, allocation.due_on) == (
        "gift", kept_on, date(2027, 3, 1))
    assert (second.number, second.version) == (first.number, 2)
    assert db.session.get(IssuedDocument, first.id).sha256 == first_sha  # v1 untouched
    text = pdf_text(second)
    assert "Convention de don" in text and "prêt converti en don le 01/03/2027" in text
    event = db.session.scalars(select(DeviceEvent).order_by(DeviceEvent.id.desc())).first()
    assert (event.kind, event.reason, event.from_state, event.to_state) == (
        "loan_converted", "prêt converti en don", "allocated", "allocated")
    assert event.details == {"beneficiary": family.pseudonym, "mode": "don",
                             "allocation": allocation.number}
    assert pack[0].state == "allocated"
    with pytest.raises(IllegalTransition, match="n'est pas un prêt en cours"):
        loans.keep_loan(allocation, actor_id=None, now=kept_on)


@pytest.mark.usefixtures("no_training")
def test_issuing_the_same_agreement_again_keeps_its_version(db):
    _family, _pack, reservation = reserved()
    allocation, first = hand(reservation)
    again = handover.issue_agreement(allocation, actor_id=None, now=LATER + timedelta(hours=1),
                                     workshop=WORKSHOP, signed_for_workshop="Camille Travailleuse")
    assert again.id == first.id


@pytest.mark.usefixtures("no_training")
def test_a_family_holding_a_loan_is_kept_out_of_the_gdpr_purge(db):
    family, _pack, reservation = reserved()
    assert purge.keep_while_holding(family) == "Réservation de matériel en cours."
    allocation, _ = hand(reservation, loan_values(date(2027, 3, 1)))
    assert purge.keep_while_holding(family) == f"Matériel en prêt (remise {allocation.number})."
    loans.keep_loan(allocation, actor_id=None, now=LATER)
    assert purge.keep_while_holding(family) is None
    assert purge.keep_while_holding in beneficiaries.PURGE_BLOCKERS


# --- school programmes ----------------------------------------------------------------------


def programme(name="Besançon-Clic 2026", **changes):
    values = {"name": name, "start_level": "CE2", "cohort_year": 2026}
    values.update(changes)
    return schools.create_programme(schools.ProgrammeValues(**values), actor_id=None, now=NOW)


@pytest.mark.usefixtures("no_training")
def test_a_programme_loan_is_due_when_the_pupil_enters_sixth_grade(db):
    clic = programme()
    assert clic.due_on == date(2029, 9, 1)
    schools.add_school(clic, "0250001r", "École Jean Macé")
    pupil = approved_file("pupil", commune="Fresnes-sur-Escaut")
    _p, _pack, reservation = reserved(family=pupil)
    allocation, document = hand(reservation, gift_values(mode="loan", programme_id=clic.id))
    assert (allocation.due_on, allocation.programme_id) == (date(2029, 9, 1), clic.id)
    assert "Besançon-Clic 2026" in pdf_text(document)


@pytest.mark.usefixtures("no_training")
def test_a_programme_refuses_gifts_and_pupils_of_other_schools(db):
    clic = programme()
    schools.add_school(clic, "0250002S", "École Victor Hugo")
    pupil = approved_file("pupil", commune="Fresnes-sur-Escaut")  # at 0250001R
    _p, _pack, reservation = reserved(family=pupil)
    with pytest.raises(IllegalTransition) as refused:
        hand(reservation, gift_values(programme_id=clic.id))
    assert [str(reason) for reason in refused.value.reasons] == [
        "Un dispositif scolaire prête les machines : choisissez « prêt ».",
        "L'école de l'élève ne fait pas partie des écoles du dispositif."]


def test_programme_input_is_checked_in_french(db):
    programme()
    with pytest.raises(InvalidInput, match="existe déjà"):
        programme()
    with pytest.raises(InvalidInput, match="Classe inconnue"):
        programme("Autre", start_level="6e")
    with pytest.raises(InvalidInput, match="Année scolaire invalide"):
        programme("Autre", cohort_year=26)
    explicit = programme("Clic 2", due_on=date(2029, 7, 4))
    assert explicit.due_on == date(2029, 7, 4)
    with pytest.raises(InvalidUai):
        schools.add_school(explicit, "0250001A", "École")
    schools.add_school(explicit, "0250001R", "École Jean Macé")
    with pytest.raises(InvalidInput, match="fait déjà partie"):
        schools.add_school(explicit, "0250001R", "Encore")


@pytest.mark.usefixtures("no_training")
def test_loans_due_this_month_and_overdue(db):
    today = date(2027, 3, 10)
    due = {}
    for label, when in (("overdue", date(2027, 2, 28)), ("month", date(2027, 3, 31)),
                        ("later", date(2027, 4, 1))):
        _f, _p, reservation = reserved()
        due[label], _ = hand(reservation, loan_values(when))
    _f, _p, reservation = reserved()
    hand(reservation)  # a gift is never due

    def numbers(scope):
        return [a.number for a in db.session.scalars(queries.loans_query(today, scope))]

    assert numbers("overdue") == [due["overdue"].number]
    assert numbers("month") == [due["month"].number]
    assert numbers("due") == [due["overdue"].number, due["month"].number]
    assert len(numbers("all")) == 3
    loans.return_devices(due["overdue"], actor_id=None, now=datetime(2027, 3, 10))
    assert numbers("due") == [due["month"].number]
