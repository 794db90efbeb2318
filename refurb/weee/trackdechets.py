"""Waste register lines in the shape Trackdéchets takes them (registry V2).

Field names and order follow `OutgoingWasteLineInput` and `IncomingWasteLineInput` of
MTES-MCT/trackdechets back/src/registryV2/typeDefs/registryV2.inputs.graphql. Note that the
destination and the carriers are identified by `…CompanyOrgId` (a SIRET for a French company),
not `…CompanySiret`. Every line carries every field, unknown ones as null, so a JSON line can be
submitted as is and a CSV column always means the same thing.

Plain data in, plain dicts out: no database here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.weee import (
    MAX_CARRIERS,
    TONNE,
    check_operation,
    is_hazardous,
    normalise_waste_code,
    tonnes,
)

CARRIER_SUFFIXES = (
    "TransportMode", "CompanyType", "CompanyOrgId", "RecepisseIsExempted", "RecepisseNumber",
    "CompanyName", "CompanyAddress", "CompanyPostalCode", "CompanyCity", "CompanyCountryCode",
)
CARRIER_FIELDS = tuple(
    f"transporter{n}{suffix}" for n in range(1, MAX_CARRIERS + 1) for suffix in CARRIER_SUFFIXES
)
_BROKER_TRADER = (
    "brokerCompanySiret", "brokerCompanyName", "brokerRecepisseNumber",
    "traderCompanySiret", "traderCompanyName", "traderRecepisseNumber",
)
_INITIAL_EMITTER = (
    "initialEmitterCompanyType", "initialEmitterCompanyOrgId", "initialEmitterCompanyName",
    "initialEmitterCompanyAddress", "initialEmitterCompanyPostalCode",
    "initialEmitterCompanyCity", "initialEmitterCompanyCountryCode",
    "initialEmitterMunicipalitiesInseeCodes",
)

OUTGOING_FIELDS: tuple[str, ...] = (
    "reason", "publicId", "reportForCompanySiret",
    "reportForPickupSiteName", "reportForPickupSiteAddress", "reportForPickupSitePostalCode",
    "reportForPickupSiteCity", "reportForPickupSiteCountryCode", "reportAsCompanySiret",
    "wasteDescription", "wasteCode", "wasteCodeBale", "wastePop", "wasteIsDangerous",
    "dispatchDate", "weightValue", "weightIsEstimate", "volume",
    *_INITIAL_EMITTER,
    "destinationCompanyType", "destinationCompanyOrgId", "destinationCompanyName",
    "destinationCompanyAddress", "destinationCompanyCity", "destinationCompanyPostalCode",
    "destinationCompanyCountryCode", "destinationDropSiteAddress",
    "destinationDropSitePostalCode", "destinationDropSiteCity", "destinationDropSiteCountryCode",
    "operationCode", "operationMode", "gistridNumber", "movementNumber",
    "ecoOrganismeSiret", "ecoOrganismeName", *_BROKER_TRADER,
    "isDirectSupply", *CARRIER_FIELDS,
)

INCOMING_FIELDS: tuple[str, ...] = (
    "reason", "publicId", "reportAsCompanySiret", "reportForCompanySiret",
    "wasteDescription", "wasteCode", "wasteCodeBale", "wastePop", "wasteIsDangerous",
    "receptionDate", "weighingHour", "weightValue", "weightIsEstimate", "volume",
    *_INITIAL_EMITTER,
    "emitterCompanyType", "emitterCompanyOrgId", "emitterCompanyName", "emitterCompanyAddress",
    "emitterCompanyPostalCode", "emitterCompanyCity", "emitterCompanyCountryCode",
    "emitterPickupSiteName", "emitterPickupSiteAddress", "emitterPickupSitePostalCode",
    "emitterPickupSiteCity", "emitterPickupSiteCountryCode",
    "ecoOrganismeSiret", "ecoOrganismeName", *_BROKER_TRADER,
    "operationCode", "operationMode", "noTraceability", "nextDestinationIsAbroad",
    "gistridNumber", "movementNumber", "nextOperationCode", "isDirectSupply", *CARRIER_FIELDS,
)

FIELDS = {"outgoing": OUTGOING_FIELDS, "incoming": INCOMING_FIELDS}
DATE_FIELD = {"outgoing": "dispatchDate", "incoming": "receptionDate"}
# What a correction may change; the rest identifies the line or comes from the batch.
EDITABLE = ("wasteDescription", "wasteCode", "wastePop", "wasteIsDangerous", "weightValue",
            "weightIsEstimate", "operationCode", "operationMode")

FRENCH_COMPANY = "ETABLISSEMENT_FR"  # RegistryCompanyType for a company with a SIRET
PRIVATE_PERSON = "PERSONNE_PHYSIQUE"


@dataclass(frozen=True)
class Company:
    siret: str
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"


@dataclass(frozen=True)
class CarrierInfo:
    siret: str
    name: str
    receipt_number: str
    receipt_exempted: bool
    transport_mode: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"


@dataclass(frozen=True)
class WasteGroup:
    """What a line declares: one waste code of one batch (or one reception)."""

    waste_code: str
    description: str
    weight_kg: Decimal
    weight_estimated: bool
    contains_pops: bool


def _blank(fields: Sequence[str]) -> dict[str, Any]:
    return dict.fromkeys(fields)


def _waste(line: dict[str, Any], group: WasteGroup) -> None:
    code = normalise_waste_code(group.waste_code)
    line.update(
        wasteDescription=group.description[:300],
        wasteCode=code,
        wastePop=group.contains_pops,
        # POPs make a waste hazardous whatever its code (Trackdéchets reads it that way too).
        wasteIsDangerous=is_hazardous(code) or group.contains_pops,
        weightValue=float(tonnes(group.weight_kg)),
        weightIsEstimate=group.weight_estimated,
    )


def _carriers(line: dict[str, Any], carriers: Sequence[CarrierInfo]) -> None:
    if len(carriers) > MAX_CARRIERS:
        raise InvalidInput(N_("Au plus %(max)s transporteurs par ligne du registre."),
                           max=MAX_CARRIERS)
    for n, carrier in enumerate(carriers, start=1):
        line.update({
            f"transporter{n}TransportMode": carrier.transport_mode,
            f"transporter{n}CompanyType": FRENCH_COMPANY,
            f"transporter{n}CompanyOrgId": carrier.siret,
            f"transporter{n}RecepisseIsExempted": carrier.receipt_exempted,
            f"transporter{n}RecepisseNumber": None if carrier.receipt_exempted
            else carrier.receipt_number,
            f"transporter{n}CompanyName": carrier.name,
            f"transporter{n}CompanyAddress": carrier.address or None,
            f"transporter{n}CompanyPostalCode": carrier.postal_code or None,
            f"transporter{n}CompanyCity": carrier.city or None,
            f"transporter{n}CompanyCountryCode": carrier.country_code or None,
        })


def outgoing_line(
    *,
    public_id: str,
    site: Company,
    group: WasteGroup,
    dispatch_date: date,
    destination: Company,
    operation_code: str,
    operation_mode: str | None,
    eco_organism: tuple[str, str] | None,
    carriers: Sequence[CarrierInfo],
) -> dict[str, Any]:
    """One outgoing line: the workshop hands `group` to `destination` through `carriers`."""
    code, mode = check_operation(operation_code, operation_mode)
    line = _blank(OUTGOING_FIELDS)
    line.update(
        publicId=public_id,
        reportForCompanySiret=site.siret,
        reportForPickupSiteName=site.name,
        reportForPickupSiteAddress=site.address or None,
        reportForPickupSitePostalCode=site.postal_code or None,
        reportForPickupSiteCity=site.city or None,
        reportForPickupSiteCountryCode=site.country_code or None,
        dispatchDate=dispatch_date.isoformat(),
        # The workshop decided to discard: it is the producer of this waste.
        initialEmitterCompanyType=FRENCH_COMPANY,
        initialEmitterCompanyOrgId=site.siret,
        initialEmitterCompanyName=site.name,
        initialEmitterCompanyAddress=site.address or None,
        initialEmitterCompanyPostalCode=site.postal_code or None,
        initialEmitterCompanyCity=site.city or None,
        initialEmitterCompanyCountryCode=site.country_code or None,
        destinationCompanyType=FRENCH_COMPANY,
        destinationCompanyOrgId=destination.siret,
        destinationCompanyName=destination.name,
        destinationCompanyAddress=destination.address or None,
        destinationCompanyCity=destination.city or None,
        destinationCompanyPostalCode=destination.postal_code or None,
        destinationCompanyCountryCode=destination.country_code or None,
        operationCode=code,
        operationMode=mode.value if mode else None,
        ecoOrganismeSiret=eco_organism[0] if eco_organism else None,
        ecoOrganismeName=eco_organism[1] if eco_organism else None,
        isDirectSupply=False,
    )
    _waste(line, group)
    _carriers(line, carriers)
    return line


def incoming_line(
    *,
    public_id: str,
    site: Company,
    group: WasteGroup,
    reception_date: date,
    emitter: Company | None,
    pickup_site: str,
    operation_code: str,
    operation_mode: str | None = None,
) -> dict[str, Any]:
    """One incoming line: equipment received as waste from a donor."""
    code, mode = check_operation(operation_code, operation_mode)
    line = _blank(INCOMING_FIELDS)
    emitter_fields: dict[str, Any] = {}
    for prefix in ("initialEmitter", "emitter"):
        if emitter is None:
            emitter_fields[f"{prefix}CompanyType"] = PRIVATE_PERSON
            continue
        emitter_fields.update({
            f"{prefix}CompanyType": FRENCH_COMPANY if emitter.siret else PRIVATE_PERSON,
            f"{prefix}CompanyOrgId": emitter.siret or None,
            f"{prefix}CompanyName": emitter.name,
            f"{prefix}CompanyAddress": emitter.address or None,
            f"{prefix}CompanyPostalCode": emitter.postal_code or None,
            f"{prefix}CompanyCity": emitter.city or None,
            f"{prefix}CompanyCountryCode": emitter.country_code or None,
        })
    line.update(
        publicId=public_id,
        reportForCompanySiret=site.siret,
        receptionDate=reception_date.isoformat(),
        emitterPickupSiteName=pickup_site[:200] or None,
        operationCode=code,
        operationMode=mode.value if mode else None,
        **emitter_fields,
    )
    _waste(line, group)
    return line


def corrected(direction: str, fields: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The fields of an EDIT line: the previous ones with `changes` applied and checked."""
    unknown = set(changes) - set(EDITABLE) - {DATE_FIELD[direction]}
    if unknown:
        raise InvalidInput(N_("Champs non modifiables : %(fields)s."),
                           fields=", ".join(sorted(unknown)))
    line = {**_blank(FIELDS[direction]), **fields, **changes, "reason": "EDIT"}
    line["wasteCode"] = normalise_waste_code(line["wasteCode"])
    code, mode = check_operation(line["operationCode"], line["operationMode"])
    line["operationCode"], line["operationMode"] = code, mode.value if mode else None
    weight = line["weightValue"]
    if not isinstance(weight, bool) and isinstance(weight, int | float) and math.isfinite(weight):
        weight = Decimal(str(weight)).quantize(TONNE, ROUND_HALF_UP)  # 3 decimals, half up
    if not isinstance(weight, Decimal) or not 0 < weight < 10000:
        raise InvalidInput(N_("Poids en tonnes : strictement entre 0 et 10 000, 3 décimales."))
    line["weightValue"] = float(weight)
    if not (line["wasteDescription"] or "").strip():
        raise InvalidInput(N_("La dénomination du déchet est obligatoire."))
    for flag in ("wastePop", "wasteIsDangerous", "weightIsEstimate"):
        line[flag] = bool(line[flag])
    # A starred code or POPs is hazardous whatever was ticked.
    line["wasteIsDangerous"] = line["wasteIsDangerous"] or is_hazardous(line["wasteCode"]) or (
        line["wastePop"])
    return line


