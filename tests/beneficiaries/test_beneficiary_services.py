from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from refurb.append_only import AppendOnlyViolation
from refurb.beneficiaries import (
    access_log,
    document_checks,
    evaluation,
    files,
    gdpr,
    queries,
    workflow,
)
from refurb.beneficiaries import policy as policies
from refurb.beneficiaries.models import (
    AccessLogEntry,
    ApplicationDecision,
    PolicyVersion,
)
from refurb.core.eligibility import DEFAULT_POLICY, PolicyError
from refurb.core.errors import (
    ConcurrentChange,
    IllegalTransition,
    InvalidInput,
    NotEligible,
)
from refurb.core.siret import InvalidRna, InvalidUai
from tests.beneficiaries.helpers import NOW, household_values, make_file, set_policy, submit
from tests.factories import make_user


def texts(error) -> list[str]:
    """An error's reasons as the French reader sees them."""
    return [str(reason) for reason in error.reasons]


def decisions_of(db, beneficiary):
    db.session.expire_all()
    return list(db.session.scalars(
        select(ApplicationDecision).where(ApplicationDecision.beneficiary_id == beneficiary.id)
        .order_by(ApplicationDecision.id)))


# --- files ----------------------------------------------------------------------------------


def test_creating_a_file_gives_a_pseudonym_and_records_the_creation(db):
    worker = make_user("social_worker")
    first = make_file(actor_id=worker.id)
    second = make_file(actor_id=worker.id)
    assert (first.pseudonym, second.pseudonym) == ("BEN-0001", "BEN-0002")
    assert files.pseudonym_of(first) == "BEN-0001"
    assert first.status == "draft" and first.qf_band == "400-599"
    [created] = decisions_of(db, first)
    assert (created.from_status, created.to_status, created.actor_id) == (None, "draft", worker.id)
    assert created.policy_version == 1
    assert created.evaluation["eligible"] is True
    assert created.evaluation["quotient_familial"] == "575.00"


def test_public_view_holds_no_personal_data(db):
    beneficiary = make_file()
    view = files.public_view(beneficiary)
    assert (view.pseudonym, view.commune, view.kind) == (
        beneficiary.pseudonym, "Fresnes-sur-Escaut", "household")
    assert view.kind_label == "Foyer"
    assert set(vars(view)) == {"pseudonym", "commune", "kind", "kind_label"}


def test_the_core_shows_its_working_for_a_qf_from_the_tax_notice(db):
    beneficiary = make_file()
    result = evaluation.evaluate_file(beneficiary, NOW.date())
    assert result.eligible and result.quotient_familial == Decimal("575.00")
    assert result.quotient_working[0].startswith("Nombre de parts CAF")
    assert result.quotient_working[-1] == "÷ 4 parts = 575,00\u00a0€"


@pytest.mark.parametrize(
    ("kind", "changes", "error", "fragment"),
    [
        ("household", {"commune": "  "}, InvalidInput, "commune est obligatoire"),
        ("household", {"last_name": ""}, InvalidInput, "nom et le prénom"),
        ("school", {"uai": "0250001A"}, InvalidUai, "lettre de contrôle devrait être « R »"),
        ("school", {"uai": ""}, InvalidInput, "code UAI de l'école est obligatoire"),
        ("association", {"rna": "751234567"}, InvalidRna, "commencer par la lettre W"),
        ("association", {"rna": None}, InvalidInput, "numéro RNA"),
        ("pupil", {"school_level": ""}, InvalidInput, "classe de l'élève"),
        ("household", {"annual_income": None}, InvalidInput, "revenu fiscal de référence est requis"),
        ("household", {"children": 1, "children_with_disability": 2}, InvalidInput, "dépasser"),
        ("household", {"situations": frozenset({"lottery"})}, InvalidInput, "Situation inconnue"),
        ("household", {"tax_shares": Decimal("5000")}, InvalidInput, "parts fiscales semble erroné"),
        ("household", {"annual_income": Decimal("1e12")}, InvalidInput, "semble erroné"),
        ("household", {"children": 99}, InvalidInput, "ne peut pas dépasser 30"),
    ],
)
def test_file_validation_is_french(db, kind, changes, error, fragment):
    with pytest.raises(error) as info:
        make_file(kind, **changes)
    assert fragment in info.value.message


def test_identifiers_are_normalised(db):
    school = make_file("school", uai="0250001r")
    association = make_file("association", rna="w 251 234 567")
    pupil = make_file("pupil")
    assert (school.uai, association.rna) == ("0250001R", "W251234567")
    assert (pupil.uai, pupil.school_level, pupil.programme) == (
        "0250001R", "CE2", "Besançon-Clic 2026")
    assert school.qf_band == "n/a" and evaluation.evaluate_file(school, NOW.date()) is None


