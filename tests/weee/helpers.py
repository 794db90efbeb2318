"""WEEE test helpers: operators, carriers, devices waiting for disposal, a ready handover."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from refurb.devices import services as devices
from refurb.settings import services as settings
from refurb.weee import batches, closing, partners
from tests.factories import make_device

NOW = datetime(2026, 3, 10, 15, 0)
TODAY = NOW.date()
WORKSHOP_SIRET = "21590001500011"  # valid Luhn key
OPERATOR_SIRET = "39123456700017"
CARRIER_SIRET = "44012345600012"
CARRIER2_SIRET = "53210987600013"
ECOLOGIC = "48774196900033"


def configure_site() -> None:
    for key, value in (("weee.reporting_siret", WORKSHOP_SIRET),
                       ("weee.site_name", "Atelier FERIS"),
                       ("weee.site_address", "2 rue de la Mairie"),
                       ("weee.site_postal_code", "59970"),
                       ("weee.site_city", "Fresnes-sur-Escaut")):
        settings.set_value(key, value, actor_id=None, now=NOW)


def make_operator(siret: str = OPERATOR_SIRET, **kwargs):
    values = partners.OperatorValues(**{
        "name": "Recyclage du Nord", "siret": siret, "address": "ZI des Ateliers",
        "postal_code": "59300", "city": "Valenciennes", "authorisation": "ICPE 2711-1234",
        "eco_organism": ECOLOGIC, **kwargs})
    return partners.save_operator(values, now=NOW)


def make_carrier(siret: str = CARRIER_SIRET, **kwargs):
    values = partners.CarrierValues(**{
        "name": "Transports Escaut", "siret": siret, "receipt_number": "REC-59-2024-001",
        "transport_mode": "ROAD", "address": "1 quai du Port", "postal_code": "59300",
        "city": "Valenciennes", **kwargs})
    return partners.save_carrier(values, now=NOW)


def make_disposable(device_type: str = "laptop", actor_id=None, **kwargs):
    """A device that reached "to dispose" through the lifecycle, as the workshop does."""
    device = make_device(device_type, actor_id=actor_id, **kwargs)
    for target in ("diagnosis", "to_dispose"):
        devices.transition(device, target, actor_id=actor_id, now=NOW - timedelta(days=2))
    return device


def handover(operator, carriers, **kwargs) -> closing.Handover:
    values = {
        "operator_id": operator.id, "carrier_ids": [c.id for c in carriers],
        "handover_date": TODAY, "operation_code": "R4", "operation_mode": "RECYCLAGE",
        "signed_by_name": "Camille Martin", "signature_confirmed": True,
        "signed_on": None, "tracking_reference": "",
    }
    values.update(kwargs)
    return closing.Handover(**values)


def closed_batch(items=(), *, operator=None, carriers=None, when: date = TODAY, **kwargs):
    """Open a batch, put `items` (devices) in it and close it on `when`."""
    operator = operator or make_operator()
    carriers = carriers or [make_carrier()]
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    for device in items:
        batches.add_device(batch, device, actor_id=None, now=NOW)
    moment = datetime.combine(when, NOW.time())
    batch, _document = closing.close_batch(
        batch, handover(operator, carriers, handover_date=when, **kwargs),
        actor_id=None, now=moment)
    return batch


def export_register(client, fmt: str, **params):
    """The register export as a person gets it: the preview, the confirmation (a job), then the
    document's link on the job's page. Returns the document's download response."""
    import re

    url = f"/weee/register.{fmt}"
    preview = client.get(url, query_string=params)
    assert preview.status_code == 200 and "À vérifier avant d’émettre" in preview.get_data(
        as_text=True)
    job_page = client.post(url, query_string=params, data={"confirm": "1"},
                           follow_redirects=True).get_data(as_text=True)
    link = re.search(r'href="(/documents/\d+/[^"]+)"', job_page)
    assert link, job_page
    return client.get(link.group(1))
