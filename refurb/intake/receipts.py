"""The collection receipt (bon de prise en charge): issuing it, the facts it states, its PDF.

`receipt_payload` gathers plain facts only (no issue date, no version), so issuing twice with
nothing changed gives the same content hash and therefore the same version. The document is
French, whatever the language of the person who issues it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from refurb.core import collections as rules
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import IllegalTransition
from refurb.core.i18n import N_
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Column, DocumentPDF, Letterhead, format_kg
from refurb.documents.preview import Fact, Preview
from refurb.documents.services import issue_document
from refurb.intake import queries
from refurb.intake.models import Collection

TITLE = "Bon de prise en charge"
STATUS_LABELS = {"reuse": "Réemploi", "waste": "Déchet (DEEE)"}
COLUMNS = (
    Column("N° d'inventaire", 30),
    Column("Type", 28),
    Column("Marque / modèle", 44),
    Column("N° de série", 40),
    Column("Poids (kg)", 18, "R"),
    Column("Statut", 20),
)
# When the donor numbered its machines: its number beside ours, to reconcile its register.
COLUMNS_WITH_DONOR_NUMBER = (
    Column("N° d'inventaire", 28),
    Column("N° donateur", 27),
    Column("Type", 24),
    Column("Marque / modèle", 38),
    Column("N° de série", 31),
    Column("Poids (kg)", 16, "R"),
    Column("Statut", 16),
)


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _type_label(value: str) -> str:
    try:
        return DEVICE_TYPE_LABELS[DeviceType(value)]
    except ValueError:
        return value


def _checked_payload(collection: Collection, workshop: dict[str, str]) -> dict[str, Any]:
    count = queries.device_count(collection.id)
    verdict = rules.can_issue_receipt(collection.state, count)
    if not verdict.allowed:
        raise IllegalTransition(N_("%(number)s : bon de prise en charge impossible."),
                                reasons=list(verdict.reasons), number=collection.number)
    return receipt_payload(collection, queries.receipt_lines(collection.id), workshop)


def receipt_preview(collection: Collection, workshop: dict[str, str]) -> Preview:
    """What the receipt will state, for the page that asks for confirmation."""
    totals = _checked_payload(collection, workshop)["totals"]
    return Preview(rules.receipt_number(collection.number), [
        Fact(_("Donateur"), collection.donor.name),
        Fact(_("Appareils"), totals["count"]),
        Fact(_("Réemploi / déchet"), f"{totals['reuse']} / {totals['waste']}"),
        Fact(_("Poids total"), Decimal(totals["kg"]), "kg", 2),
    ])


def issue_receipt(
    collection: Collection, *, workshop: dict[str, str], actor_id: int | None, now: datetime
) -> tuple[IssuedDocument, bool]:
    """(document, created): unchanged facts give back the latest version (invariant 5)."""
    payload = _checked_payload(collection, workshop)
    return issue_document(
        kind="collection_receipt",
        number=rules.receipt_number(collection.number),
        subject=f"collection:{collection.id}",
        payload=payload,
        render=render_receipt,
        filename_stem=f"bon-prise-en-charge-{collection.number}",
        actor_id=actor_id,
        now=now,
        donor_id=collection.donor_id,
        summary={"devices": payload["totals"]["count"], "kg": payload["totals"]["kg"]},
    )


def receipt_payload(
    collection: Collection, lines: Iterable[tuple], workshop: dict[str, str]
) -> dict[str, Any]:
    """lines: (tag, type, make, model, serial, weight_kg, weight_estimated, legal_status,
    donor_inventory_number)."""
    donor = collection.donor
    devices: list[list[Any]] = []
    by_type: Counter = Counter()
    kg = {"measured": Decimal("0"), "estimated": Decimal("0")}
    statuses: Counter = Counter()
    for tag, kind, make, model, serial, weight, estimated, status, donor_number in lines:
        weight = Decimal(weight or 0).quantize(Decimal("0.01"))
        devices.append([tag, _type_label(kind), f"{make} {model}".strip(), serial or "",
                        str(weight), bool(estimated), status, donor_number or ""])
        by_type[kind] += 1
        kg["estimated" if estimated else "measured"] += weight
        statuses[status] += 1
    order = [t.value for t in DeviceType]
    return {
        "workshop": dict(workshop),
        "donor": {
            "name": donor.name,
            "siret": donor.siret or "",
            "legal_form": donor.legal_form,
            "address": " ".join(filter(None, (donor.address, donor.postal_code, donor.city))),
            "contact": donor.contact_name,
        },
        "collection": {
            "number": collection.number,
            "pickup_site": collection.pickup_site,
            "pickup_contact": collection.pickup_contact,
            "planned_on": _day(collection.planned_on),
            "collected_on": _day(collection.collected_on),
            "received_on": _day(collection.received_on),
            "measured_weight_kg": str(collection.measured_weight_kg)
            if collection.measured_weight_kg is not None else "",
        },
        "devices": devices,
        "totals": {
            "count": len(devices),
            "by_type": [[_type_label(t), by_type[t]] for t in sorted(by_type, key=_order(order))],
            "kg": str(kg["measured"] + kg["estimated"]),
            "kg_measured": str(kg["measured"]),
            "kg_estimated": str(kg["estimated"]),
            "reuse": statuses["reuse"],
            "waste": statuses["waste"],
        },
    }


def _order(order: list[str]):
    return lambda kind: (order.index(kind) if kind in order else len(order), kind)


def render_receipt(payload: dict[str, Any], version: int, now: datetime) -> bytes:
    workshop, coll = payload["workshop"], payload["collection"]
    number = f"{coll['number']}-BPC"
    pdf = DocumentPDF(
        title=TITLE,
        letterhead=Letterhead(workshop["name"], workshop["address"], workshop["siret"],
                              workshop["contact"]),
        number=number,
        version=version,
        issued_at=now,
        footer_note=f"{TITLE} {number} — version {version}",
    )
    pdf.add_page()
    pdf.title_block(f"{TITLE} de matériel informatique",
                    f"Collecte {coll['number']} — émis le {now:%d/%m/%Y}")
    _parties(pdf, payload["donor"], coll)
    _devices(pdf, payload["devices"], payload["totals"], coll)
    _statement(pdf, workshop, payload["donor"])
    return pdf.render()


def _parties(pdf: DocumentPDF, donor: dict[str, Any], coll: dict[str, Any]) -> None:
    pdf.heading("Donateur")
    pdf.key_values([
        ("Organisation", donor["name"]),
        ("SIRET", donor["siret"]),
        ("Forme juridique", donor["legal_form"]),
        ("Adresse", donor["address"]),
    ])
    pdf.heading("Collecte")
    pdf.key_values([
        ("Numéro", coll["number"]),
        ("Lieu d'enlèvement", " — ".join(filter(None, (coll["pickup_site"],
                                                        coll["pickup_contact"])))),
        ("Date prévue", coll["planned_on"]),
        ("Enlevée le", coll["collected_on"]),
        ("Réceptionnée le", coll["received_on"]),
    ])


def _devices(pdf: DocumentPDF, devices: list[list[Any]], totals: dict[str, Any],
             coll: dict[str, Any]) -> None:
    pdf.heading(f"Matériel pris en charge ({totals['count']} appareils)")
    rows = [
        [tag, kind, name, serial, _kg(weight) + (" (est.)" if estimated else ""),
         STATUS_LABELS.get(status, status), donor_number]
        for tag, kind, name, serial, weight, estimated, status, donor_number in devices
    ]
    if any(row[-1] for row in rows):
        pdf.table(COLUMNS_WITH_DONOR_NUMBER, [[r[0], r[-1], *r[1:-1]] for r in rows])
    else:
        pdf.table(COLUMNS, [r[:-1] for r in rows])
    pdf.heading("Totaux")
    pdf.key_values(
        [(kind, str(count)) for kind, count in totals["by_type"]]
        + [
            ("Nombre d'appareils", str(totals["count"])),
            ("Réemploi / déchet", f"{totals['reuse']} / {totals['waste']}"),
            ("Poids total", format_kg(Decimal(totals["kg"]))),
            ("dont pesé / estimé", f"{format_kg(Decimal(totals['kg_measured']))} / "
                                   f"{format_kg(Decimal(totals['kg_estimated']))}"),
        ]
        + ([("Poids mesuré à la réception", format_kg(Decimal(coll["measured_weight_kg"])))]
           if coll["measured_weight_kg"] else [])
    )


def _statement(pdf: DocumentPDF, workshop: dict[str, Any], donor: dict[str, Any]) -> None:
    if pdf.get_y() + 70 > pdf.h - pdf.b_margin:  # keep the statement with the signatures
        pdf.add_page()
    pdf.paragraph(
        f"{workshop['name']} reconnaît avoir pris en charge le matériel listé ci-dessus, remis "
        f"par {donor['name']}. Le matériel marqué « Réemploi » est destiné à être reconditionné "
        "et redistribué ; le matériel marqué « Déchet (DEEE) » est orienté vers la filière de "
        "traitement des déchets d'équipements électriques et électroniques. Les données des "
        "supports de stockage seront effacées ou les supports détruits ; un certificat "
        "d'effacement sera remis au donateur.",
        size=9,
    )
    pdf.signature_blocks([
        ("Pour le donateur", donor["contact"] or donor["name"]),
        ("Pour l'atelier", workshop["name"]),
    ])


def _kg(text: str) -> str:
    return f"{Decimal(text):.2f}".replace(".", ",")