def test_caf_basis_keeps_only_the_caf_figure(db):
    beneficiary = make_file(income_basis="caf", stated_quotient=Decimal("420.5"))
    assert beneficiary.stated_quotient == Decimal("420.5")
    assert beneficiary.annual_income is None and beneficiary.monthly_benefits is None
    assert evaluation.evaluate_file(beneficiary, NOW.date()).quotient_working == [
        "Quotient familial indiqué par la CAF : 420,50\u00a0€"]


def test_updating_changes_situations_band_and_last_contact(db):
    beneficiary = make_file()
    later = NOW + timedelta(days=3)
    files.update_file(
        beneficiary,
        household_values(income_basis="caf", stated_quotient=Decimal("1200"), non_taxable=True,
                         situations=frozenset({"rsa", "senior"})),
        actor_id=None, now=later)
    assert beneficiary.qf_band == "ge1000"
    assert {s.value for s in beneficiary.situations} == {"rsa", "senior", "non_taxable"}
    assert beneficiary.last_contact_at == later


def test_a_concurrent_change_is_refused_not_lost(db):
    beneficiary = make_file()
    db.session.commit()
    assert beneficiary.version == 1  # loaded; another worker now saves it
    db.session.execute(text("UPDATE beneficiaries SET version = version + 1"))
    with pytest.raises(ConcurrentChange):
        files.update_file(beneficiary, household_values(notes="autre"), actor_id=None, now=NOW)


# --- workflow -------------------------------------------------------------------------------


def test_submission_dates_the_application_and_sets_the_priority(db):
    beneficiary = make_file()
    submit(beneficiary, now=NOW + timedelta(days=1))
    assert beneficiary.submitted_on == date(2026, 3, 3)
    # QF 575 under 700: round(10 × 125 / 700) = 2 points, 3 children: 3 points.
    assert beneficiary.priority == 5


def test_approval_is_dated_and_expires_after_the_policy_validity(db):
    worker = make_user("social_worker")
    beneficiary = make_file()
    submit(beneficiary)
    workflow.decide(beneficiary, "approved", actor_id=worker.id, now=NOW)
    assert beneficiary.approved_on == date(2026, 3, 2)
    assert beneficiary.approved_until == date(2026, 9, 2)  # DEFAULT_POLICY: 6 months
    assert workflow.is_approved_and_valid(beneficiary, date(2026, 9, 2))
    assert not workflow.is_approved_and_valid(beneficiary, date(2026, 9, 3))
    assert not workflow.is_approved_and_valid(beneficiary, date(2026, 3, 1))
    assert workflow.display_status(beneficiary, date(2026, 9, 2)) == ("approved", "Validé")
    assert workflow.display_status(beneficiary, date(2026, 9, 3)) == ("expired", "Accord expiré")


def test_refusal_without_a_reason_is_refused_in_french(db):
    beneficiary = make_file()
    submit(beneficiary)
    with pytest.raises(IllegalTransition) as info:
        workflow.decide(beneficiary, "refused", actor_id=None, now=NOW, reason="  ")
    assert texts(info.value) == ["Un refus doit être motivé : indiquez le motif du refus."]
    workflow.decide(beneficiary, "refused", actor_id=None, now=NOW, reason="Hors commune")
    assert decisions_of(db, beneficiary)[-1].reason == "Hors commune"


def test_four_eyes_on_the_creator_cannot_approve_another_worker_can(db):
    creator, colleague = make_user("social_worker"), make_user("social_worker")
    set_policy(four_eyes=True)
    beneficiary = make_file(actor_id=creator.id)
    submit(beneficiary, actor_id=creator.id)
    with pytest.raises(IllegalTransition) as info:
        workflow.decide(beneficiary, "approved", actor_id=creator.id, now=NOW)
    assert "ne peut pas le valider elle-même" in texts(info.value)[0]
    workflow.decide(beneficiary, "approved", actor_id=colleague.id, now=NOW)
    assert beneficiary.status == "approved"


def test_four_eyes_off_the_creator_approves(db):
    creator = make_user("social_worker")
    assert DEFAULT_POLICY.four_eyes is False
    beneficiary = make_file(actor_id=creator.id)
    submit(beneficiary, actor_id=creator.id)
    workflow.decide(beneficiary, "approved", actor_id=creator.id, now=NOW)
    assert beneficiary.status == "approved"


