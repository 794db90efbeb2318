"""Eligibility of a household for a device: a versioned local policy + facts → a Decision.

Pure: no clock (``today`` is passed in), no I/O, and nothing passed in is modified, so the
same facts under the same policy always give the same decision, and a decision can be
re-explained later from the policy version it names.

Every rule writes one French reason, whether it passes or fails, so a social worker can read
*why* without opening the policy. The household is eligible when no rule fails.

Resources and situations (``Policy.situations_mode``):

- ``"any_qualifies"`` (default, FERIS-like): the resources rule passes when QF ≤ ``max_quotient``
  OR the household has one of ``qualifying_situations`` (e.g. non-taxable, followed by the
  Mission locale). With no ``max_quotient`` there is no income ceiling, so it always passes.
- ``"required"``: two separate rules; QF ≤ ``max_quotient`` (when set) AND at least one of
  ``qualifying_situations`` (when any are listed).
- ``"priority_only"``: only QF ≤ ``max_quotient`` decides; situations earn priority points only.

"Non imposable" counts as the ``non_taxable`` situation whether it comes from
``HouseholdFacts.non_taxable`` or from ``situations``.

Priority (only for an eligible household; 0 otherwise), higher is served first:

- the policy's points for each priority situation present;
- up to ``QF_POINTS`` (10) for a QF under the ceiling: round(10 × (ceiling − QF) / ceiling),
  so QF 0 → 10 and QF = ceiling → 0; nothing without a ceiling or a known QF;
- ``CHILD_POINTS`` (1) per child, at most ``MAX_CHILD_POINTS`` (3);
- ``SINGLE_PARENT_POINTS`` (1) for a lone parent with at least one child.

Ties are left to the caller (the waiting list orders them by application date).
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from refurb.core.errors import InvalidInput
from refurb.core.quotient import (
    CENT,
    QuotientError,
    QuotientResult,
    caf_parts,
    describe_caf_parts,
    format_eur,
    format_number,
    quotient_from_caf,
    quotient_from_income,
    to_decimal,
)

__all__ = [
    "CHILD_POINTS",
    "DEFAULT_POLICY",
    "LABELS_FR",
    "MAX_CHILD_POINTS",
    "QF_POINTS",
    "SINGLE_PARENT_POINTS",
    "SITUATIONS_MODES",
    "Check",
    "Decision",
    "EligibilityInputError",
    "FactsError",
    "HouseholdFacts",
    "Policy",
    "PolicyError",
    "Situation",
    "add_months",
    "approval_expires_on",
    "approval_is_valid",
    "evaluate",
    "household_quotient",
    "normalize_commune",
]

QF_POINTS = 10
CHILD_POINTS = 1
MAX_CHILD_POINTS = 3
SINGLE_PARENT_POINTS = 1

SituationsMode = Literal["any_qualifies", "required", "priority_only"]
SITUATIONS_MODES: tuple[str, ...] = ("any_qualifies", "required", "priority_only")
IncomeBasis = Literal["caf", "rfr"]


class Situation(StrEnum):
    RSA = "rsa"
    YOUNG_MISSION_LOCALE = "young_mission_locale"
    PUPIL_IN_HOUSEHOLD = "pupil_in_household"
    SENIOR = "senior"
    JOB_SEEKER = "job_seeker"
    DISABILITY = "disability"
    NON_TAXABLE = "non_taxable"


LABELS_FR: dict[Situation, str] = {
    Situation.RSA: "Bénéficiaire du RSA",
    Situation.YOUNG_MISSION_LOCALE: "Jeune suivi par la Mission locale",
    Situation.PUPIL_IN_HOUSEHOLD: "Collégien ou lycéen dans le foyer",
    Situation.SENIOR: "Personne âgée",
    Situation.JOB_SEEKER: "Demandeur d'emploi",
    Situation.DISABILITY: "Personne en situation de handicap",
    Situation.NON_TAXABLE: "Foyer non imposable",
}


class EligibilityInputError(InvalidInput, ValueError):
    """Invalid policy or facts; ``message`` is French, fit for a form or an API error.

    Also an ``InvalidInput`` (HTTP 400) so the web layer reports it like any DomainError.
    """


class PolicyError(EligibilityInputError):
    pass


class FactsError(EligibilityInputError):
    pass


# --- small pure helpers ---------------------------------------------------------------------


def normalize_commune(name: str) -> str:
    """Key for comparing commune names: no accents, no case, hyphens/apostrophes as spaces.

    "Condé-sur-l'Escaut", "CONDE SUR L’ESCAUT" and "conde sur l escaut" give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    for sep in "-'’‘`´_.":
        bare = bare.replace(sep, " ")
    return " ".join(bare.split())


