"""The staff dashboard on a small year built through every domain's services: each figure
and each table (read back through its CSV export) equals the value computed by hand in
tests/reports/report_scene.py; the stays projection matches the events."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from refurb.devices.models import DeviceEvent
from refurb.reports.models import DeviceStay
from tests.reports import report_scene as expected
from tests.reports.report_scene import build, build_other_workshop

YEAR = "?year=2025"


def _two_workshops():
    """Workshop A's year, and workshop B's different one beside it: A's figures are A's."""
    scene = build()
    build_other_workshop(scene)
    return scene


@pytest.fixture
def scene(db, shared_rows):
    return shared_rows("reports.two_workshops", _two_workshops)


def read_csv(client, name: str, query: str = YEAR) -> list[list[str]]:
    response = client.get(f"/reports/export/{name}.csv{query}")
    assert response.status_code == 200, name
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def fr(value) -> str:
    return str(value).replace(".", ",")


def html_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_key_figures_of_the_year(scene, client, login_as):
    login_as("admin")
    text = html_text(client.get(f"/reports/{YEAR}"))
    for label, value in (
        ("Appareils reçus", "7"), ("Appareils prêts à attribuer", "3"),
        ("Appareils attribués", "3"), ("Appareils recyclés (DEEE)", "2"),
        ("Taux de réemploi (en nombre)", "60,0 %"), ("Taux de réemploi (en poids)", "37,5 %"),
        ("Poids réemployé (évité en déchet)", "9,0 kg"),
        ("Poids remis en filière DEEE", "15,0 kg"), ("CO2e évité (estimation)", "243 kg"),
        ("Bénéficiaires servis", "3"), ("Heures de formation suivies", "16,0 h"),
    ):
        assert f"{label} {value}" in text, label
    assert "27,0 kg CO2e par année d’usage × 3,0 année(s)" in text  # assumptions shown


def test_technicians_see_workshop_figures_only(scene, client, login_as):
    login_as("technician")
    text = html_text(client.get(f"/reports/{YEAR}"))
    assert "Appareils reçus 7" in text and "Bénéficiaires servis" not in text
    assert "Heures de formation" not in text
    assert client.get(f"/reports/beneficiaries{YEAR}").status_code == 403
    assert client.get(f"/reports/export/beneficiaires_kind.csv{YEAR}").status_code == 403


def test_throughput_per_month_and_week(scene, client, login_as):
    login_as("admin")
    rows = read_csv(client, "flux_mensuels")
    assert rows[0] == ["Mois", "Réceptionné", "Prêt à attribuer", "Attribué", "Recyclé (DEEE)"]
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
              "nov.", "déc."]
    assert [r[0] for r in rows[1:]] == [f"{m} 2025" for m in months] + ["Total"]
    for number, counts in enumerate(rows[1:13], start=1):
        assert tuple(int(c) for c in counts[1:]) == expected.EXPECTED_MONTHS.get(
            number, (0, 0, 0, 0)), number
    assert tuple(int(c) for c in rows[13][1:]) == expected.EXPECTED_TOTALS
    weeks = read_csv(client, "flux_hebdomadaires")
    assert weeks[1][0] == "30/12/2024"  # the Monday of the week holding 1 January (French date)
    by_week = {r[0]: tuple(int(c) for c in r[1:]) for r in weeks[1:]}
    assert by_week["06/01/2025"] == (4, 0, 0, 0)  # received Friday 10/01
    assert by_week["13/01/2025"] == (0, 2, 0, 0)  # ready 13/01 and 14/01
    assert by_week["30/06/2025"] == (0, 0, 0, 2)  # WEEE batch handed over
    assert tuple(sum(v[i] for v in by_week.values()) for i in range(4)) == \
        expected.EXPECTED_TOTALS


def test_lead_times_median_and_90th_percentile(scene, client, login_as):
    login_as("admin")
    rows = read_csv(client, "delais")
    assert rows[0] == ["État", "Séjours terminés", "Médiane (jours)", "90e centile (jours)"]
    labels = {"received": "Réceptionné", "diagnosis": "En diagnostic",
              "wiping": "Effacement des données", "ready": "Prêt à attribuer",
              "reserved": "Réservé", "to_dispose": "À recycler (DEEE)"}
    assert rows[1:] == [[labels[state], str(n), fr(median), fr(p90)]
                        for state, (n, median, p90) in expected.EXPECTED_LEAD.items()]


def test_reuse_rate_weee_tonnage_and_co2e(scene, client, login_as):
    login_as("technician")
    rows = read_csv(client, "reemploi")
    assert rows[1:] == [
        ["Unité centrale", "0", "0,00", "1", "10,00"],
        ["Ordinateur portable", "3", "9,00", "0", "0,00"],
        ["Écran plat", "0", "0,00", "1", "5,00"],
        ["Total", "3", "9,00", "2", "15,00"],
    ]
    weee = read_csv(client, "deee")
    assert [(r[0][:1], r[3]) for r in weee[1:-1]] == [
        (str(c), fr(kg)) for c, kg in expected.EXPECTED_WEEE.items()]
    assert weee[-1] == ["Total", "2", "2", "15,00", "0,015"]
    text = html_text(client.get(f"/reports/reuse{YEAR}"))
    assert "Taux de réemploi en nombre 60,0 %" in text
    assert "Taux de réemploi en poids 37,5 %" in text
    assert "CO2e évité (estimation) 243 kg" in text


def test_beneficiaries_served_by_kind_commune_and_situation(scene, client, login_as):
    login_as("social_worker")
    kinds = {"Foyer": "household", "École": "school"}
    rows = read_csv(client, "beneficiaires_kind")
    assert {kinds[r[0]]: (int(r[1]), int(r[2])) for r in rows[1:]} == \
        expected.EXPECTED_SERVED_KIND
    rows = read_csv(client, "beneficiaires_commune")
    assert {r[0]: (int(r[1]), int(r[2])) for r in rows[1:]} == expected.EXPECTED_SERVED_COMMUNE
    situations = {"Demandeur d'emploi": "job_seeker", "Foyer non imposable": "non_taxable"}
    rows = read_csv(client, "beneficiaires_situation")
    assert {situations[r[0]]: (int(r[1]), int(r[2])) for r in rows[1:]} == \
        expected.EXPECTED_SERVED_SITUATION
    page = client.get(f"/reports/beneficiaries{YEAR}").get_data(as_text=True)
    for name in (expected.H1_NAME, expected.H2_NAME, expected.SCHOOL_NAME,
                 scene.people["H1"].pseudonym):
        assert name not in page


def test_training_attendance_and_completion(scene, client, login_as):
    login_as("admin")
    rows = read_csv(client, "formation")
    programme, total = rows[1], rows[2]
    assert programme[0].startswith("Prise en main") and total[0] == "Total"
    sessions, participants, present, absent, excused, hours, followed, complete = \
        expected.EXPECTED_TRAINING
    assert programme[1:] == [str(sessions), str(participants), str(present), str(absent),
                             str(excused), fr(hours), str(followed), str(complete)]


def test_stock_by_state_and_type_now(scene, client, login_as):
    login_as("admin")
    rows = read_csv(client, "stock", "")
    header, body = rows[0], {r[0]: r[1:] for r in rows[1:]}
    assert header == ["État", "Unité centrale", "Ordinateur portable", "Écran plat", "Total"]
    assert body["Attribué"] == ["0", "3", "0", "3"]
    assert body["Recyclé (DEEE)"] == ["1", "0", "1", "2"]
    assert body["Pièces détachées"] == ["0", "0", "1", "1"]
    assert body["Réceptionné"] == ["1", "0", "0", "1"]
    assert body["Total"] == ["2", "3", "2", "7"]


def test_an_empty_period_shows_zeros_and_dashes(scene, client, login_as):
    login_as("admin")
    text = html_text(client.get("/reports/?start=2024-01-01&end=2024-06-30"))
    assert "Du 01/01/2024 au 30/06/2024" in text
    assert "Appareils reçus 0" in text and "Taux de réemploi (en nombre) —" in text


def test_a_wrong_period_falls_back_to_the_current_year(scene, client, login_as):
    login_as("admin")
    response = client.get("/reports/?start=2025-05-01&end=2025-01-01")
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in response.get_data(as_text=True)


def test_every_page_renders_charts_with_title_and_description(scene, client, login_as):
    login_as("admin")
    for url in ("/reports/", "/reports/activity", "/reports/lead-times", "/reports/reuse",
                "/reports/beneficiaries", "/reports/training"):
        page = client.get(url + YEAR).get_data(as_text=True)
        assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page, url
        assert "<script" not in page.split("</head>", 1)[1], url


def test_stays_projection_matches_the_events(scene, db):
    """Each stay runs from a transition to the device's next transition (invariant 6)."""
    events = db.session.scalars(select(DeviceEvent).where(DeviceEvent.kind == "transition")
                                .order_by(DeviceEvent.device_id, DeviceEvent.id)).all()
    rebuilt = {}
    for before, after in zip(events, events[1:], strict=False):
        if before.device_id == after.device_id:
            seconds = max(0, round((after.occurred_at - before.occurred_at).total_seconds()))
            rebuilt[after.id] = (after.device_id, before.to_state, seconds, seconds // 3600)
    stored = {s.event_id: (s.device_id, s.state, s.seconds, s.hours)
              for s in db.session.scalars(select(DeviceStay))}
    assert stored == rebuilt and len(stored) == 22


def test_figures_come_from_records_not_typed_totals(scene, client, login_as, db):
    """Invariant 6: one more transition in 2025 moves the figures; nothing else does."""
    from datetime import datetime

    from refurb.devices import services as devices

    login_as("admin")
    devices.transition(scene.devices["D2"], "diagnosis", actor_id=None,
                       now=datetime(2025, 3, 7, 10, 0))
    db.session.commit()
    rows = read_csv(client, "delais")
    received = next(r for r in rows if r[0] == "Réceptionné")
    assert received[1] == "7"  # D2's 48 h stay in "received" has ended
    assert Decimal(received[2].replace(",", ".")) == Decimal("1.0")


def test_pages_render_in_english_too(scene, client, login_as):
    login_as("admin", locale="en")
    for url in ("/reports/", "/reports/activity", "/reports/lead-times", "/reports/reuse",
                "/reports/beneficiaries", "/reports/training", "/reports/annual",
                "/portal/mecenat", f"/portal/collections/{scene.collection_a.id}"):
        assert client.get(url + YEAR).status_code == 200, url
