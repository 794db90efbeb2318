import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.beneficiaries import document_checks, workflow
from refurb.beneficiaries import policy as policies
from refurb.beneficiaries.models import AccessLogEntry, Beneficiary, PolicyVersion
from tests.beneficiaries.helpers import FIRST_NAME, LAST_NAME, make_file, set_policy, submit
from tests.factories import make_user
from tests.querycount import count_queries

HOUSEHOLD_FORM = {
    "last_name": "Martin",
    "first_name": "Léa",
    "commune": "Fresnes-sur-Escaut",
    "postal_code": "59970",
    "adults": "1",
    "children": "2",
    "children_with_disability": "0",
    "single_parent": "y",
    "income_basis": "rfr",
    "annual_income": "14 400,00",
    "monthly_benefits": "250",
    "situations": ["job_seeker"],
    "non_taxable": "y",
    "referred_by": "mission_locale",
}


def log_rows(db, beneficiary_id):
    db.session.expire_all()
    return list(db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.beneficiary_id == beneficiary_id)
        .order_by(AccessLogEntry.id)))


# --- creating and editing -------------------------------------------------------------------


def test_social_worker_creates_a_household_file(db, client, login_as):
    worker = login_as("social_worker")
    response = client.post("/beneficiaries/new/household", data=HOUSEHOLD_FORM)
    assert response.status_code == 302
    beneficiary = db.session.scalar(select(Beneficiary))
    assert beneficiary.created_by_id == worker.id
    assert beneficiary.annual_income == 14400 and beneficiary.single_parent
    assert {s.value for s in beneficiary.situations} == {"job_seeker", "non_taxable"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # 14 400 / 12 + 250 = 1 450 € a month, 3 CAF parts (lone parent, 2 children): QF 483,33.
    assert "Nombre de parts CAF : 2 (couple ou parent seul) + 1 (2 enfants) = 3 parts" in page
    assert "÷ 3 parts = 483,33" in page
    assert "Éligible" in page


def test_a_refused_file_form_keeps_what_was_typed(db, client, login_as):
    login_as("social_worker")
    data = {"organisation_name": "École des Tilleuls", "uai": "0250001A", "commune": "Besançon",
            "adults": "1", "children": "0", "children_with_disability": "0"}
    response = client.post("/beneficiaries/new/school", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "la lettre de contrôle devrait être « R »" in html
    assert 'value="École des Tilleuls"' in html and 'value="0250001A"' in html
    assert db.session.scalar(select(func.count()).select_from(Beneficiary)) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"children": "deux"}, "N'est pas un entier valide."),
        ({"annual_income": "beaucoup"}, "Nombre invalide"),
        ({"commune": ""}, "Commune requise."),
        ({"income_basis": "rfr", "annual_income": ""}, "revenu fiscal de référence est requis"),
        ({"income_basis": "impots"}, "N'est pas un choix valide."),
        ({"tax_shares": "5000"}, "Entre 0,25 et 49 parts."),
        ({"annual_income": "1e40"}, "Nombre invalide"),
    ],
)
def test_bad_input_is_a_form_error_never_a_500(db, client, login_as, changes, message):
    login_as("social_worker")
    response = client.post("/beneficiaries/new/household", data={**HOUSEHOLD_FORM, **changes})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert 'value="Martin"' in html


def test_unknown_kind_or_file_is_a_404(db, client, login_as):
    login_as("social_worker")
    assert client.get("/beneficiaries/new/dragon").status_code == 404
    assert client.get("/beneficiaries/999").status_code == 404
    assert client.get("/beneficiaries/999/export.pdf").status_code == 404
    assert client.get("/beneficiaries/policy/99").status_code == 404