def test_only_an_admin_overrides_eligibility_with_a_reason(db):
    worker, admin = make_user("social_worker"), make_user("admin")
    beneficiary = make_file(commune="Valenciennes")
    submit(beneficiary)
    with pytest.raises(IllegalTransition) as refused:
        workflow.decide(beneficiary, "approved", actor_id=worker.id, now=NOW,
                        reason="urgence", override=True)
    assert texts(refused.value)[0].startswith("Seul un administrateur")
    assert any("Valenciennes" in r for r in texts(refused.value))
    decision = workflow.decide(beneficiary, "approved", actor_id=admin.id, now=NOW,
                               reason="Déménagement en cours vers Fresnes", override=True)
    assert decision.override is True
    assert decision.evaluation["eligible"] is False


def test_an_ineligible_household_cannot_join_the_waiting_list(db):
    beneficiary = make_file(has_computer=True)
    submit(beneficiary)
    with pytest.raises(IllegalTransition) as info:
        workflow.decide(beneficiary, "waiting", actor_id=None, now=NOW)
    assert any("ordinateur" in r for r in texts(info.value))


def test_an_organisation_is_approved_on_a_written_reason(db):
    school = make_file("school")
    submit(school)
    with pytest.raises(IllegalTransition):
        workflow.decide(school, "approved", actor_id=None, now=NOW)
    decision = workflow.decide(school, "approved", actor_id=None, now=NOW,
                               reason="Convention Besançon-Clic 2026")
    assert decision.evaluation is None and decision.override is False


def test_served_only_through_mark_served_while_the_approval_is_valid(db):
    worker = make_user("social_worker")
    beneficiary = make_file()
    submit(beneficiary)
    workflow.decide(beneficiary, "approved", actor_id=worker.id, now=NOW)
    with pytest.raises(IllegalTransition) as info:
        workflow.decide(beneficiary, "served", actor_id=worker.id, now=NOW)
    assert "remise d'un équipement" in texts(info.value)[0]
    handover = NOW + timedelta(days=30)
    decision = workflow.mark_served(beneficiary, worker.id, handover)
    assert (decision.from_status, decision.to_status) == ("approved", "served")
    assert beneficiary.status == "served"
    assert beneficiary.last_device_received_on == handover.date()


def test_an_expired_approval_cannot_be_served(db):
    beneficiary = make_file()
    submit(beneficiary)
    workflow.decide(beneficiary, "approved", actor_id=None, now=NOW)
    with pytest.raises(NotEligible) as info:
        workflow.mark_served(beneficiary, None, datetime(2026, 9, 3, 10, 0))
    assert "a expiré le 02/09/2026" in info.value.message
    assert beneficiary.status == "approved"
    # Re-examined, then approved again: a new validity period.
    workflow.decide(beneficiary, "submitted", actor_id=None, now=datetime(2026, 9, 4),
                    reason="Accord expiré, nouvel examen")
    workflow.decide(beneficiary, "approved", actor_id=None, now=datetime(2026, 9, 4))
    assert beneficiary.approved_until == date(2027, 3, 4)


def test_a_draft_cannot_be_served(db):
    with pytest.raises(NotEligible):
        workflow.mark_served(make_file(), None, NOW)


def test_anonymised_or_closed_files_are_frozen(db):
    beneficiary = make_file()
    workflow.decide(beneficiary, "closed", actor_id=None, now=NOW, reason="Déménagement")
    with pytest.raises(IllegalTransition):
        files.update_file(beneficiary, household_values(), actor_id=None, now=NOW)
    other = make_file()
    gdpr.anonymise(other, actor_id=None, now=NOW)
    with pytest.raises(IllegalTransition):
        workflow.decide(other, "submitted", actor_id=None, now=NOW)


def test_waiting_list_by_priority_then_application_date(db):
    later, earlier, urgent = (make_file(last_name=n) for n in ("Later", "Earlier", "Urgent"))
    urgent_values = dict(income_basis="caf", stated_quotient=Decimal("100"))
    files.update_file(urgent, household_values(last_name="Urgent", **urgent_values),
                         actor_id=None, now=NOW)
    for beneficiary, day in ((later, 5), (earlier, 1), (urgent, 9)):
        when = NOW + timedelta(days=day)
        submit(beneficiary, now=when)
        workflow.decide(beneficiary, "waiting", actor_id=None, now=when)
    other = make_file()
    submit(other)  # submitted, not waiting: not listed
    waiting = list(db.session.scalars(queries.waiting_list_query()))
    assert [b.last_name for b in waiting] == ["Urgent", "Earlier", "Later"]
    assert urgent.priority > earlier.priority == later.priority


# --- the policy is versioned ----------------------------------------------------------------


