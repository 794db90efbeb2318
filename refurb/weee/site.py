"""The reporting site: who declares the waste register lines and where the waste is picked up.
The workshop's identity (Réglages → Identité de l'atelier) gives it; these settings override a
field when the pickup site is elsewhere. Closing a batch checks it first, naming what is
missing and linking to where it is filled in."""

from __future__ import annotations

from refurb.core.i18n import N_
from refurb.core.siret import validate_siret
from refurb.core.workshop_identity import LABELS, Gap
from refurb.extension_points import Definition
from refurb.settings import services as settings
from refurb.settings import workshop
from refurb.settings.workshop import IdentityIncomplete
from refurb.weee.trackdechets import Company

WEEE_SECTION = N_("Registre des déchets (DEEE)")
REPORTING_SIRET = Definition(
    "weee.reporting_siret", N_("Registre des déchets : SIRET du déclarant"), "str", "",
    help=N_("À défaut, le SIRET de l'identité de l'atelier."), validate=validate_siret,
    section=WEEE_SECTION)
SITE_NAME = Definition(
    "weee.site_name", N_("Registre des déchets : nom du site d'enlèvement"), "str", "",
    help=N_("À défaut, le nom de l'atelier."), section=WEEE_SECTION)
SITE_ADDRESS = Definition(
    "weee.site_address", N_("Registre des déchets : adresse du site (n° et voie)"), "str", "",
    section=WEEE_SECTION)
SITE_POSTAL_CODE = Definition(
    "weee.site_postal_code", N_("Registre des déchets : code postal du site"), "str", "",
    section=WEEE_SECTION)
SITE_CITY = Definition("weee.site_city", N_("Registre des déchets : commune du site"), "str", "",
                       section=WEEE_SECTION)
INCOMING_OPERATION_CODE = Definition(
    "weee.incoming_operation_code", N_("Registre entrant : code de traitement à la réception"),
    "str", "R13",
    help=N_("R13 : stockage avant valorisation (tri, réemploi ou envoi en filière)."),
    section=WEEE_SECTION)

SETTINGS = (REPORTING_SIRET, SITE_NAME, SITE_ADDRESS, SITE_POSTAL_CODE, SITE_CITY,
            INCOMING_OPERATION_CODE)


def _site() -> dict[str, str]:
    identity = workshop.current()
    return {
        "siret": str(settings.get(REPORTING_SIRET.key) or identity.siret or "").strip(),
        "name": str(settings.get(SITE_NAME.key) or identity.name or "").strip(),
        "address": str(settings.get(SITE_ADDRESS.key) or identity.address or "").strip(),
        "postal_code": str(settings.get(SITE_POSTAL_CODE.key) or identity.postal_code
                           or "").strip(),
        "city": str(settings.get(SITE_CITY.key) or identity.city or "").strip(),
    }


def site_gaps() -> list[Gap]:
    """What the register cannot do without and nobody filled in (identity field keys)."""
    return [Gap(key, LABELS[key]) for key, value in _site().items() if not value]


def reporting_site() -> Company:
    """The declaring site, or IdentityIncomplete naming every missing field."""
    site = _site()
    missing = [Gap(key, LABELS[key]) for key, value in site.items() if not value]
    if missing:
        raise IdentityIncomplete("weee_closing", missing)
    return Company(siret=validate_siret(site["siret"]), name=site["name"],
                   address=site["address"], postal_code=site["postal_code"], city=site["city"],
                   country_code="FR")