def test_edit_form_is_prefilled_and_saves(db, client, login_as):
    login_as("social_worker")
    beneficiary = make_file(situations=frozenset({"rsa"}), non_taxable=True)
    db.session.commit()
    html = client.get(f"/beneficiaries/{beneficiary.id}/edit").get_data(as_text=True)
    assert f'value="{LAST_NAME}"' in html and 'value="24000,00"' in html
    assert re.search(r'<input checked[^>]*value="rsa"', html)
    assert re.search(r'<input checked[^>]*name="non_taxable"', html)
    assert not re.search(r'<input checked[^>]*value="senior"', html)
    response = client.post(f"/beneficiaries/{beneficiary.id}/edit",
                           data={**HOUSEHOLD_FORM, "last_name": "Nouveau"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Beneficiary, beneficiary.id).last_name == "Nouveau"


# --- the access log -------------------------------------------------------------------------


def test_opening_a_file_writes_an_access_log_row(db, client, login_as):
    worker = login_as("social_worker")
    beneficiary = make_file()
    db.session.commit()
    assert client.get(f"/beneficiaries/{beneficiary.id}").status_code == 200
    [entry] = log_rows(db, beneficiary.id)
    assert (entry.user_id, entry.action, entry.beneficiary_id) == (
        worker.id, "view", beneficiary.id)
    client.get(f"/beneficiaries/{beneficiary.id}/edit")
    client.get(f"/beneficiaries/{beneficiary.id}/export.json")
    client.get(f"/beneficiaries/{beneficiary.id}/export.pdf")
    assert [(e.action, e.detail) for e in log_rows(db, beneficiary.id)] == [
        ("view", ""), ("edit", ""), ("export", "json"), ("export", "pdf")]


def test_the_list_does_not_log_openings(db, client, login_as):
    login_as("social_worker")
    beneficiary = make_file()
    db.session.commit()
    assert client.get("/beneficiaries/").status_code == 200
    assert log_rows(db, beneficiary.id) == []


# --- decisions ------------------------------------------------------------------------------


def test_refusal_without_a_reason_is_refused_in_french_and_the_form_comes_back(
    db, client, login_as
):
    login_as("social_worker")
    beneficiary = make_file()
    submit(beneficiary)
    db.session.commit()
    response = client.post(f"/beneficiaries/{beneficiary.id}/decision",
                           data={"target": "refused", "reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Un refus doit être motivé : indiquez le motif du refus." in html
    assert 'name="target" value="refused"' in html
    db.session.expire_all()
    assert db.session.get(Beneficiary, beneficiary.id).status == "submitted"

    response = client.post(f"/beneficiaries/{beneficiary.id}/decision",
                           data={"target": "refused", "reason": "Revenus au-dessus du plafond"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Beneficiary, beneficiary.id).status == "refused"


def test_admin_override_without_reason_keeps_the_typed_choice(db, client, login_as):
    login_as("admin")
    beneficiary = make_file(commune="Valenciennes")
    submit(beneficiary)
    db.session.commit()
    url = f"/beneficiaries/{beneficiary.id}/decision"
    response = client.post(url, data={"target": "approved", "override": "y", "reason": ""})
    html = response.get_data(as_text=True)
    assert "Passer outre les critères d&#39;éligibilité exige un motif écrit." in html
    assert 'id="override-approved" name="override" value="y" checked' in html
    response = client.post(url, data={"target": "approved", "override": "y",
                                      "reason": "Arrivée imminente sur la commune"})
    assert response.status_code == 302
    page = client.get(f"/beneficiaries/{beneficiary.id}").get_data(as_text=True)
    assert "critères outrepassés" in page and "Arrivée imminente sur la commune" in page


def test_four_eyes_through_the_pages(app, db, client, login_as):
    creator = login_as("social_worker")
    set_policy(four_eyes=True)
    beneficiary = make_file(actor_id=creator.id)
    submit(beneficiary, actor_id=creator.id)
    db.session.commit()
    url = f"/beneficiaries/{beneficiary.id}/decision"
    page = client.get(f"/beneficiaries/{beneficiary.id}").get_data(as_text=True)
    assert "ne peut pas le valider elle-même" in page  # the button says why it is disabled
    response = client.post(url, data={"target": "approved"})
    assert "ne peut pas le valider elle-même" in response.get_data(as_text=True)
    colleague = make_user("social_worker")
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = str(colleague.id)
    assert other.post(url, data={"target": "approved"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Beneficiary, beneficiary.id).status == "approved"


def test_unknown_decision_target_is_not_a_500(db, client, login_as):
    login_as("social_worker")
    beneficiary = make_file()
    db.session.commit()
    response = client.post(f"/beneficiaries/{beneficiary.id}/decision", data={"target": "boom"})
    assert response.status_code == 200
    assert "Action incomplète" in response.get_data(as_text=True)


def test_document_checks_from_the_page(db, client, login_as):
    login_as("social_worker")
    beneficiary = make_file()
    db.session.commit()
    url = f"/beneficiaries/{beneficiary.id}/documents"
    refused = client.post(url, data={"kind": "other", "checked_on": "2026-03-01"})
    assert "Précisez quel document a été vérifié." in refused.get_data(as_text=True)
    ok = client.post(url, data={"kind": "caf_certificate", "checked_on": "2026-03-01"})
    assert ok.status_code == 302
    page = client.get(f"/beneficiaries/{beneficiary.id}").get_data(as_text=True)
    assert "Attestation CAF (quotient familial)" in page


# --- exports --------------------------------------------------------------------------------


def test_subject_access_export_holds_everything_about_the_person(db, client, login_as):
    login_as("social_worker")
    beneficiary = make_file()
    submit(beneficiary)
    document_checks.record_document_check(beneficiary, "tax_notice", checked_on=beneficiary.created_at.date(),
                                   actor_id=None, now=beneficiary.created_at)
    db.session.commit()
    client.get(f"/beneficiaries/{beneficiary.id}")
    response = client.get(f"/beneficiaries/{beneficiary.id}/export.json")
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["file"]["identity"]["last_name"] == LAST_NAME
    assert data["file"]["income"]["annual_income"] == "24000.00"
    assert [d["to_status"] for d in data["decisions"]] == ["draft", "submitted"]
    assert data["decisions"][1]["evaluation"]["quotient_familial"] == "575.00"
    assert [c["kind"] for c in data["document_checks"]] == ["tax_notice"]
    assert [(e["action"], e["detail"]) for e in data["access_log"]] == [
        ("view", ""), ("export", "json")]

    pdf = client.get(f"/beneficiaries/{beneficiary.id}/export.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert LAST_NAME in text and FIRST_NAME in text
    assert "Avis d'imposition" in text and "Consultations du dossier" in text


# --- the policy page ------------------------------------------------------------------------


def test_admin_edits_the_policy_into_a_new_version(db, client, login_as):
    login_as("admin")
    html = client.get("/beneficiaries/policy").get_data(as_text=True)
    assert 'value="700,00"' in html and "Fresnes-sur-Escaut" in html
    assert 'name="base_version" type="hidden" value="1"' in html
    data = {
        "base_version": "1", "max_quotient": "650", "allowed_communes": "Fresnes-sur-Escaut\nVieux-Condé",
        "require_no_computer": "y", "qualifying_situations": ["non_taxable", "rsa"],
        "situations_mode": "any_qualifies", "one_device_per_household_years": "3",
        "approval_validity_months": "4", "min_training_sessions": "5", "four_eyes": "y",
        "note": "Conseil d'administration du 2 mars",
        **{f"points_{s}": "0" for s in ("rsa", "young_mission_locale", "pupil_in_household",
                                        "senior", "job_seeker", "disability", "non_taxable")},
        "points_rsa": "4",
    }
    response = client.post("/beneficiaries/policy", data=data)
    assert response.status_code == 302
    policy = policies.get_current_policy()
    assert policy.version == 2 and policy.approval_validity_months == 4 and policy.four_eyes
    assert policy.allowed_communes == ("Fresnes-sur-Escaut", "Vieux-Condé")
    assert {s.value: p for s, p in policy.priority_situations.items()} == {"rsa": 4}
    page = client.get("/beneficiaries/policy").get_data(as_text=True)
    assert "v1" in page and "v2" in page and "Conseil d&#39;administration du 2 mars" in page

    stale = client.post("/beneficiaries/policy", data={**data, "approval_validity_months": "5"})
    assert "rechargez la page" in stale.get_data(as_text=True)
    bad = client.post("/beneficiaries/policy", data={**data, "base_version": "2",
                                                     "approval_validity_months": "0"})
    assert bad.status_code == 200 and 'value="650"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 2


def test_social_workers_read_the_policy_in_force(db, client, login_as):
    login_as("social_worker")
    response = client.get("/beneficiaries/policy/current")
    assert response.headers["Location"].endswith("/beneficiaries/policy/1")
    html = client.get("/beneficiaries/policy/1").get_data(as_text=True)
    assert "Version en vigueur." in html and "700,00" in html
    assert "Modifier la politique" not in html


# --- lists ----------------------------------------------------------------------------------


def _files(n: int, status: str | None = None):
    for _ in range(n):
        beneficiary = make_file(situations=frozenset({"rsa"}))
        if status:
            submit(beneficiary)
            workflow.decide(beneficiary, status, actor_id=None, now=beneficiary.created_at)


@pytest.mark.parametrize(("url", "status"), [
    ("/beneficiaries/", None),
    ("/beneficiaries/?status=waiting&q=ben", "waiting"),
    ("/beneficiaries/waiting", "waiting"),
])
def test_list_pages_do_a_bounded_number_of_queries(db, client, login_as, url, status):
    login_as("social_worker")
    _files(2, status)
    db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _files(12, status)
    db.session.commit()
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few) <= 6, many
    assert response.get_data(as_text=True).count("BEN-00") >= 14


def test_waiting_page_shows_the_order(db, client, login_as):
    login_as("social_worker")
    _files(2, "waiting")
    db.session.commit()
    html = client.get("/beneficiaries/waiting").get_data(as_text=True)
    assert html.index("BEN-0001") < html.index("BEN-0002")