def add_months(start: date, months: int) -> date:
    """``start`` + ``months``, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _label(situation: Situation) -> str:
    return LABELS_FR[situation]


def _labels(situations: Iterable[Situation]) -> str:
    return ", ".join(sorted(_label(s) for s in situations))


def _plural(count: int, one: str, many: str) -> str:
    # French keeps the singular for 0 and 1 ("0 point", "1 point", "2 points").
    return one if count < 2 else many


# --- value coercion for from_dict / __post_init__ -------------------------------------------


def _int(value: Any, label: str, error: type[EligibilityInputError], minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{label} : un nombre entier est attendu (reçu « {value} »).")
    if value < minimum:
        raise error(f"{label} : la valeur doit être au moins {minimum} (reçu {value}).")
    return value


def _bool(value: Any, label: str, error: type[EligibilityInputError]) -> bool:
    if not isinstance(value, bool):
        raise error(f"{label} : oui ou non attendu (reçu « {value} »).")
    return value


def _money(value: Any, label: str, error: type[EligibilityInputError]) -> Decimal:
    try:
        number = to_decimal(value, label.lower())
    except QuotientError:
        raise error(f"{label} : montant invalide (reçu « {value} »).") from None
    if number < 0:
        raise error(f"{label} : le montant ne peut pas être négatif.")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _situation(value: Any, error: type[EligibilityInputError]) -> Situation:
    try:
        return Situation(value)
    except ValueError:
        known = ", ".join(s.value for s in Situation)
        raise error(f"Situation inconnue : « {value} » (valeurs possibles : {known}).") from None


def _situations(value: Any, label: str, error: type[EligibilityInputError]) -> frozenset:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise error(f"{label} : une liste de situations est attendue.")
    return frozenset(_situation(v, error) for v in value)


def _date(value: Any, label: str, error: type[EligibilityInputError]) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise error(f"{label} : date attendue au format AAAA-MM-JJ (reçu « {value} »).")


def _check_keys(d: Mapping[str, Any], cls: type, error: type[EligibilityInputError]) -> None:
    if not isinstance(d, Mapping):
        raise error("Un dictionnaire de paramètres est attendu.")
    # Unknown keys are refused: a misspelt setting would otherwise be silently ignored.
    unknown = sorted(set(d) - {f.name for f in fields(cls)})
    if unknown:
        raise error(f"Paramètre inconnu : {', '.join(unknown)}.")


# --- policy ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The local rules of one CCAS, versioned: a decision records the version it used.

    Collections are copied into immutable ones (tuple, frozenset, a private dict), so a caller
    changing its own list after building a policy does not change the policy.
    ``four_eyes``, ``approval_validity_months`` and ``min_training_sessions`` are not used by
    :func:`evaluate`; approval and handover read them.
    """

    version: int = 1
    max_quotient: Decimal | None = None
    allowed_communes: tuple[str, ...] = ()
    require_no_computer: bool = False
    qualifying_situations: frozenset[Situation] = frozenset()
    situations_mode: SituationsMode = "any_qualifies"
    priority_situations: Mapping[Situation, int] = field(default_factory=dict)
    one_device_per_household_years: int | None = None
    approval_validity_months: int = 6
    four_eyes: bool = False
    single_parent_bonus: bool = False
    min_training_sessions: int = 0

    def __post_init__(self) -> None:
        E = PolicyError
        put = object.__setattr__
        _int(self.version, "Version de la politique", E, 1)
        if self.max_quotient is not None:
            put(self, "max_quotient", _money(self.max_quotient, "Plafond de quotient familial", E))
        communes = self.allowed_communes
        if isinstance(communes, str) or not isinstance(communes, Iterable):
            raise E("Communes du dispositif : une liste de noms est attendue.")
        cleaned = []
        for name in communes:
            if not isinstance(name, str) or not name.strip():
                raise E("Communes du dispositif : chaque commune doit avoir un nom.")
            cleaned.append(" ".join(name.split()))
        put(self, "allowed_communes", tuple(cleaned))
        _bool(self.require_no_computer, "Foyer sans ordinateur exigé", E)
        put(
            self,
            "qualifying_situations",
            _situations(self.qualifying_situations, "Situations ouvrant droit", E),
        )
        if self.situations_mode not in SITUATIONS_MODES:
            raise E(
                f"Mode des situations inconnu : « {self.situations_mode} » "
                f"(valeurs possibles : {', '.join(SITUATIONS_MODES)})."
            )
        if not isinstance(self.priority_situations, Mapping):
            raise E("Points de priorité : un dictionnaire situation → points est attendu.")
        points = {}
        for key, value in self.priority_situations.items():
            situation = _situation(key, E)
            points[situation] = _int(value, f"Points de priorité ({_label(situation)})", E, 0)
        put(self, "priority_situations", dict(sorted(points.items())))
        if self.one_device_per_household_years is not None:
            _int(self.one_device_per_household_years, "Délai entre deux équipements (années)", E, 1)
        _int(self.approval_validity_months, "Durée de validité de l'accord (mois)", E, 1)
        _bool(self.four_eyes, "Double validation", E)
        _bool(self.single_parent_bonus, "Demi-part parent isolé", E)
        _int(self.min_training_sessions, "Nombre minimal de séances de formation", E, 0)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Policy:
        """Build from stored JSON; missing keys take their defaults, unknown keys are refused."""
        _check_keys(d, cls, PolicyError)
        return cls(**dict(d))

    def __hash__(self) -> int:
        # The generated hash would choke on the points dict; hash its items instead.
        return hash(
            tuple(
                tuple(sorted(v.items())) if isinstance(v, Mapping) else v
                for v in (getattr(self, f.name) for f in fields(self))
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: Decimal as a string ("700.00"), situations as sorted code lists."""
        return {
            "version": self.version,
            "max_quotient": None if self.max_quotient is None else str(self.max_quotient),
            "allowed_communes": list(self.allowed_communes),
            "require_no_computer": self.require_no_computer,
            "qualifying_situations": sorted(s.value for s in self.qualifying_situations),
            "situations_mode": self.situations_mode,
            "priority_situations": {s.value: p for s, p in self.priority_situations.items()},
            "one_device_per_household_years": self.one_device_per_household_years,
            "approval_validity_months": self.approval_validity_months,
            "four_eyes": self.four_eyes,
            "single_parent_bonus": self.single_parent_bonus,
            "min_training_sessions": self.min_training_sessions,
        }


# FERIS workshops (CCAS of Fresnes-sur-Escaut), DOMAIN.md §1. The QF ceiling is not published:
# 700 € is a sensible default an admin is expected to adjust.
DEFAULT_POLICY = Policy(
    version=1,
    max_quotient=Decimal("700.00"),
    allowed_communes=("Fresnes-sur-Escaut",),
    require_no_computer=True,
    qualifying_situations=frozenset(
        {Situation.NON_TAXABLE, Situation.YOUNG_MISSION_LOCALE, Situation.PUPIL_IN_HOUSEHOLD}
    ),
    situations_mode="any_qualifies",
    priority_situations={
        Situation.YOUNG_MISSION_LOCALE: 5,
        Situation.PUPIL_IN_HOUSEHOLD: 5,
        Situation.NON_TAXABLE: 2,
    },
    one_device_per_household_years=3,
    approval_validity_months=6,
    four_eyes=False,
    single_parent_bonus=False,
    min_training_sessions=5,
)


def approval_expires_on(approved_on: date, policy: Policy) -> date:
    """Last day an approval made on ``approved_on`` is valid (month end clamped)."""
    return add_months(approved_on, policy.approval_validity_months)


def approval_is_valid(approved_on: date, policy: Policy, today: date) -> bool:
    # The expiry day itself is still valid: "valable jusqu'au 31/07" includes the 31st.
    return approved_on <= today <= approval_expires_on(approved_on, policy)


# --- household facts ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HouseholdFacts:
    """What the social worker checked about one household.

    Income, by ``income_basis``:
    - ``"caf"``: ``stated_quotient`` from the CAF certificate (already includes benefits);
    - ``"rfr"``: ``annual_income`` (revenu fiscal de référence) + ``monthly_benefits``, divided
      by ``tax_parts`` when taken from the tax notice, else by the CAF parts computed from the
      household's make-up;
    - ``None``: no income document (the QF is then unknown and cannot satisfy a ceiling).

    ``application_date`` is not used by :func:`evaluate` (which judges on ``today``); the
    waiting list uses it to order households with the same priority.
    """

    commune: str
    application_date: date
    adults: int = 1
    children: int = 0
    children_with_disability: int = 0
    single_parent: bool = False
    income_basis: IncomeBasis | None = None
    stated_quotient: Decimal | None = None
    annual_income: Decimal | None = None
    tax_parts: Decimal | None = None
    monthly_benefits: Decimal = Decimal("0.00")
    non_taxable: bool = False
    situations: frozenset[Situation] = frozenset()
    has_computer: bool = False
    last_device_received_on: date | None = None

    def __post_init__(self) -> None:
        E = FactsError
        put = object.__setattr__
        if not isinstance(self.commune, str):
            raise E("Commune : un nom est attendu.")
        put(self, "commune", " ".join(self.commune.split()))
        put(self, "application_date", _date(self.application_date, "Date de la demande", E))
        _int(self.adults, "Nombre d'adultes", E, 1)
        _int(self.children, "Nombre d'enfants", E, 0)
        _int(self.children_with_disability, "Nombre d'enfants en situation de handicap", E, 0)
        if self.children_with_disability > self.children:
            raise E(
                "Le nombre d'enfants en situation de handicap ne peut pas dépasser le nombre "
                "d'enfants."
            )
        _bool(self.single_parent, "Parent isolé", E)
        if self.income_basis not in ("caf", "rfr", None):
            raise E(
                f"Base de revenu inconnue : « {self.income_basis} » (valeurs possibles : caf, "
                "rfr, ou aucune)."
            )
        if self.stated_quotient is not None:
            put(self, "stated_quotient", _money(self.stated_quotient, "Quotient familial CAF", E))
        if self.annual_income is not None:
            put(self, "annual_income", _money(self.annual_income, "Revenu fiscal de référence", E))
        if self.tax_parts is not None:
            try:
                parts = to_decimal(self.tax_parts, "le nombre de parts")
            except QuotientError:
                raise E(
                    f"Nombre de parts fiscales : valeur invalide (reçu « {self.tax_parts} »)."
                ) from None
            if parts <= 0:
                raise E("Nombre de parts fiscales : la valeur doit être strictement positive.")
            put(self, "tax_parts", parts)
        put(self, "monthly_benefits", _money(self.monthly_benefits, "Prestations mensuelles", E))
        if self.income_basis == "caf" and self.stated_quotient is None:
            raise E("Base CAF choisie : le quotient familial indiqué par la CAF est requis.")
        if self.income_basis == "rfr" and self.annual_income is None:
            raise E("Base avis d'imposition choisie : le revenu fiscal de référence est requis.")
        _bool(self.non_taxable, "Foyer non imposable", E)
        put(self, "situations", _situations(self.situations, "Situations du foyer", E))
        _bool(self.has_computer, "Ordinateur au foyer", E)
        if self.last_device_received_on is not None:
            put(
                self,
                "last_device_received_on",
                _date(self.last_device_received_on, "Date du dernier équipement reçu", E),
            )

    @property
    def effective_situations(self) -> frozenset[Situation]:
        if self.non_taxable:
            return self.situations | {Situation.NON_TAXABLE}
        return self.situations

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HouseholdFacts:
        """Build from JSON-like data (ISO dates, amounts as strings or numbers)."""
        _check_keys(d, cls, FactsError)
        for required in ("commune", "application_date"):
            if required not in d:
                raise FactsError(f"Paramètre manquant : {required}.")
        return cls(**dict(d))

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "commune": self.commune,
            "application_date": self.application_date.isoformat(),
            "adults": self.adults,
            "children": self.children,
            "children_with_disability": self.children_with_disability,
            "single_parent": self.single_parent,
            "income_basis": self.income_basis,
            "stated_quotient": text(self.stated_quotient),
            "annual_income": text(self.annual_income),
            "tax_parts": text(self.tax_parts),
            "monthly_benefits": str(self.monthly_benefits),
            "non_taxable": self.non_taxable,
            "situations": sorted(s.value for s in self.situations),
            "has_computer": self.has_computer,
            "last_device_received_on": (
                None
                if self.last_device_received_on is None
                else self.last_device_received_on.isoformat()
            ),
        }


def household_quotient(facts: HouseholdFacts, policy: Policy) -> QuotientResult | None:
    """The household's QF with its working, or None when no income document was given."""
    if facts.income_basis == "caf":
        return quotient_from_caf(facts.stated_quotient)  # type: ignore[arg-type]
    if facts.income_basis == "rfr":
        if facts.tax_parts is not None:
            parts = facts.tax_parts
            parts_line = f"Nombre de parts (avis d'imposition) : {format_number(parts)}"
        else:
            composition = (
                facts.adults,
                facts.children,
                facts.children_with_disability,
                facts.single_parent,
                policy.single_parent_bonus,
            )
            parts = caf_parts(*composition)
            parts_line = describe_caf_parts(*composition)
        result = quotient_from_income(facts.annual_income, facts.monthly_benefits, parts)  # type: ignore[arg-type]
        return QuotientResult(
            value=result.value,
            basis=result.basis,
            working=[parts_line, *result.working],
            parts=result.parts,
        )
    return None


# --- decision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The outcome of one rule. ``rule`` is a stable code: commune, resources, quotient,
    situations, computer, device_frequency."""

    rule: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: list[str]
    priority: int
    quotient_familial: Decimal | None
    quotient_working: list[str]
    policy_version: int
    checks: tuple[Check, ...] = ()

    @property
    def failed_rules(self) -> list[str]:
        return [c.rule for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict. The QF is a string with two decimals ("575.00"): exact, unlike a
        float, and the same convention as amounts in ``Policy.to_dict``."""
        return {
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "priority": self.priority,
            "quotient_familial": (
                None if self.quotient_familial is None else str(self.quotient_familial)
            ),
            "policy_version": self.policy_version,
        }


def _check_commune(facts: HouseholdFacts, policy: Policy) -> Check:
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
            "situations", True, f"Situation exigée présente ({_labels(present)}) : critère rempli."
        )
    return Check(
        "situations",
        False,
        f"Aucune des situations exigées ({_labels(policy.qualifying_situations)}) : "
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
            f"{fact}, mais situation ouvrant droit au dispositif ({_labels(present)}) : "
            "critère de ressources rempli.",
        )
    alternatives = (
        f" et aucune situation ouvrant droit ({_labels(policy.qualifying_situations)})"
        if policy.qualifying_situations
        else ""
    )
    return Check("resources", False, f"{fact}{alternatives} : critère de ressources non rempli.")


def _resource_checks(facts: HouseholdFacts, policy: Policy, qf: Decimal | None) -> list[Check]:
    present = facts.effective_situations & policy.qualifying_situations
    if policy.situations_mode == "any_qualifies":
        return [_resources_check(present, policy, qf)]
    return [_quotient_check(qf, policy.max_quotient), _situations_check(present, policy)]


def _check_computer(facts: HouseholdFacts, policy: Policy) -> Check:
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


def _check_frequency(facts: HouseholdFacts, policy: Policy, today: date) -> Check:
    years = policy.one_device_per_household_years
    if years is None:
        return Check("device_frequency", True, "Pas de délai imposé entre deux équipements.")
    rule = f"un équipement par foyer tous les {years} {_plural(years, 'an', 'ans')}"
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
            f"Dernier équipement reçu le {_fr_date(last)}, délai écoulé depuis le "
            f"{_fr_date(next_allowed)} ({rule}) : critère rempli.",
        )
    return Check(
        "device_frequency",
        False,
        f"Un équipement a déjà été reçu le {_fr_date(last)} : nouveau don possible à partir du "
        f"{_fr_date(next_allowed)} ({rule}).",
    )