def test_a_policy_change_does_not_alter_past_decisions(db):
    worker = make_user("social_worker")
    beneficiary = make_file()
    submit(beneficiary)
    approval = workflow.decide(beneficiary, "approved", actor_id=worker.id, now=NOW)
    db.session.commit()
    snapshot = dict(approval.evaluation)
    assert approval.policy_version == 1 and snapshot["eligible"] is True

    stricter = set_policy(max_quotient="500.00", actor_id=make_user("admin").id)
    db.session.commit()
    assert stricter.version == 2

    [kept] = [d for d in decisions_of(db, beneficiary) if d.to_status == "approved"]
    assert kept.policy_version == 1 and kept.evaluation == snapshot
    v1 = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == 1))
    assert v1.rules == DEFAULT_POLICY.to_dict()
    # Today's evaluation uses version 2; the approval stands until it expires.
    now_evaluated = evaluation.evaluate_file(beneficiary, NOW.date())
    assert now_evaluated.policy_version == 2 and not now_evaluated.eligible
    assert workflow.is_approved_and_valid(beneficiary, NOW.date())
    closing = workflow.decide(beneficiary, "closed", actor_id=worker.id, now=NOW, reason="Départ")
    assert closing.policy_version == 2


def test_saving_the_policy_creates_the_next_version_from_the_current_one(db):
    admin = make_user("admin")
    assert policies.get_current_policy() == DEFAULT_POLICY
    second = set_policy(approval_validity_months=3, actor_id=admin.id)
    third = set_policy(four_eyes=True, actor_id=admin.id)
    assert (second.version, third.version) == (2, 3)
    rows = list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.version)))
    assert [r.version for r in rows] == [1, 2, 3]
    assert rows[1].rules["approval_validity_months"] == 3 and rows[1].rules["four_eyes"] is False
    assert policies.get_current_policy().four_eyes is True


def test_saving_over_a_newer_version_is_refused(db):
    set_policy(four_eyes=True)
    rules = {**DEFAULT_POLICY.to_dict()}
    rules.pop("version")
    with pytest.raises(ConcurrentChange) as info:
        policies.save_policy(rules, base_version=1, actor_id=None, now=NOW)
    assert "version 2" in info.value.message


def test_an_invalid_policy_is_refused_in_french(db):
    rules = {**DEFAULT_POLICY.to_dict(), "approval_validity_months": 0}
    rules.pop("version")
    with pytest.raises(PolicyError) as info:
        policies.save_policy(rules, base_version=None, actor_id=None, now=NOW)
    assert "Durée de validité" in info.value.message


# --- documents, contact, append-only history -----------------------------------------------


def test_document_checks_record_what_when_and_who(db):
    worker = make_user("social_worker")
    beneficiary = make_file()
    later = NOW + timedelta(days=10)
    document_checks.record_document_check(beneficiary, "tax_notice", checked_on=date(2026, 3, 12),
                                   actor_id=worker.id, now=later)
    with pytest.raises(InvalidInput, match="Précisez"):
        document_checks.record_document_check(beneficiary, "other", checked_on=NOW.date(),
                                       actor_id=worker.id, now=later)
    with pytest.raises(InvalidInput, match="futur"):
        document_checks.record_document_check(beneficiary, "tax_notice", checked_on=date(2026, 4, 1),
                                       actor_id=worker.id, now=later)
    [check] = queries.get_document_checks(beneficiary.id)
    assert (check.kind, check.checked_on, check.checked_by_id) == (
        "tax_notice", date(2026, 3, 12), worker.id)
    assert beneficiary.last_contact_at == later


def test_record_contact_only_moves_forward(db):
    beneficiary = make_file()
    files.record_contact(beneficiary, NOW - timedelta(days=1))
    assert beneficiary.last_contact_at == NOW
    files.record_contact(beneficiary, NOW + timedelta(days=1))
    assert beneficiary.last_contact_at == NOW + timedelta(days=1)


@pytest.mark.parametrize("table", ["decisions", "access_log", "eligibility_policies"])
def test_history_tables_refuse_update_and_delete_in_the_database(db, table):
    beneficiary = make_file()
    access_log.record_access(beneficiary, "view", actor_id=None, now=NOW)
    db.session.commit()
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
        db.session.rollback()


def test_history_rows_refuse_changes_in_the_orm(db):
    beneficiary = make_file()
    entry = access_log.record_access(beneficiary, "view", actor_id=None, now=NOW)
    db.session.commit()
    [decision] = decisions_of(db, beneficiary)
    for obj, attribute in ((decision, "reason"), (entry, "detail")):
        setattr(obj, attribute, "réécrit")
        with pytest.raises(AppendOnlyViolation):
            db.session.flush()
        db.session.rollback()
    assert isinstance(db.session.get(AccessLogEntry, entry.id), AccessLogEntry)


def test_values_dataclass_is_immutable():
    values = household_values()
    assert replace(values, children=1).children == 1
    with pytest.raises(AttributeError):
        values.children = 2  # type: ignore[misc]
