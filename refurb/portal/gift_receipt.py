"""The mécénat gift receipt: the fields of Cerfa 16216 (2041-MEC-SD, art. 238 bis CGI) for a
gift in kind, drawn from the payload of `portal.services.gift_payload` alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.documents.pdf import Column, DocumentPDF, Letterhead

TITLE = "Reçu des dons effectués par les entreprises"
SUBTITLE = ("Article 238 bis du code général des impôts — champs du formulaire Cerfa n° 16216 "
            "(2041-MEC-SD)")
CERTIFICATION = (
    "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent "
    "droit à la réduction d'impôt prévue à l'article 238 bis du code général des impôts."
)


def render_gift_receipt(payload: dict[str, Any], version: int, now: datetime) -> bytes:
    org, donor, number = payload["organisation"], payload["donor"], payload["number"]
    pdf = DocumentPDF(
        title=TITLE,
        letterhead=Letterhead(org["name"], org["address"], org["siret"], org["contact"]),
        number=number, version=version, issued_at=now,
        footer_note=f"Reçu fiscal {number} — version {version}",
    )
    pdf.add_page()
    pdf.title_block(TITLE, f"{SUBTITLE}\nReçu n° {number} — émis le {now:%d/%m/%Y}")
    pdf.heading("Organisme bénéficiaire")
    pdf.key_values([
        ("Nom ou dénomination", org["name"]),
        ("Adresse", org["address"]),
        ("SIRET", org["siret"]),
        ("Objet", org["purpose"]),
        ("Qualité de l'organisme", org["type"]),
    ])
    pdf.heading("Entreprise donatrice")
    pdf.key_values([
        ("Dénomination", donor["name"]),
        ("Forme juridique", donor["legal_form"]),
        ("N° SIREN", donor["siren"]),
        ("Adresse", donor["address"]),
    ])
    pdf.heading("Le don")
    pdf.key_values([
        ("Date du don", f"{payload['gift_date']} (collecte {payload['collection']})"),
        ("Forme du don", payload["form"]),
        ("Nature du don", payload["nature"]),
        ("Description des biens", payload["nature_of_goods"]),
    ])
    rows = [[label, str(count)] for label, count in payload["goods"]]
    rows.append(["Total", str(payload["total_devices"])])
    pdf.table([Column("Nature des biens", 120), Column("Quantité", 30, "R")], rows, size=9)
    pdf.key_values([
        ("Valeur en chiffres", payload["amount_figures"]),
        ("Valeur en lettres", payload["amount_words"]),
        ("Méthode de valorisation", f"{payload['valuation_method']} "
                                    f"(déclarée le {payload['declared_on']})"),
    ])
    pdf.paragraph(CERTIFICATION, size=9)
    signer = payload["signatory"]
    pdf.signature_blocks([(f"Pour {org['name']}", f"{signer['name']}, {signer['role']}")])
    return pdf.render()
