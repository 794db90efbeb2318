"""Who the workshop is on every document it issues: name, legal form, address, SIRET, contact,
the person who signs, and its WEEE defaults. Checked when an admin saves it (a SIRET must pass
its Luhn key), and asked of it before a document is issued: each kind of document names the
fields it cannot do without, so the refusal comes first and names what to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.siret import InvalidIdentifier, validate_siret
from refurb.core.weee import OperationMode, check_operation


@dataclass(frozen=True)
class WorkshopIdentity:
    name: str = ""
    legal_form: str = ""
    address: str = ""  # number and street
    postal_code: str = ""
    city: str = ""
    siret: str = ""
    email: str = ""
    phone: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    eco_organism_name: str = ""
    eco_organism_siret: str = ""
    treatment_operation_code: str = ""
    treatment_operation_mode: str = ""

    @property
    def full_address(self) -> str:
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.address, town) if p)

    @property
    def contact(self) -> str:
        return " · ".join(p for p in (self.email, self.phone) if p)

    @property
    def signatory(self) -> str:
        return ", ".join(p for p in (self.signatory_name, self.signatory_title) if p)


KEYS = tuple(f.name for f in fields(WorkshopIdentity))

LABELS: dict[str, str] = {
    "name": N_("Nom de l'atelier ou de l'organisme"),
    "legal_form": N_("Forme juridique"),
    "address": N_("Adresse (n° et voie)"),
    "postal_code": N_("Code postal"),
    "city": N_("Commune"),
    "siret": N_("SIRET"),
    "email": N_("Adresse e-mail de contact"),
    "phone": N_("Téléphone de contact"),
    "signatory_name": N_("Signataire : nom"),
    "signatory_title": N_("Signataire : qualité"),
    "eco_organism_name": N_("Éco-organisme DEEE : nom"),
    "eco_organism_siret": N_("Éco-organisme DEEE : SIRET"),
    "treatment_operation_code": N_("Code de traitement DEEE par défaut"),
    "treatment_operation_mode": N_("Mode de traitement DEEE par défaut"),
}

# What each document cannot be issued without. "contact" is met by an e-mail or a phone.
REQUIRED: dict[str, tuple[str, ...]] = {
    "erasure_certificate": ("name", "address", "postal_code", "city", "siret", "contact"),
    "erasure_statement": ("name", "address", "postal_code", "city", "contact"),
    "collection_receipt": ("name", "address", "postal_code", "city", "contact"),
    "agreement": ("name", "address", "postal_code", "city", "contact"),
    "gift_receipt": ("name", "address", "postal_code", "city"),  # Cerfa 16216: no SIRET
    "weee_closing": ("name", "address", "postal_code", "city", "siret"),
}
DOCUMENT_NAMES: dict[str, str] = {
    "erasure_certificate": N_("le certificat d'effacement"),
    "erasure_statement": N_("le relevé provisoire d'effacement"),
    "collection_receipt": N_("le bon de prise en charge"),
    "agreement": N_("la convention"),
    "gift_receipt": N_("le reçu fiscal (mécénat)"),
    "weee_closing": N_("la clôture d'un lot DEEE"),
}
CONTACT_LABEL = N_("Contact (e-mail ou téléphone)")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,20}$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
MAX_LENGTH = 200


@dataclass(frozen=True)
class Gap:
    """A field a document needs and the identity lacks: its key (the form field) and label."""

    key: str
    label: str


def gaps(identity: WorkshopIdentity, purpose: str) -> list[Gap]:
    missing = []
    for key in REQUIRED[purpose]:
        if key == "contact":
            if not (identity.email or identity.phone):
                missing.append(Gap("email", CONTACT_LABEL))
        elif not getattr(identity, key).strip():
            missing.append(Gap(key, LABELS[key]))
    return missing


def clean(values: Mapping[str, object]) -> tuple[WorkshopIdentity, dict[str, Message]]:
    """(the identity as it will be stored, errors by field). Nothing is stored with an error."""
    text = {key: " ".join(str(values.get(key) or "").split())[:MAX_LENGTH] for key in KEYS}
    errors: dict[str, Message] = {}
    if not text["name"]:
        errors["name"] = Message(N_("Le nom de l'atelier est obligatoire."))
    for key in ("siret", "eco_organism_siret"):
        if text[key]:
            try:
                text[key] = validate_siret(text[key])
            except InvalidIdentifier as error:
                errors[key] = error.msg
    if text["postal_code"] and not _POSTAL_CODE.match(text["postal_code"]):
        errors["postal_code"] = Message(N_("Code postal : 5 chiffres attendus."))
    if text["email"] and not _EMAIL.match(text["email"]):
        errors["email"] = Message(N_("Adresse e-mail invalide."))
    if text["phone"] and not _PHONE.match(text["phone"]):
        errors["phone"] = Message(N_("Numéro de téléphone invalide."))
    if bool(text["eco_organism_name"]) != bool(text["eco_organism_siret"]):
        errors.setdefault("eco_organism_siret", Message(
            N_("Éco-organisme : indiquez son nom et son SIRET, ou aucun des deux.")))
    if text["treatment_operation_code"] or text["treatment_operation_mode"]:
        try:
            code, mode = check_operation(text["treatment_operation_code"],
                                         text["treatment_operation_mode"])
        except InvalidInput as error:
            errors["treatment_operation_code"] = error.msg
        else:
            text["treatment_operation_code"] = code
            text["treatment_operation_mode"] = mode.value if isinstance(mode, OperationMode) \
                else ""
    return WorkshopIdentity(**text), errors
