"""The transfer note as a PDF: what left the sender, and (from version 2) what the receiver
accepted or refused. Plain data in, bytes out (refurb.documents.pdf)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.clock import format_local
from refurb.documents.pdf import Column, DocumentPDF, Letterhead

KIND = "transfer_note"
OUTCOME_WORDS = {"pending": "en attente", "received": "reçu", "refused": "refusé"}


def _when(value: str | None) -> str:
    return format_local(datetime.fromisoformat(value)) if value else ""


def render(payload: dict[str, Any], version: int, issued_at: datetime) -> bytes:
    sender, receiver = payload["sender"], payload["receiver"]
    pdf = DocumentPDF(
        title=f"Bon de transfert {payload['number']}",
        letterhead=Letterhead(name=sender["name"], address=sender["address"],
                              siret=sender["siret"], contact=sender["contact"]),
        number=payload["number"], version=version, issued_at=issued_at,
        footer_note=f"Bon de transfert {payload['number']} — chaîne de garde",
    )
    pdf.add_page()
    pdf.title_block(f"Bon de transfert {payload['number']}",
                    f"{sender['name']} → {receiver['name']}")
    pdf.key_values([
        ("Atelier expéditeur", sender["name"]),
        ("Atelier destinataire", receiver["name"]),
        ("Sortie signée le", _when(payload["signed_out_at"])),
        ("Sortie signée par", payload["signed_out_by"]),
        ("Réception confirmée le", _when(payload["received_at"]) or "en attente"),
        ("Réception confirmée par", payload["received_by"] or "—"),
        ("Appareils", str(len(payload["items"]))),
    ])
    if payload["note"]:
        pdf.paragraph(payload["note"])
    pdf.heading("Appareils transférés")
    pdf.table(
        [Column("Étiquette", 30), Column("Type", 20), Column("Marque / modèle", 42),
         Column("N° de série", 32), Column("État", 20), Column("Réception", 36)],
        [[i["asset_tag"], i["device_type"], f"{i['make']} {i['model']}".strip(),
          i["serial"] or "", i["state"],
          OUTCOME_WORDS[i["outcome"]] + (f" : {i['refusal_reason']}" if i["refusal_reason"]
                                         else "")]
         for i in payload["items"]],
    )
    pdf.signature_blocks([
        ("L'atelier expéditeur", payload["signed_out_by"]),
        ("L'atelier destinataire", payload["received_by"]),
    ])
    return pdf.render()
