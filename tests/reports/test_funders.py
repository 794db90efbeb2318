"""Figures for funders on the 2025 scene plus a pupil of a school programme: fees by
programme and payment method, costs and funding typed in per year, cost per household
equipped, people trained and hours, share of beneficiaries in priority neighbourhoods (QPV),
devices per cohort; on the page, in the CSV files and in the annual PDF (read back with
pypdf)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from refurb.allocations import cohorts, schools
from refurb.allocations.handover import hand_over
from refurb.allocations.models import Allocation
from refurb.allocations.reservations import reserve
from refurb.documents.models import IssuedDocument
from refurb.extensions import db as _db
from refurb.reports.models import FundingLine
from tests.allocations.helpers import WORKSHOP, approved_file, loan_values, ready_device
from tests.reports.report_scene import build

SEPT = datetime(2025, 9, 1, 9, 0)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def funded(db, client, login_as):
    scene = build()
    h1, h2 = scene.people["H1"], scene.people["H2"]
    h1.qpv = True
    clic = schools.create_programme(schools.ProgrammeValues("Besançon-Clic", "CE2", 2025),
                                    actor_id=None, now=SEPT)
    pupil = approved_file("pupil", now=SEPT, last_name="Zygomorphe", qpv=True)
    laptop = ready_device(now=SEPT)
    reservation = reserve(pupil, [laptop], actor_id=None, now=SEPT + timedelta(days=9))
    allocation, _doc = hand_over(
        reservation, loan_values(None, programme_id=clic.id, fee_amount=Decimal("15"),
                                 fee_method="card", receipt_number="R-2025-77"),
        actor_id=None, now=SEPT + timedelta(days=11), workshop=WORKSHOP)
    cohort = cohorts.create_cohort(cohorts.CohortValues(
        kind="school_class", name="CE2 Jean Macé 2025", starts_on=date(2025, 9, 1),
        ends_on=date(2026, 6, 30), mode="loan", school_programme_id=clic.id),
        actor_id=None, now=SEPT)
    cohorts.add_members(cohort, f"{pupil.pseudonym} {h1.pseudonym} {h2.pseudonym}", now=SEPT)
    first = _db.session.scalar(select(Allocation).where(Allocation.beneficiary_id == h1.id))
    by_file = {m.beneficiary_id: m for m in cohort.members}
    by_file[pupil.id].allocation_id = allocation.id
    by_file[h1.id].allocation_id = first.id
    _db.session.commit()
    login_as("admin")
    for year, programme, label, kind, amount, source in (
        (2025, "Besançon-Clic", "Salaires de l'animateur", "cost", "30 000", "Comptes 2025"),
        (2025, "Besançon-Clic", "Pièces et logiciels", "cost", "4 500,50", ""),
        (2025, "Besançon-Clic", "Convention CAF", "funding", "25 000,00 €", "CAF du Doubs"),
        (2024, "Besançon-Clic", "Année précédente", "cost", "99 999", ""),
    ):
        response = client.post("/reports/funding", data={
            "year": year, "programme": programme, "label": label, "kind": kind,
            "amount": amount, "source": source})
        assert response.status_code == 302
    return scene


EXPECTED_FIGURES = (
    "Participations encaissées 45,00 €", "Coûts des programmes 34 500,50 €",
    "Financements obtenus 25 000,00 €", "Foyers équipés 3", "Coût par foyer équipé 11 500,17 €",
    "Personnes formées 2", "Heures de formation suivies 16,00 h", "Bénéficiaires servis 4",
    "Dont en quartier prioritaire (QPV) 2", "Part des bénéficiaires en QPV 50,0 %",
)
EXPECTED_ROWS = (
    "Hors dispositif Espèces 3 30,00 €", "Besançon-Clic Carte bancaire 1 15,00 €",
    "Total — 4 45,00 €", "2025 Besançon-Clic Coût Salaires de l'animateur Comptes 2025 30 000,00 €",
    "2025 Besançon-Clic Financement Convention CAF CAF du Doubs 25 000,00 €",
    "CE2 Jean Macé 2025 Classe d'école 3 2 2", "— — Total des coûts — 34 500,50 €",
    "— — Total des financements — 25 000,00 €",
)


def test_funders_figures_in_the_annual_pdf(funded, client, db):
    assert client.post("/reports/annual", data={"year": "2025", "confirm": "1"}).status_code == 302
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "annual_report"))
    reader = PdfReader(io.BytesIO(document.content))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Chiffres pour les financeurs" in text
    for expected in EXPECTED_FIGURES + EXPECTED_ROWS:
        assert expected in text, expected
    assert "99 999" not in text and "Année précédente" not in text
    for name in ("Zygomorphe", "Quetzalbrindille"):
        assert name not in text


def test_funders_page_and_csv(funded, client):
    page = _flat(client.get("/reports/funders?year=2025").get_data(as_text=True))
    for expected in ("34 500,50 €", "11 500,17 €", "50,0", "Besançon-Clic"):
        assert expected in page, expected
    response = client.get("/reports/export/financeurs_participations.csv?year=2025")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Programme", "Moyen de paiement", "Remises payées", "Montant (€)"]
    assert rows[1:] == [["Hors dispositif", "Espèces", "3", "30,00"],
                        ["Besançon-Clic", "Carte bancaire", "1", "15,00"],
                        ["Total", "", "4", "45,00"]]
    key = list(csv.reader(io.StringIO(client.get(
        "/reports/export/financeurs_chiffres.csv?year=2025").get_data().decode("utf-8-sig")),
        delimiter=";"))
    assert ["Coût par foyer équipé", "11500,17", "€"] in key
    cohorts_csv = client.get("/reports/export/financeurs_cohortes.csv?year=2025")
    assert "CE2 Jean Macé 2025;Classe d'école;3;2;2" in cohorts_csv.get_data().decode("utf-8-sig")


def test_funding_lines_page_keeps_what_was_typed_and_is_admin_only(funded, app, client, db):
    from tests.access import assert_only

    refused = client.post("/reports/funding", data={
        "year": "2025", "programme": "Besançon-Clic", "label": "Loyer", "kind": "cost",
        "amount": "douze"})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "Montant invalide" in body and 'value="Loyer"' in body
    page = _flat(client.get("/reports/funding?year=2025").get_data(as_text=True))
    assert "30 000,00 €" in page and "Convention CAF" in page and "99 999" not in page
    line = db.session.scalar(select(FundingLine).where(FundingLine.label == "Convention CAF"))
    assert client.post(f"/reports/funding/{line.id}/delete").status_code == 302
    assert db.session.get(FundingLine, line.id) is None
    assert_only(app, "/reports/funding", {"admin"})
    assert_only(app, "/reports/funders", {"admin", "social_worker"})
