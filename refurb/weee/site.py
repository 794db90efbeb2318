"""The reporting site: who declares the waste register lines and where the waste is picked up.
Admins fill it in the settings page; the workshop's configuration fills the gaps."""

from __future__ import annotations

from flask import current_app, has_app_context

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.siret import validate_siret
from refurb.extension_points import Definition
from refurb.settings import services as settings
from refurb.weee.trackdechets import Company

REPORTING_SIRET = Definition(
    "weee.reporting_siret", N_("Registre des déchets : SIRET de l'atelier"), "str", "",
    help=N_("Déclarant des lignes du registre ; à défaut, le SIRET de la configuration."))
SITE_NAME = Definition(
    "weee.site_name", N_("Registre des déchets : nom du site d'enlèvement"), "str", "",
    help=N_("À défaut, le nom de l'atelier."))
SITE_ADDRESS = Definition(
    "weee.site_address", N_("Registre des déchets : adresse du site (n° et voie)"), "str", "")
SITE_POSTAL_CODE = Definition(
    "weee.site_postal_code", N_("Registre des déchets : code postal du site"), "str", "")
SITE_CITY = Definition("weee.site_city", N_("Registre des déchets : commune du site"), "str", "")
INCOMING_OPERATION_CODE = Definition(
    "weee.incoming_operation_code", N_("Registre entrant : code de traitement à la réception"),
    "str", "R13",
    help=N_("R13 : stockage avant valorisation (tri, réemploi ou envoi en filière)."))

SETTINGS = (REPORTING_SIRET, SITE_NAME, SITE_ADDRESS, SITE_POSTAL_CODE, SITE_CITY,
            INCOMING_OPERATION_CODE)


def reporting_site() -> Company:
    """Settings first, then the workshop's configuration; no SIRET, no register."""
    config = current_app.config if has_app_context() else {}
    raw_siret = settings.get(REPORTING_SIRET.key) or config.get("WORKSHOP_SIRET") or ""
    if not str(raw_siret).strip():
        raise InvalidInput(N_("Le SIRET de l'atelier manque : renseignez « Registre des déchets : "
                              "SIRET de l'atelier » dans les réglages. Le registre ne peut pas "
                              "s'en passer."))
    return Company(
        siret=validate_siret(raw_siret),
        name=settings.get(SITE_NAME.key) or config.get("WORKSHOP_NAME", ""),
        address=settings.get(SITE_ADDRESS.key) or config.get("WORKSHOP_ADDRESS", ""),
        postal_code=settings.get(SITE_POSTAL_CODE.key) or "",
        city=settings.get(SITE_CITY.key) or "",
        country_code="FR",
    )