def _priority(facts: HouseholdFacts, policy: Policy, qf: Decimal | None) -> tuple[int, list[str]]:
    terms: list[str] = []
    score = 0
    for situation, points in policy.priority_situations.items():
        if situation in facts.effective_situations and points:
            score += points
            terms.append(f"{_label(situation)} +{points}")
    ceiling = policy.max_quotient
    if ceiling is not None and qf is not None and qf <= ceiling:
        if ceiling == 0:
            qf_points = QF_POINTS
        else:
            ratio = QF_POINTS * (ceiling - qf) / ceiling
            qf_points = int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if qf_points:
            score += qf_points
            terms.append(f"quotient familial sous le plafond +{qf_points}")
    child_points = min(facts.children * CHILD_POINTS, MAX_CHILD_POINTS)
    if child_points:
        score += child_points
        noun = _plural(facts.children, "enfant", "enfants")
        terms.append(f"{facts.children} {noun} +{child_points}")
    if facts.single_parent and facts.children > 0:
        score += SINGLE_PARENT_POINTS
        terms.append(f"parent isolé +{SINGLE_PARENT_POINTS}")
    return score, terms


def evaluate(facts: HouseholdFacts, policy: Policy, today: date) -> Decision:
    """Apply ``policy`` to ``facts`` on ``today``; never raises for valid facts and policy."""
    quotient = household_quotient(facts, policy)
    qf = None if quotient is None else quotient.value

    checks = [
        _check_commune(facts, policy),
        *_resource_checks(facts, policy, qf),
        _check_computer(facts, policy),
        _check_frequency(facts, policy, today),
    ]
    eligible = all(c.passed for c in checks)
    reasons = [c.reason for c in checks]

    if eligible:
        priority, terms = _priority(facts, policy, qf)
        detail = f" ({', '.join(terms)})" if terms else ""
        reasons.append(f"Priorité : {priority} {_plural(priority, 'point', 'points')}{detail}.")
    else:
        priority = 0
        reasons.append("Priorité : non calculée, le foyer ne remplit pas tous les critères.")

    return Decision(
        eligible=eligible,
        reasons=reasons,
        priority=priority,
        quotient_familial=qf,
        quotient_working=[] if quotient is None else list(quotient.working),
        policy_version=policy.version,
        checks=tuple(checks),
    )
