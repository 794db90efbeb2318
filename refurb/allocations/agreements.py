"""The handover agreement: convention de don or contrat de prêt.

``agreement_payload`` gathers plain facts only (no issue time, no version): issuing twice with
nothing changed gives the same content hash, hence the same version; converting a loan into a
gift changes the facts and so issues a new version under the same number (invariant 5).

It is the only place where the beneficiary's identity is written next to the devices: the
document is issued ``personal=True`` (social workers and admins only).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.handover import FEE_STATUS_LABELS, PAYMENT_LABELS, FeeStatus, Mode, PaymentMethod
from refurb.documents.pdf import Column, DocumentPDF, Letterhead, format_eur

KIND = "agreement"
TITLES = {Mode.GIFT: "Convention de don", Mode.LOAN: "Contrat de prêt"}
COLUMNS = (
    Column("N° d'inventaire", 30),
    Column("Type", 28),
    Column("Marque / modèle", 40),
    Column("N° de série", 32),
    Column("Configuration", 50),
)

GIFT_CONDITIONS = (
    "L'atelier remet au bénéficiaire, qui l'accepte, le matériel décrit ci-dessus. Le "
    "bénéficiaire en devient propriétaire à la signature de la présente convention.",
    "Le matériel est reconditionné et remis en l'état. Les données de ses précédents "
    "utilisateurs ont été effacées avant la remise.",
    "Le matériel est destiné à l'usage du foyer ou de la structure bénéficiaire : le "
    "bénéficiaire s'engage à ne pas le revendre.",
    "En fin de vie, le matériel ne doit pas être jeté avec les ordures ménagères : rapportez-le "
    "à l'atelier ou déposez-le dans un point de collecte des déchets d'équipements électriques "
    "et électroniques (DEEE).",
)
LOAN_CONDITIONS = (
    "L'atelier prête au bénéficiaire, qui l'accepte, le matériel décrit ci-dessus. Le matériel "
    "reste la propriété de l'atelier pendant toute la durée du prêt.",
    "Le bénéficiaire s'engage à en prendre soin, à ne pas le prêter, le céder ni le revendre, "
    "et à signaler sans délai à l'atelier toute panne, perte ou vol.",
    "Le matériel est rendu complet (chargeur et accessoires compris) et en bon état d'usage. "
    "Sauvegardez vos données avant le retour : l'atelier efface tous les supports à réception.",
)


def _day(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def type_label(value: str) -> str:
    try:
        return DEVICE_TYPE_LABELS[DeviceType(value)]
    except ValueError:
        return value


def agreement_payload(
    *,
    number: str,
    workshop: Letterhead,
    beneficiary,
    kind_label: str,
    devices: list[dict[str, Any]],
    mode: str,
    handed_over_on: date,
    due_on: date | None,
    fee_amount: Decimal,
    fee_status: str,
    fee_method: str | None,
    receipt_number: str,
    programme: str = "",
    converted_on: date | None = None,
    signed_for_workshop: str = "",
    warranty_months: int = 0,
    warranty_until: date | None = None,
    pack: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """devices: dicts with tag, type, make_model, serial and config (a list of (label, value))."""
    b = beneficiary
    payload = {
        "number": number,
        "workshop": {"name": workshop.name, "address": workshop.address,
                     "siret": workshop.siret, "contact": workshop.contact},
        "beneficiary": {
            "pseudonym": b.pseudonym,
            "kind": kind_label,
            "name": " ".join(p for p in (b.last_name.upper(), b.first_name) if p),
            "organisation": b.organisation_name or "",
            "birth_date": _day(b.birth_date),
            "address": " ".join(p for p in (b.address_line, b.postal_code, b.commune) if p),
            "phone": b.phone or "",
            "email": b.email or "",
            "identifier": b.rna or b.uai or "",
        },
        "devices": devices,
        "mode": Mode(mode).value,
        "handed_over_on": _day(handed_over_on),
        "due_on": _day(due_on),
        "programme": programme,
        "converted_on": _day(converted_on),
        "fee": {
            "amount": str(Decimal(fee_amount).quantize(Decimal("0.01"))),
            "status": FeeStatus(fee_status).value,
            "method": fee_method or "",
            "receipt_number": receipt_number or "",
        },
        "signed_for_workshop": signed_for_workshop,
        "warranty": {"months": warranty_months, "until": _day(warranty_until)},
    }
    if pack:  # only then: the agreements of handovers without a pack keep their bytes
        payload["pack"] = {"name": pack["name"],
                           "accessories": [list(a) for a in pack.get("accessories", [])]}
    return payload


def _fee_line(fee: dict[str, Any]) -> str:
    amount = format_eur(Decimal(fee["amount"]))
    if fee["status"] == FeeStatus.WAIVED:
        return f"{amount} — {FEE_STATUS_LABELS[FeeStatus.WAIVED].lower()}"
    method = PAYMENT_LABELS[PaymentMethod(fee["method"])] if fee["method"] else ""
    receipt = f", reçu n° {fee['receipt_number']}" if fee["receipt_number"] else ""
    return f"{amount} — payée ({method.lower()}{receipt})"


def render_agreement(payload: dict[str, Any], version: int, issued_at: datetime) -> bytes:
    mode = Mode(payload["mode"])
    title = TITLES[mode]
    ws = payload["workshop"]
    head = Letterhead(name=ws["name"], address=ws["address"], siret=ws["siret"],
                      contact=ws["contact"])
    pdf = DocumentPDF(title=title, letterhead=head, number=payload["number"], version=version,
                      issued_at=issued_at,
                      footer_note=f"{title} n° {payload['number']} — document personnel")
    pdf.add_page()
    subtitle = f"Remise du {payload['handed_over_on']}"
    if payload["converted_on"]:
        subtitle += f" — prêt converti en don le {payload['converted_on']}"
    pdf.title_block(title, subtitle)
    _parties(pdf, ws, payload["beneficiary"])

    pdf.heading("Matériel remis")
    pdf.table(COLUMNS, [
        [d["tag"], d["type"], d["make_model"], d["serial"] or "—",
         "\n".join(f"{k} : {v}" for k, v in d["config"]) or "—"]
        for d in payload["devices"]
    ])

    if payload.get("pack"):
        pdf.paragraph(_pack_line(payload["pack"]))

    pdf.heading("Participation")
    pdf.paragraph(f"Participation aux frais de reconditionnement : {_fee_line(payload['fee'])}.")
    _conditions(pdf, payload, mode)

    pdf.heading("Assistance")
    contact = ws["contact"] or ws["name"]
    pdf.paragraph(f"En cas de question ou de panne, contactez l'atelier : {contact}.")
    pdf.paragraph(_warranty_line(payload.get("warranty") or {}))

    pdf.ln(2)
    b = payload["beneficiary"]
    pdf.signature_blocks([
        ("Pour l'atelier", payload["signed_for_workshop"] or ws["name"]),
        ("Le bénéficiaire", b["name"] or b["organisation"]),
    ])
    return pdf.render()


def _pack_line(pack: dict[str, Any]) -> str:
    accessories = ", ".join(f"{quantity} × {label}" for label, quantity in pack["accessories"])
    return (f"Pack « {pack['name']} »" + (f", avec : {accessories}." if accessories
                                          else "."))


def _warranty_line(warranty: dict[str, Any]) -> str:
    if not warranty.get("until"):
        return "Le matériel est remis sans garantie de l'atelier."
    return (f"Garantie de l'atelier : {warranty['months']} mois, jusqu'au {warranty['until']} "
            "inclus (réparation ou échange sans frais d'une panne survenue en usage normal). "
            "Au-delà, une réparation peut être proposée à titre payant.")


def _parties(pdf: DocumentPDF, ws: dict[str, Any], b: dict[str, Any]) -> None:
    pdf.heading("Entre les parties")
    pdf.key_values([
        ("L'atelier", ", ".join(p for p in (ws["name"], ws["address"]) if p)),
        ("SIRET", ws["siret"]),
    ])
    rows = [("Le bénéficiaire", b["name"] or b["organisation"]),
            ("Dossier", f"{b['pseudonym']} ({b['kind']})")]
    if b["organisation"] and b["name"]:
        rows.append(("Structure", b["organisation"]))
    if b["identifier"]:
        rows.append(("Identifiant (RNA / UAI)", b["identifier"]))
    if b["birth_date"]:
        rows.append(("Date de naissance", b["birth_date"]))
    rows += [("Adresse", b["address"]),
             ("Contact", " · ".join(p for p in (b["phone"], b["email"]) if p))]
    pdf.key_values(rows)


def _conditions(pdf: DocumentPDF, payload: dict[str, Any], mode: Mode) -> None:
    pdf.heading("Conditions")
    if payload["converted_on"]:
        pdf.paragraph(
            f"Le matériel avait été prêté le {payload['handed_over_on']} (retour prévu le "
            f"{payload['due_on']}). Le {payload['converted_on']}, la famille a choisi de le "
            "conserver : le prêt est converti en don et la présente convention remplace le "
            "contrat de prêt.")
    if mode == Mode.GIFT:
        for text in GIFT_CONDITIONS:
            pdf.paragraph(f"• {text}")
        return
    programme = (f" (dispositif « {payload['programme']} » : à l'entrée de l'élève en "
                 "6e, la famille rend le matériel ou le conserve, le prêt devenant alors un "
                 "don)") if payload["programme"] else ""
    pdf.paragraph(f"• Le matériel est rendu à l'atelier au plus tard le "
                  f"{payload['due_on']}{programme}.")
    for text in LOAN_CONDITIONS:
        pdf.paragraph(f"• {text}")
