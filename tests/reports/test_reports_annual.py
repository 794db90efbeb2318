"""The annual activity report: an immutable document whose figures (read back from the PDF
text) equal the hand-computed year, with vector charts, re-issued only when figures change."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.devices import services as devices
from refurb.documents.models import IssuedDocument
from refurb.jobs.models import Job
from tests.reports.report_scene import build, build_other_workshop


def _two_workshops():
    """Workshop A's year, and workshop B's different one beside it: A's figures are A's."""
    scene = build()
    build_other_workshop(scene)
    return scene


@pytest.fixture
def scene(db, shared_rows):
    return shared_rows("reports.two_workshops", _two_workshops)


def _reports(db) -> list[IssuedDocument]:
    return db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.kind == "annual_report").order_by(IssuedDocument.version)).all()


def _text(document) -> str:
    reader = PdfReader(io.BytesIO(document.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_annual_report_figures_equal_the_year(scene, client, login_as, db):
    login_as("admin")
    response = client.post("/reports/annual", data={"year": "2025", "confirm": "1"})
    assert response.status_code == 302
    [document] = _reports(db)
    assert (document.number, document.version, document.filename) == (
        "RAPPORT-2025", 1, "rapport-activite-2025-v1.pdf")
    assert document.donor_id is None and not document.personal
    text = _text(document)
    for expected in (
        "Rapport d'activité 2025", "Du 01/01/2025 au 31/12/2025", "Collecte, reconditionnement",
        "Appareils reçus 7", "Appareils prêts à attribuer 3", "Appareils attribués 3",
        "Appareils recyclés (DEEE) 2", "Taux de réemploi (en nombre) 60,0 %",
        "Taux de réemploi (en poids) 37,5 %", "Poids réemployé (évité en déchet) 9,0 kg",
        "Poids remis en filière DEEE 15,0 kg", "CO2e évité (estimation) 243 kg",
        "Bénéficiaires servis 3", "Heures de formation suivies 16,0 h",
        "3 ordinateur(s) réemployé(s) × 27 kg CO2e par année d'usage × 3 année(s)",
        # monthly table: received, ready, allocated, disposed
        "janv. 2025 4 2 0 0", "mars 2025 3 1 1 0", "juin 2025 0 0 0 2", "Total 7 3 3 2",
        # reuse by type, WEEE by category
        "Ordinateur portable 3 9,00 0 0,00", "Total 3 9,00 2 15,00", "Total 2 2 15,00 0,015",
        # lead times (days): received median 1,0 / P90 3,0; ready 25,0 / 48,0
        "Réceptionné 6 1,0 3,0", "Prêt à attribuer 3 25,0 48,0", "À recycler (DEEE) 2 117,1 167,3",
        # beneficiaries (counts only) and training
        "Foyer 2 2", "École 1 1", "Fresnes-sur-Escaut 2 2", "Foyer non imposable 2 2",
        "Total 5 2 8 1 1 16,00 2 1",
    ):
        assert expected in text, expected
    for name in ("Quetzalbrindille", "Ornithoclaque", "Zéphyrin"):
        assert name not in text
    assert client.get(f"/documents/{document.id}/{document.filename}").status_code == 200


def test_charts_are_vector_drawings(scene, client, login_as, db):
    login_as("admin")
    client.post("/reports/annual", data={"year": "2025", "confirm": "1"})
    reader = PdfReader(io.BytesIO(_reports(db)[0].content))
    assert all(not page.images for page in reader.pages)
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert len(re.findall(rb" re\b", content)) > 20  # rectangles: bars and table cells


def test_reissue_keeps_the_version_until_the_figures_change(scene, client, login_as, db):
    login_as("admin")
    client.post("/reports/annual", data={"year": "2025", "confirm": "1"})
    response = client.post("/reports/annual", data={"year": "2025", "confirm": "1"}, follow_redirects=True)
    assert "inchangée" in response.get_data(as_text=True)
    assert [d.version for d in _reports(db)] == [1]
    devices.transition(scene.devices["D2"], "diagnosis", actor_id=None,
                       now=datetime(2025, 9, 1, 10, 0))
    db.session.commit()
    client.post("/reports/annual", data={"year": "2025", "confirm": "1"})
    reports = _reports(db)
    assert [d.version for d in reports] == [1, 2]
    assert reports[0].sha256 != reports[1].sha256
    assert "Réceptionné 7" in _text(reports[1])


def test_a_year_not_started_is_refused(db, client, login_as):
    login_as("admin")
    response = client.post("/reports/annual", data={"year": "2099"})
    assert response.status_code == 400
    assert "année commencée" in response.get_data(as_text=True)
    assert _reports(db) == []


def test_the_report_is_french_whoever_issues_it(scene, client, login_as, db):
    login_as("admin", locale="en")
    client.post("/reports/annual", data={"year": "2025", "confirm": "1"})
    assert "Appareils reçus 7" in _text(_reports(db)[0])


def test_the_figures_are_shown_before_anything_is_issued(scene, client, login_as, db):
    login_as("admin")
    page = client.get("/reports/annual").get_data(as_text=True)
    this_year = datetime.now().year
    # The current year, not last year's, by default.
    assert re.search(r'<input[^>]*name="year"[^>]*value="(\d+)"', page).group(1) == str(this_year)
    preview = client.post("/reports/annual", data={"year": "2025"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and _reports(db) == []
    assert "À vérifier avant d’émettre RAPPORT-2025" in html
    assert "<dt>Appareils reçus</dt><dd>7</dd>" in html
    assert "Tous les chiffres sont à zéro" not in html
    empty = client.post("/reports/annual", data={"year": "2019"}).get_data(as_text=True)
    assert "Tous les chiffres sont à zéro" in empty and _reports(db) == []
    # Confirmed: one job, one document, its link on the job's page.
    done = client.post("/reports/annual", data={"year": "2025", "confirm": "1",
                                               "request_key": "k1"}, follow_redirects=True)
    [document] = _reports(db)
    assert f"/documents/{document.id}/{document.filename}" in done.get_data(as_text=True)
    client.post("/reports/annual", data={"year": "2025", "confirm": "1", "request_key": "k1"})
    assert len(_reports(db)) == 1 and db.session.scalar(
        select(func.count(Job.id)).where(Job.kind == "reports.annual")) == 1
