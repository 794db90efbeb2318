"""French names of the register file's columns. The CSV and JSON keep the official Trackdéchets
field names (what the import expects); the register page shows each with its meaning."""

from __future__ import annotations

from refurb.core.i18n import N_
from refurb.weee.trackdechets import CARRIER_SUFFIXES, FIELDS

LABELS = {
    "reason": N_("Motif (vide : création ; EDIT : correction)"),
    "publicId": N_("Identifiant unique de la ligne"),
    "reportForCompanySiret": N_("SIRET de l'établissement concerné"),
    "reportAsCompanySiret": N_("SIRET du déclarant"),
    "reportForPickupSiteName": N_("Site d'enlèvement : nom"),
    "reportForPickupSiteAddress": N_("Site d'enlèvement : adresse"),
    "reportForPickupSitePostalCode": N_("Site d'enlèvement : code postal"),
    "reportForPickupSiteCity": N_("Site d'enlèvement : commune"),
    "reportForPickupSiteCountryCode": N_("Site d'enlèvement : pays"),
    "wasteDescription": N_("Dénomination du déchet"),
    "wasteCode": N_("Code déchet"),
    "wasteCodeBale": N_("Code déchet (convention de Bâle)"),
    "wastePop": N_("Contient des POP"),
    "wasteIsDangerous": N_("Déchet dangereux"),
    "dispatchDate": N_("Date d'expédition"),
    "receptionDate": N_("Date de réception"),
    "weighingHour": N_("Heure de pesée"),
    "weightValue": N_("Poids (t)"),
    "weightIsEstimate": N_("Poids estimé"),
    "volume": N_("Volume (m³)"),
    "initialEmitterCompanyType": N_("Producteur initial : type"),
    "initialEmitterCompanyOrgId": N_("Producteur initial : SIRET ou identifiant"),
    "initialEmitterCompanyName": N_("Producteur initial : raison sociale"),
    "initialEmitterCompanyAddress": N_("Producteur initial : adresse"),
    "initialEmitterCompanyPostalCode": N_("Producteur initial : code postal"),
    "initialEmitterCompanyCity": N_("Producteur initial : commune"),
    "initialEmitterCompanyCountryCode": N_("Producteur initial : pays"),
    "initialEmitterMunicipalitiesInseeCodes": N_("Producteur initial : codes INSEE des communes"),
    "emitterCompanyType": N_("Expéditeur : type"),
    "emitterCompanyOrgId": N_("Expéditeur : SIRET ou identifiant"),
    "emitterCompanyName": N_("Expéditeur : raison sociale"),
    "emitterCompanyAddress": N_("Expéditeur : adresse"),
    "emitterCompanyPostalCode": N_("Expéditeur : code postal"),
    "emitterCompanyCity": N_("Expéditeur : commune"),
    "emitterCompanyCountryCode": N_("Expéditeur : pays"),
    "emitterPickupSiteName": N_("Expéditeur, site d'enlèvement : nom"),
    "emitterPickupSiteAddress": N_("Expéditeur, site d'enlèvement : adresse"),
    "emitterPickupSitePostalCode": N_("Expéditeur, site d'enlèvement : code postal"),
    "emitterPickupSiteCity": N_("Expéditeur, site d'enlèvement : commune"),
    "emitterPickupSiteCountryCode": N_("Expéditeur, site d'enlèvement : pays"),
    "destinationCompanyType": N_("Destinataire : type"),
    "destinationCompanyOrgId": N_("Destinataire : SIRET ou identifiant"),
    "destinationCompanyName": N_("Destinataire : raison sociale"),
    "destinationCompanyAddress": N_("Destinataire : adresse"),
    "destinationCompanyCity": N_("Destinataire : commune"),
    "destinationCompanyPostalCode": N_("Destinataire : code postal"),
    "destinationCompanyCountryCode": N_("Destinataire : pays"),
    "destinationDropSiteAddress": N_("Destinataire, site de dépôt : adresse"),
    "destinationDropSitePostalCode": N_("Destinataire, site de dépôt : code postal"),
    "destinationDropSiteCity": N_("Destinataire, site de dépôt : commune"),
    "destinationDropSiteCountryCode": N_("Destinataire, site de dépôt : pays"),
    "operationCode": N_("Code de traitement"),
    "operationMode": N_("Mode de traitement"),
    "noTraceability": N_("Rupture de traçabilité"),
    "nextDestinationIsAbroad": N_("Destination ultérieure à l'étranger"),
    "nextOperationCode": N_("Code du traitement ultérieur"),
    "gistridNumber": N_("Numéro de notification GISTRID"),
    "movementNumber": N_("Numéro de mouvement"),
    "ecoOrganismeSiret": N_("Éco-organisme : SIRET"),
    "ecoOrganismeName": N_("Éco-organisme : nom"),
    "brokerCompanySiret": N_("Courtier : SIRET"),
    "brokerCompanyName": N_("Courtier : raison sociale"),
    "brokerRecepisseNumber": N_("Courtier : n° de récépissé"),
    "traderCompanySiret": N_("Négociant : SIRET"),
    "traderCompanyName": N_("Négociant : raison sociale"),
    "traderRecepisseNumber": N_("Négociant : n° de récépissé"),
    "isDirectSupply": N_("Approvisionnement direct (sans transport)"),
}
CARRIER_LABELS = {
    "TransportMode": N_("Transporteur %(n)s : mode de transport"),
    "CompanyType": N_("Transporteur %(n)s : type"),
    "CompanyOrgId": N_("Transporteur %(n)s : SIRET ou identifiant"),
    "RecepisseIsExempted": N_("Transporteur %(n)s : exempté de récépissé"),
    "RecepisseNumber": N_("Transporteur %(n)s : n° de récépissé"),
    "CompanyName": N_("Transporteur %(n)s : raison sociale"),
    "CompanyAddress": N_("Transporteur %(n)s : adresse"),
    "CompanyPostalCode": N_("Transporteur %(n)s : code postal"),
    "CompanyCity": N_("Transporteur %(n)s : commune"),
    "CompanyCountryCode": N_("Transporteur %(n)s : pays"),
}
assert set(CARRIER_LABELS) == set(CARRIER_SUFFIXES)


def columns(direction: str) -> list[tuple[str, str, int | None]]:
    """[(Trackdéchets field name, French msgid, carrier number or None)] in the file's order."""
    found = []
    for name in FIELDS[direction]:
        if name.startswith("transporter"):
            rest = name[len("transporter"):]
            digits = "".join(ch for ch in rest if ch.isdigit())
            found.append((name, CARRIER_LABELS[rest[len(digits):]], int(digits)))
        else:
            found.append((name, LABELS[name], None))
    return found
