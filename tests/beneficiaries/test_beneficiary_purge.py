"""GDPR: files without contact for the retention period are anonymised; statistics stay."""

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from refurb import extension_points as points
from refurb.beneficiaries import document_checks, files, gdpr, queries, workflow
from refurb.beneficiaries.models import AccessLogEntry, ApplicationDecision, Beneficiary
from refurb.clock import utcnow
from refurb.core.eligibility import DEFAULT_POLICY
from refurb.settings.services import set_value
from tests.beneficiaries.helpers import NOW, make_file, submit
from tests.factories import make_user

THREE_YEARS_AGO = NOW - timedelta(days=3 * 365)
ONE_YEAR_AGO = NOW - timedelta(days=365)


def old_and_recent_files():
    worker = make_user("social_worker")
    old = make_file(actor_id=worker.id, now=THREE_YEARS_AGO,
                    situations=frozenset({"rsa", "job_seeker"}), non_taxable=True)
    submit(old, now=THREE_YEARS_AGO)
    workflow.decide(old, "refused", actor_id=worker.id, now=THREE_YEARS_AGO,
                    reason="Dossier incomplet")
    document_checks.record_document_check(old, "other", label="Attestation France Travail",
                                   checked_on=THREE_YEARS_AGO.date(), actor_id=worker.id,
                                   now=THREE_YEARS_AGO)
    school = make_file("school", now=THREE_YEARS_AGO)
    recent = make_file(actor_id=worker.id, now=ONE_YEAR_AGO, commune="Condé-sur-l'Escaut",
                       last_name="Récent")
    return old, school, recent


def count_rows(db, model, beneficiary):
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.beneficiary_id == beneficiary.id))


def test_purge_anonymises_old_files_keeps_recent_ones_and_the_statistics(db):
    old, school, recent = old_and_recent_files()
    decisions_before = count_rows(db, ApplicationDecision, old)
    counts_before = queries.count_beneficiaries()

    results = gdpr.purge_inactive(now=NOW)
    db.session.commit()
    db.session.expire_all()

    assert [c.beneficiary.pseudonym for c in results] == [old.pseudonym, school.pseudonym]
    assert queries.count_beneficiaries() == counts_before
    assert counts_before["situation"] == {"job_seeker": 1, "non_taxable": 1, "rsa": 1}
    assert counts_before["kind"] == {"household": 2, "school": 1}

    assert old.anonymised_at == NOW
    for name in ("last_name", "first_name", "email", "phone", "address_line", "notes",
                 "referrer_detail"):
        assert getattr(old, name) == "", name
    assert old.birth_date is None and old.annual_income is None and old.monthly_benefits is None
    # What statistics need stays.
    assert (old.commune, old.kind, old.adults, old.children, old.qf_band) == (
        "Fresnes-sur-Escaut", "household", 2, 3, "400-599")
    assert {s.value for s in old.situations} == {"rsa", "job_seeker", "non_taxable"}
    assert old.status == "refused" and old.display_name == old.pseudonym
    assert count_rows(db, ApplicationDecision, old) == decisions_before
    [check] = queries.get_document_checks(old.id)
    assert check.label == "" and check.kind == "other"
    assert queries.get_access_log(old.id)[0].action == "anonymise"
    # An organisation keeps its (public) name; its contact person's name goes.
    assert school.organisation_name == "École Jean Macé" and school.last_name == ""

    assert recent.anonymised_at is None and recent.last_name == "Récent"
    assert recent.email == "a.zebulonnet@example.org"


def test_a_contact_restarts_the_retention_period(db):
    old, _school, _recent = old_and_recent_files()
    files.record_contact(old, NOW - timedelta(days=30))
    gdpr.purge_inactive(now=NOW)
    assert old.anonymised_at is None


def test_dry_run_changes_nothing(db):
    old, school, _recent = old_and_recent_files()
    results = gdpr.purge_inactive(now=NOW, dry_run=True)
    assert {c.beneficiary.id for c in results} == {old.id, school.id}
    assert old.anonymised_at is None and old.last_name
    assert db.session.scalar(
        select(func.count()).select_from(AccessLogEntry)
        .where(AccessLogEntry.action == "anonymise")) == 0


