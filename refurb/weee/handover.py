"""The batch handover document (bon de remise d'un lot DEEE): who hands what to whom, item by
item, weights per waste code, and room for the three signatures.

The payload is plain data frozen at closing; the same payload renders the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context

from refurb.core.weee import OPERATION_CODES, OPERATION_MODE_LABELS, TRANSPORT_MODE_LABELS
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Column, DocumentPDF, Letterhead, format_kg
from refurb.documents.services import issue_document

KIND = "weee_handover"


def _company(c) -> dict[str, str]:
    return {"name": c.name, "siret": c.siret,
            "address": " ".join(p for p in (c.address, c.postal_code, c.city) if p)}


def payload_for(batch, items: Sequence, operator, carriers: Sequence, site) -> dict[str, Any]:
    weights: dict[str, Decimal] = {}
    for item in items:
        weights[item.waste_code] = weights.get(item.waste_code, Decimal("0")) + item.weight_kg
    return {
        "number": batch.number,
        "handover_date": batch.handover_date.isoformat(),
        "tracking_reference": batch.tracking_reference,
        "operation_code": batch.operation_code,
        "operation_mode": batch.operation_mode,
        "site": _company(site),
        "operator": {**_company(operator), "authorisation": operator.authorisation,
                     "eco_organism": operator.eco_organism_name},
        "carriers": [{**_company(c), "receipt": c.receipt_number, "exempted": c.receipt_exempted,
                      "mode": c.transport_mode} for c in carriers],
        "items": [{"description": i.description, "quantity": i.quantity,
                   "category": i.category, "waste_code": i.waste_code,
                   "weight_kg": str(i.weight_kg), "estimated": i.weight_estimated,
                   "pops": i.contains_pops} for i in items],
        "weights": {code: str(w) for code, w in sorted(weights.items())},
        "total_kg": str(batch.total_weight_kg),
        "signed_by": batch.signed_by_name,
        "signed_on": batch.signed_on.isoformat(),
    }


def _fr_date(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y")


def render(payload: dict[str, Any], version: int, issued_at: datetime) -> bytes:
    site = payload["site"]
    pdf = DocumentPDF(
        title=f"Bon de remise du lot DEEE {payload['number']}",
        letterhead=Letterhead(name=site["name"] or "Atelier", address=site["address"],
                              siret=site["siret"], contact=site.get("contact", "")),
        number=payload["number"], version=version, issued_at=issued_at,
        footer_note=f"Lot DEEE {payload['number']} — registre des déchets",
    )
    pdf.add_page()
    pdf.title_block(f"Bon de remise — lot DEEE {payload['number']}",
                    f"Remis le {_fr_date(payload['handover_date'])}")
    operator = payload["operator"]
    mode = payload["operation_mode"]
    code = payload["operation_code"]
    pdf.key_values([
        ("Prestataire de traitement", f"{operator['name']} — SIRET {operator['siret']}"),
        ("Adresse", operator["address"]),
        ("Autorisation / récépissé", operator["authorisation"]),
        ("Éco-organisme", operator["eco_organism"]),
        ("Traitement prévu", f"{code} — {OPERATION_CODES[code][0]}"
         + (f" ({OPERATION_MODE_LABELS[mode]})" if mode else "")),
        ("Bordereau de suivi", payload["tracking_reference"]),
    ])
    pdf.heading("Transporteur(s)")
    pdf.table(
        [Column("N°", 10, "C"), Column("Transporteur", 70), Column("SIRET", 32),
         Column("Récépissé", 40), Column("Mode", 28)],
        [[str(n), f"{c['name']}\n{c['address']}", c["siret"],
          "exempté" if c["exempted"] else c["receipt"],
          TRANSPORT_MODE_LABELS.get(c["mode"], c["mode"])]
         for n, c in enumerate(payload["carriers"], start=1)],
    )
    pdf.heading("Contenu du lot")
    pdf.table(
        [Column("Élément", 78), Column("Qté", 12, "R"), Column("Cat.", 12, "C"),
         Column("Code déchet", 26, "C"), Column("Poids", 24, "R"), Column("Pesé", 28, "C")],
        [[i["description"] + (" (POP)" if i["pops"] else ""), str(i["quantity"]),
          str(i["category"]), i["waste_code"], format_kg(Decimal(i["weight_kg"])),
          "estimé" if i["estimated"] else "pesé"] for i in payload["items"]],
    )
    pdf.heading("Poids par code déchet")
    pdf.table(
        [Column("Code déchet", 40, "C"), Column("Poids", 40, "R")],
        [[code, format_kg(Decimal(w))] for code, w in payload["weights"].items()]
        + [["Total", format_kg(Decimal(payload["total_kg"]))]],
    )
    pdf.paragraph(
        f"Bon pour remise signé par {payload['signed_by']} le {_fr_date(payload['signed_on'])}."
    )
    pdf.signature_blocks([
        ("L'atelier (remettant)", payload["signed_by"]),
        ("Le transporteur", payload["carriers"][0]["name"] if payload["carriers"] else ""),
        ("Le prestataire de traitement", operator["name"]),
    ])
    return pdf.render()


def issue(batch, items, operator, carriers, site, *, actor_id: int | None,
          now: datetime) -> IssuedDocument:
    payload = payload_for(batch, items, operator, carriers, site)
    if has_app_context() and current_app.config.get("WORKSHOP_CONTACT"):
        payload["site"]["contact"] = current_app.config["WORKSHOP_CONTACT"]
    document, _created = issue_document(
        kind=KIND, number=batch.number, subject=f"weee_batch:{batch.id}", payload=payload,
        render=render, filename_stem=f"bon-remise-{batch.number}", actor_id=actor_id, now=now,
        summary={"items": len(items), "total_kg": payload["total_kg"]},
    )
    return document
