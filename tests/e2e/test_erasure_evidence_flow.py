"""In a real browser: a technician imports an nwipe log and attaches one of its drives to the
right drive (accepted) and to a drive of another size (refused, with the reason); an admin
validates the erasure; the certificate is issued, and a stranger checks it on /verify by
pasting the hash printed on it."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import sign_in
from tests.factories import make_collection, make_device, make_donor, make_user
from tests.wiping.helpers import FIXTURES, make_drive, save_identity

pytestmark = pytest.mark.e2e

LOG = FIXTURES / "nwipe06_multi3_dodshort_verifylast.txt"  # loop0 8 MB, loop1 16 MB, loop2 32 MB


def test_import_attach_validate_certify_and_verify(browser, live_server, db):
    save_identity()
    tech = make_user("technician", display_name="Technicien de l'atelier")
    admin = make_user("admin", display_name="Administrateur de l'atelier")
    collection = make_collection(make_donor(name="Banque du Nord"))
    right = make_device(collection=collection)
    make_drive(right, kind="hdd", serial=None, model="Loopback device", capacity=16777216)
    wrong = make_device(collection=collection)
    make_drive(wrong, kind="nvme", serial="S4EWNX0R123456", model="Samsung SSD 970 EVO 1TB",
               capacity=10**12)
    emails = tech.email, admin.email
    right_tag, right_id, wrong_tag = right.asset_tag, right.id, wrong.asset_tag
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    technician = browser.new_context(locale="fr-FR").new_page()
    technician.set_default_timeout(10_000)
    sign_in(technician, live_server, emails[0])
    technician.goto(f"{live_server}/wiping/logs/import")
    technician.set_input_files("#files", str(LOG))
    technician.get_by_role("button", name="Importer").click()
    technician.get_by_text("3 disque(s) à rattacher").wait_for()
    technician.get_by_role("link", name="voir le journal").click()

    row = technician.locator("#drive-1")  # /dev/loop1, 16 MB
    row.locator("input[name=tag]").fill(wrong_tag)
    row.get_by_role("button", name="Rattacher").click()
    technician.get_by_text("Rattachement refusé").wait_for()
    flashes = technician.locator(".flashes").inner_text()
    assert "capacité différente : 16,8 Mo dans le journal, 1 To pour le support" in flashes

    row = technician.locator("#drive-1")
    row.locator("input[name=tag]").fill(right_tag)
    row.get_by_role("button", name="Rattacher").click()
    technician.get_by_text(f"Effacement enregistré pour {right_tag}").wait_for()
    assert "Rattacher" not in technician.locator("#drive-1").inner_text()

    # The technician may only get a provisional statement: the erasure awaits validation.
    technician.goto(f"{live_server}/devices/{right_id}")
    panel = technician.locator(".wiping-panel")
    assert "Émettre un relevé provisoire" in panel.inner_text()
    technician.context.close()

    manager = browser.new_context(locale="fr-FR").new_page()
    manager.set_default_timeout(10_000)
    sign_in(manager, live_server, emails[1])
    manager.goto(f"{live_server}/devices/{right_id}")
    manager.locator(".wiping-panel").get_by_role("link", name=re.compile(r"^n° \d+$")).click()
    manager.get_by_role("button", name="Valider cet effacement").click()
    manager.get_by_text("Effacement validé.").wait_for()
    manager.goto(f"{live_server}/devices/{right_id}")
    manager.get_by_role("link", name="Émettre le certificat d’effacement").click()
    # A permanent document: its figures first, then one explicit confirmation.
    manager.get_by_role("button", name="Émettre le certificat").click()
    manager.get_by_text(re.compile(r"Certificat CERT-\d{4}-\d{5} émis")).wait_for()
    link = manager.locator(".wiping-panel").get_by_role("link", name=re.compile("^certificat"))
    pdf = manager.request.get(f"{live_server}{link.get_attribute('href')}").body()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Certificat d'effacement des données" in text
    assert "Administrateur de l'atelier" in text and "Technicien" in text
    printed = re.search(r"Empreinte du contenu SHA-256 ([0-9a-f]{64})", text).group(1)
    manager.context.close()

    stranger = browser.new_context(locale="fr-FR").new_page()
    stranger.set_default_timeout(10_000)
    stranger.goto(f"{live_server}/verify")
    stranger.locator("#sha256").fill(printed)
    stranger.get_by_role("button", name="Vérifier").click()
    verdict = stranger.locator("[data-verdict]")
    verdict.wait_for()
    assert verdict.get_attribute("data-verdict") == "authentic"
    assert "Document authentique" in verdict.inner_text()
    assert "Banque du Nord" in verdict.inner_text()
    stranger.context.close()
