"""The situations a household may be in, and their French names."""

from __future__ import annotations

from enum import StrEnum

from refurb.core.i18n import N_


class Situation(StrEnum):
    RSA = "rsa"
    YOUNG_MISSION_LOCALE = "young_mission_locale"
    PUPIL_IN_HOUSEHOLD = "pupil_in_household"
    SENIOR = "senior"
    JOB_SEEKER = "job_seeker"
    DISABILITY = "disability"
    NON_TAXABLE = "non_taxable"


LABELS_FR: dict[Situation, str] = {
    Situation.RSA: N_("Bénéficiaire du RSA"),
    Situation.YOUNG_MISSION_LOCALE: N_("Jeune suivi par la Mission locale"),
    Situation.PUPIL_IN_HOUSEHOLD: N_("Collégien ou lycéen dans le foyer"),
    Situation.SENIOR: N_("Personne âgée"),
    Situation.JOB_SEEKER: N_("Demandeur d'emploi"),
    Situation.DISABILITY: N_("Personne en situation de handicap"),
    Situation.NON_TAXABLE: N_("Foyer non imposable"),
}
