"""The rules a household is checked against, each giving a Check with one French reason,
whether it passes or fails, so a social worker can read *why* without opening the policy.
The reasons are kept with each decision as the record of what was decided."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from refurb.core.eligibility.facts import HouseholdFacts
from refurb.core.eligibility.policy import Policy, add_months
from refurb.core.eligibility.situations import LABELS_FR, Situation
from refurb.core.quotient import format_eur


@dataclass(frozen=True)
class Check:
    """The outcome of one rule. ``rule`` is a stable code: commune, resources, quotient,
    situations, computer, device_frequency."""

    rule: str
    passed: bool
    reason: str


def normalize_commune(name: str) -> str:
    """Key for comparing commune names: no accents, no case, hyphens/apostrophes as spaces.

    "Condé-sur-l'Escaut", "CONDE SUR L’ESCAUT" and "conde sur l escaut" give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    for sep in "-'’‘`´_.":
        bare = bare.replace(sep, " ")
    return " ".join(bare.split())


def fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def situation_label(situation: Situation) -> str:
    return LABELS_FR[situation]


def situation_labels(situations: Iterable[Situation]) -> str:
    return ", ".join(sorted(situation_label(s) for s in situations))


def plural(count: int, one: str, many: str) -> str:
    # French keeps the singular for 0 and 1 ("0 point", "1 point", "2 points").
    return one if count < 2 else many


def check_commune(facts: HouseholdFacts, policy: Policy) -> Check:
    if not policy.allowed_communes:
        return Check("commune", True, "Pas de condition de commune : critère de résidence rempli.")
    listed = ", ".join(policy.allowed_communes)
    if not facts.commune:
        return Check(
            "commune", False, f"Commune non renseignée (communes du dispositif : {listed})."
        )
    key = normalize_commune(facts.commune)
    match = next((n for n in policy.allowed_communes if normalize_commune(n) == key), None)
    if match is not None:
        # Show the policy's spelling too when the typed one differs ("conde sur l escaut").
        alias = f" ({match})" if match != facts.commune else ""
        return Check(
            "commune",
            True,
            f"Commune « {facts.commune} »{alias} dans le périmètre du dispositif : "
            "critère de résidence rempli.",
        )
    return Check(
        "commune", False, f"Commune « {facts.commune} » hors des communes du dispositif ({listed})."
    )


def _quotient_fact(qf: Decimal | None, ceiling: Decimal) -> tuple[bool, str]:
    """Whether the QF is under the ceiling, and the fact stated as a phrase."""
    if qf is None:
        return False, (
            "Quotient familial non renseigné (ni attestation CAF ni avis d'imposition), "
            f"plafond {format_eur(ceiling)}"
        )
    if qf <= ceiling:
        return True, f"Quotient familial {format_eur(qf)} ≤ plafond {format_eur(ceiling)}"
    return False, f"Quotient familial {format_eur(qf)} > plafond {format_eur(ceiling)}"


def _quotient_check(qf: Decimal | None, ceiling: Decimal | None) -> Check:
    if ceiling is None:
        return Check(
            "quotient", True, "Pas de plafond de quotient familial : critère de revenu rempli."
        )
    passed, fact = _quotient_fact(qf, ceiling)
    verdict = "critère de revenu rempli" if passed else "critère de revenu non rempli"
    return Check("quotient", passed, f"{fact} : {verdict}.")


def _situations_check(present: frozenset[Situation], policy: Policy) -> Check:
    if policy.situations_mode == "priority_only":
        return Check(
            "situations",
            True,
            "Situations particulières prises en compte pour la priorité uniquement, "
            "pas pour l'éligibilité.",
        )
    if not policy.qualifying_situations:
        return Check("situations", True, "Aucune situation particulière exigée.")
    if present:
        return Check(
            "situations", True, f"Situation exigée présente ({situation_labels(present)}) : critère rempli."
        )
    return Check(
        "situations",
        False,
        f"Aucune des situations exigées ({situation_labels(policy.qualifying_situations)}) : "
        "critère non rempli.",
    )


def _resources_check(present: frozenset[Situation], policy: Policy, qf: Decimal | None) -> Check:
    """any_qualifies mode: a qualifying situation stands in for the income ceiling."""
    ceiling = policy.max_quotient
    if ceiling is None:
        return Check(
            "resources", True, "Pas de plafond de quotient familial : critère de ressources rempli."
        )
    under, fact = _quotient_fact(qf, ceiling)
    if under:
        return Check("resources", True, f"{fact} : critère de revenu rempli.")
    if present:
        return Check(
            "resources",
            True,
            f"{fact}, mais situation ouvrant droit au dispositif ({situation_labels(present)}) : "
            "critère de ressources rempli.",
        )
    alternatives = (
        f" et aucune situation ouvrant droit ({situation_labels(policy.qualifying_situations)})"
        if policy.qualifying_situations
        else ""
    )
    return Check("resources", False, f"{fact}{alternatives} : critère de ressources non rempli.")


def resource_checks(facts: HouseholdFacts, policy: Policy, qf: Decimal | None) -> list[Check]:
    present = facts.effective_situations & policy.qualifying_situations
    if policy.situations_mode == "any_qualifies":
        return [_resources_check(present, policy, qf)]
    return [_quotient_check(qf, policy.max_quotient), _situations_check(present, policy)]


def check_computer(facts: HouseholdFacts, policy: Policy) -> Check:
    if not policy.require_no_computer:
        return Check(
            "computer",
            True,
            "Équipement informatique du foyer non pris en compte par le dispositif.",
        )
    if facts.has_computer:
        return Check(
            "computer",
            False,
            "Le foyer dispose déjà d'un ordinateur : le dispositif est réservé aux foyers "
            "qui n'en ont pas.",
        )
    return Check("computer", True, "Aucun ordinateur au foyer : critère rempli.")


def check_frequency(facts: HouseholdFacts, policy: Policy, today: date) -> Check:
    years = policy.one_device_per_household_years
    if years is None:
        return Check("device_frequency", True, "Pas de délai imposé entre deux équipements.")
    rule = f"un équipement par foyer tous les {years} {plural(years, 'an', 'ans')}"
    last = facts.last_device_received_on
    if last is None:
        return Check(
            "device_frequency", True, f"Aucun équipement reçu auparavant ({rule}) : critère rempli."
        )
    # Judged on the decision date, not the application date: what matters is whether the
    # household may receive a machine now.
    next_allowed = add_months(last, 12 * years)
    if today >= next_allowed:
        return Check(
            "device_frequency",
            True,
            f"Dernier équipement reçu le {fr_date(last)}, délai écoulé depuis le "
            f"{fr_date(next_allowed)} ({rule}) : critère rempli.",
        )
    return Check(
        "device_frequency",
        False,
        f"Un équipement a déjà été reçu le {fr_date(last)} : nouveau don possible à partir du "
        f"{fr_date(next_allowed)} ({rule}).",
    )
