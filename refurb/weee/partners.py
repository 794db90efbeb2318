"""Treatment operators (where a batch goes) and carriers (who takes it there): the companies a
batch is handed to, as the waste register names them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.siret import validate_siret
from refurb.core.weee import ECO_ORGANISMS, TransportMode
from refurb.extensions import db
from refurb.weee.inputs import clean_text, country_code, required_text
from refurb.weee.models import Carrier, TreatmentOperator


@dataclass(frozen=True)
class OperatorValues:
    name: str
    siret: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"
    authorisation: str = ""
    eco_organism: str = ""  # "", a known eco-organism SIRET, or "other"
    eco_other_name: str = ""
    eco_other_siret: str = ""
    active: bool = True


def _eco_organism(values: OperatorValues) -> tuple[str, str]:
    choice = (values.eco_organism or "").strip()
    if not choice:
        return "", ""
    if choice in ECO_ORGANISMS:
        return choice, ECO_ORGANISMS[choice]
    if choice != "other":
        raise InvalidInput(N_("Éco-organisme inconnu."))
    name = required_text(values.eco_other_name, N_("Nom de l'éco-organisme"), 200)
    return validate_siret(values.eco_other_siret), name


def save_operator(
    values: OperatorValues, *, now: datetime, operator: TreatmentOperator | None = None
) -> TreatmentOperator:
    siret = validate_siret(values.siret)
    _unique_siret(TreatmentOperator, siret, operator, N_(
        "Un prestataire de traitement porte déjà le SIRET %(siret)s : %(name)s."))
    eco_siret, eco_name = _eco_organism(values)
    if operator is None:
        operator = TreatmentOperator(created_at=now)
        db.session.add(operator)
    operator.name = required_text(values.name, N_("Raison sociale"), 200)
    operator.siret = siret
    operator.address = clean_text(values.address, 300)
    operator.postal_code = clean_text(values.postal_code, 10)
    operator.city = clean_text(values.city, 120)
    operator.country_code = country_code(values.country_code)
    operator.authorisation = clean_text(values.authorisation, 300)
    operator.eco_organism_siret, operator.eco_organism_name = eco_siret, eco_name
    operator.active = bool(values.active)
    db.session.flush()
    return operator


@dataclass(frozen=True)
class CarrierValues:
    name: str
    siret: str
    receipt_number: str = ""
    receipt_exempted: bool = False
    transport_mode: str = TransportMode.ROAD.value
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"
    active: bool = True


def save_carrier(
    values: CarrierValues, *, now: datetime, carrier: Carrier | None = None
) -> Carrier:
    siret = validate_siret(values.siret)
    _unique_siret(Carrier, siret, carrier,
                  N_("Un transporteur porte déjà le SIRET %(siret)s : %(name)s."))
    try:
        mode = TransportMode(values.transport_mode)
    except ValueError:
        raise InvalidInput(N_("Mode de transport inconnu.")) from None
    receipt = clean_text(values.receipt_number, 80)
    if not receipt and not values.receipt_exempted:
        raise InvalidInput(
            N_("Numéro de récépissé obligatoire, sauf si le transporteur en est exempté."))
    if carrier is None:
        carrier = Carrier(created_at=now)
        db.session.add(carrier)
    carrier.name = required_text(values.name, N_("Raison sociale"), 200)
    carrier.siret = siret
    carrier.receipt_number = receipt
    carrier.receipt_exempted = bool(values.receipt_exempted)
    carrier.transport_mode = mode.value
    carrier.address = clean_text(values.address, 300)
    carrier.postal_code = clean_text(values.postal_code, 10)
    carrier.city = clean_text(values.city, 120)
    carrier.country_code = country_code(values.country_code)
    carrier.active = bool(values.active)
    db.session.flush()
    return carrier


def _unique_siret(model, siret: str, current, message: str) -> None:
    other = db.session.scalar(select(model).where(model.siret == siret))
    if other is not None and other is not current:
        raise InvalidInput(message, siret=siret, name=other.name)