def test_the_retention_is_a_setting_in_months(db):
    old, _school, _recent = old_and_recent_files()
    set_value(gdpr.RETENTION_SETTING, "48", actor_id=None, now=NOW)
    assert gdpr.purge_inactive(now=NOW) == []
    set_value(gdpr.RETENTION_SETTING, "6", actor_id=None, now=NOW)
    purged = {c.beneficiary.id for c in gdpr.purge_inactive(now=NOW)}
    assert len(purged) == 3 and old.id in purged


def test_a_blocker_keeps_a_file_with_its_reason(db, monkeypatch):
    old, school, _recent = old_and_recent_files()
    monkeypatch.setattr(points, "purge_blockers", [
        lambda b: "Prêt en cours" if b.id == old.id else None])
    results = {c.beneficiary.id: c.kept_because for c in gdpr.purge_inactive(now=NOW)}
    assert results == {old.id: "Prêt en cours", school.id: None}
    assert old.anonymised_at is None and school.anonymised_at == NOW


# --- the CLI --------------------------------------------------------------------------------


def test_gdpr_purge_cli_dry_run_then_for_real(app, db):
    now = utcnow()
    old = make_file(now=now - timedelta(days=800), last_name="Ancien")
    make_file(now=now - timedelta(days=10), last_name="Actuel")
    db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["gdpr", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{old.pseudonym}" in dry.output and "serait anonymisé" in dry.output
    assert "Simulation : 1 dossier(s)" in dry.output
    db.session.expire_all()
    assert db.session.get(Beneficiary, old.id).anonymised_at is None

    real = runner.invoke(args=["gdpr", "purge"])
    assert real.exit_code == 0, real.output
    assert "1 dossier(s) anonymisé(s) (sans contact depuis 24 mois)" in real.output
    db.session.expire_all()
    purged = db.session.get(Beneficiary, old.id)
    assert purged.anonymised_at is not None and purged.last_name == ""
    assert "Ancien" not in real.output  # the CLI lists pseudonyms, never names


def write(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


FACTS = {
    "commune": "Fresnes-sur-Escaut",
    "application_date": "2025-01-10",
    "adults": 2,
    "children": 3,
    "income_basis": "rfr",
    "annual_income": "24000",
    "monthly_benefits": "300",
}


def test_evaluate_cli_prints_the_decision_as_json(app, tmp_path):
    runner = app.test_cli_runner()
    policy = write(tmp_path / "policy.json", DEFAULT_POLICY.to_dict())
    facts = write(tmp_path / "facts.json", FACTS)
    result = runner.invoke(args=["beneficiaries", "evaluate", "--policy", policy,
                                 "--today", "2025-02-01", facts])
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["eligible"] is True
    assert decision["quotient_familial"] == "575.00"
    assert decision["priority"] == 5
    assert decision["reasons"][0].startswith("Commune « Fresnes-sur-Escaut »")
    assert {"eligible", "reasons", "priority", "quotient_familial"} <= set(decision)


def test_evaluate_cli_defaults_to_the_default_policy(app, tmp_path):
    facts = write(tmp_path / "facts.json", {**FACTS, "commune": "Lille"})
    result = app.test_cli_runner().invoke(args=["beneficiaries", "evaluate", facts])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["eligible"] is False


def test_evaluate_cli_reports_bad_input_in_french(app, tmp_path):
    runner = app.test_cli_runner()
    facts = write(tmp_path / "facts.json", FACTS)
    bad_policy = write(tmp_path / "bad.json", {"max_qf": 700})
    result = runner.invoke(args=["beneficiaries", "evaluate", "--policy", bad_policy, facts])
    assert result.exit_code == 1 and "Paramètre inconnu : max_qf" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["beneficiaries", "evaluate", str(broken)])
    assert result.exit_code == 1 and "JSON invalide" in result.output
    result = runner.invoke(args=["beneficiaries", "evaluate", str(tmp_path / "missing.json")])
    assert result.exit_code == 1 and "lecture impossible" in result.output


def test_purge_keeps_dates_needed_for_the_device_frequency_rule(db):
    old, _school, _recent = old_and_recent_files()
    old.last_device_received_on = date(2023, 1, 5)
    gdpr.purge_inactive(now=NOW)
    assert old.last_device_received_on == date(2023, 1, 5)
    assert isinstance(old.anonymised_at, datetime)