# -- exports ------------------------------------------------------------------------------------
def jsonl(lines: Iterable[dict[str, Any]], direction: str) -> Iterable[str]:
    """One JSON object per line, keys in the Trackdéchets order, values typed."""
    fields = FIELDS[direction]
    for line in lines:
        yield json.dumps({k: line.get(k) for k in fields}, ensure_ascii=False) + "\n"


def csv_row(line: dict[str, Any], direction: str) -> list[object]:
    """Typed cells for the French CSV writer: dates as dates, the weight as a decimal."""
    row: list[object] = []
    for key in FIELDS[direction]:
        value = line.get(key)
        if key == DATE_FIELD[direction] and isinstance(value, str):
            value = date.fromisoformat(value[:10])
        elif key == "weightValue" and value is not None:
            value = Decimal(str(value))
        elif isinstance(value, list):
            value = ",".join(value)
        row.append(value)
    return row


def render_csv(payload: dict[str, Any], version: int, issued_at) -> bytes:
    """The register as French Excel opens it (BOM, ";", decimal comma, dd/mm/yyyy)."""
    from refurb.documents.csv_export import csv_bytes

    direction = payload["direction"]
    return csv_bytes(FIELDS[direction], [csv_row(line, direction) for line in payload["lines"]])


def render_jsonl(payload: dict[str, Any], version: int, issued_at) -> bytes:
    return "".join(jsonl(payload["lines"], payload["direction"])).encode("utf-8")


EXPORTS = {  # format: (renderer, media type, extension)
    "csv": (render_csv, "text/csv; charset=utf-8", "csv"),
    "jsonl": (render_jsonl, "application/x-ndjson", "jsonl"),
}
