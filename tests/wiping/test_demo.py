import io

from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.accounts.models import User
from refurb.core.siret import is_valid_siret
from refurb.core.weee import ECO_ORGANISMS
from refurb.demo import DEMO_WORKSHOP_SIRET, load_demo
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.donors.models import DonorOrganisation
from refurb.wiping import status
from refurb.wiping.models import WipeRecord


def test_demo_still_loads_and_ready_devices_have_passing_wipes(db):
    load_demo()
    db.session.commit()
    ready = db.session.scalars(select(Device).where(Device.state == "ready")).all()
    assert ready
    for device in ready:
        assert status.unsanitized_drive_lines(device) == ()
    assert db.session.scalar(select(func.count()).select_from(WipeRecord)) >= len(
        [d for d in ready if d.drives])


def test_a_document_issued_from_a_fresh_demo_carries_the_workshop_identity(app, db):
    """What `scripts/serve` runs (`flask demo load`), then a certificate from the web."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    device = next(d for d in db.session.scalars(select(Device).where(Device.state == "ready"))
                  if d.drives)
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.refurb.test"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin.id)
        session["_fresh"] = True
    response = client.post(f"/wiping/devices/{device.id}/certificate", data={"confirm": "1"},
                           follow_redirects=True)
    assert "Certificat CERT-" in response.get_data(as_text=True)
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "erasure_certificate"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(document.content)).pages).split())
    for fact in ("Atelier Refurb (démonstration)", "2 rue de l'Atelier, 59970 Fresnes-sur-Escaut",
                 DEMO_WORKSHOP_SIRET, "atelier@demo.refurb.test", "Admin démo"):
        assert fact in text, fact
    assert "SIRET / contact —" not in text
    # Demo SIRETs pass their Luhn key and are no eco-organism's (DOMAIN.md names two).
    donor = db.session.scalar(select(DonorOrganisation))
    for siret in (DEMO_WORKSHOP_SIRET, donor.siret):
        assert is_valid_siret(siret) and siret not in ECO_ORGANISMS
