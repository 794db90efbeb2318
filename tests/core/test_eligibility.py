import copy
import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refurb.core.eligibility import (
    DEFAULT_POLICY,
    LABELS_FR,
    Decision,
    FactsError,
    HouseholdFacts,
    Policy,
    PolicyError,
    Situation,
    add_months,
    approval_expires_on,
    approval_is_valid,
    evaluate,
    normalize_commune,
)

TODAY = date(2025, 2, 1)
NB = "\u00a0"  # before €


def eur(amount: str) -> str:
    return f"{amount}{NB}€"


POLICY = Policy(
    version=3,
    max_quotient=Decimal("800"),
    allowed_communes=["Fresnes-sur-Escaut", "Condé-sur-l'Escaut"],
    require_no_computer=True,
    qualifying_situations={Situation.NON_TAXABLE, Situation.YOUNG_MISSION_LOCALE},
    situations_mode="any_qualifies",
    priority_situations={
        Situation.YOUNG_MISSION_LOCALE: 5,
        Situation.PUPIL_IN_HOUSEHOLD: 3,
        Situation.RSA: 2,
    },
    one_device_per_household_years=3,
    approval_validity_months=6,
    four_eyes=True,
    single_parent_bonus=False,
    min_training_sessions=5,
)


def household(**changes) -> HouseholdFacts:
    """The DOMAIN.md family (couple, 3 children, RFR 24,000, 300 €/month: QF 575), eligible."""
    base = {
        "commune": "Fresnes-sur-Escaut",
        "application_date": date(2025, 1, 10),
        "adults": 2,
        "children": 3,
        "income_basis": "rfr",
        "annual_income": Decimal("24000"),
        "monthly_benefits": Decimal("300"),
    }
    return HouseholdFacts(**{**base, **changes})


def policy(**changes) -> Policy:
    return dataclasses.replace(POLICY, **changes)


def check(decision: Decision, rule: str):
    [found] = [c for c in decision.checks if c.rule == rule]
    return found


# --- the baseline ---------------------------------------------------------------------------


def test_baseline_household_is_eligible_with_every_reason_shown():
    decision = evaluate(household(), POLICY, TODAY)
    assert decision.eligible
    assert decision.quotient_familial == Decimal("575.00")
    assert decision.policy_version == 3
    assert decision.reasons == [
        "Commune « Fresnes-sur-Escaut » dans le périmètre du dispositif : "
        "critère de résidence rempli.",
        f"Quotient familial {eur('575,00')} ≤ plafond {eur('800,00')} : critère de revenu rempli.",
        "Aucun ordinateur au foyer : critère rempli.",
        "Aucun équipement reçu auparavant (un équipement par foyer tous les 3 ans) : "
        "critère rempli.",
        "Priorité : 6 points (quotient familial sous le plafond +3, 3 enfants +3).",
    ]
    assert decision.quotient_working[0] == (
        "Nombre de parts CAF : 2 (couple ou parent seul) + 2 (3 enfants) = 4 parts"
    )
    assert decision.quotient_working[-1] == f"÷ 4 parts = {eur('575,00')}"


# --- one table per rule: (facts changes, policy changes, rule, passed, reason) --------------

RULES = [
    # commune
    (
        {"commune": "Condé-sur-l'Escaut"},
        {},
        "commune",
        True,
        "Commune « Condé-sur-l'Escaut » dans le périmètre du dispositif : "
        "critère de résidence rempli.",
    ),
    (
        {"commune": "CONDE SUR L’ESCAUT"},
        {},
        "commune",
        True,
        "Commune « CONDE SUR L’ESCAUT » (Condé-sur-l'Escaut) dans le périmètre du dispositif : "
        "critère de résidence rempli.",
    ),
    (
        {"commune": "Valenciennes"},
        {},
        "commune",
        False,
        "Commune « Valenciennes » hors des communes du dispositif "
        "(Fresnes-sur-Escaut, Condé-sur-l'Escaut).",
    ),
    (
        {"commune": "  "},
        {},
        "commune",
        False,
        "Commune non renseignée (communes du dispositif : Fresnes-sur-Escaut, Condé-sur-l'Escaut).",
    ),
    (
        {"commune": "Valenciennes"},
        {"allowed_communes": []},
        "commune",
        True,
        "Pas de condition de commune : critère de résidence rempli.",
    ),
    # resources, any_qualifies
    (
        {"income_basis": "caf", "stated_quotient": Decimal("800")},
        {},
        "resources",
        True,
        f"Quotient familial {eur('800,00')} ≤ plafond {eur('800,00')} : critère de revenu rempli.",
    ),
    (
        {"income_basis": "caf", "stated_quotient": Decimal("912")},
        {},
        "resources",
        False,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')} et aucune situation ouvrant "
        "droit (Foyer non imposable, Jeune suivi par la Mission locale) : "
        "critère de ressources non rempli.",
    ),
    (
        {"income_basis": "caf", "stated_quotient": Decimal("912"), "non_taxable": True},
        {},
        "resources",
        True,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')}, mais situation ouvrant "
        "droit au dispositif (Foyer non imposable) : critère de ressources rempli.",
    ),
    (
        {
            "income_basis": "caf",
            "stated_quotient": Decimal("912"),
            "situations": {Situation.NON_TAXABLE},
        },
        {},
        "resources",
        True,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')}, mais situation ouvrant "
        "droit au dispositif (Foyer non imposable) : critère de ressources rempli.",
    ),
    (
        {"income_basis": None, "situations": {Situation.YOUNG_MISSION_LOCALE}},
        {},
        "resources",
        True,
        "Quotient familial non renseigné (ni attestation CAF ni avis d'imposition), plafond "
        f"{eur('800,00')}, mais situation ouvrant droit au dispositif (Jeune suivi par la "
        "Mission locale) : critère de ressources rempli.",
    ),
    (
        {"income_basis": None},
        {},
        "resources",
        False,
        "Quotient familial non renseigné (ni attestation CAF ni avis d'imposition), plafond "
        f"{eur('800,00')} et aucune situation ouvrant droit (Foyer non imposable, Jeune suivi par "
        "la Mission locale) : critère de ressources non rempli.",
    ),
    (
        {"income_basis": "caf", "stated_quotient": Decimal("912")},
        {"qualifying_situations": set()},
        "resources",
        False,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')} : "
        "critère de ressources non rempli.",
    ),
    (
        {"income_basis": "caf", "stated_quotient": Decimal("5000")},
        {"max_quotient": None},
        "resources",
        True,
        "Pas de plafond de quotient familial : critère de ressources rempli.",
    ),
    # resources, required: two rules
    (
        {"non_taxable": True},
        {"situations_mode": "required"},
        "quotient",
        True,
        f"Quotient familial {eur('575,00')} ≤ plafond {eur('800,00')} : critère de revenu rempli.",
    ),
    (
        {},
        {"situations_mode": "required"},
        "situations",
        False,
        "Aucune des situations exigées (Foyer non imposable, Jeune suivi par la Mission locale) : "
        "critère non rempli.",
    ),
    (
        {"non_taxable": True},
        {"situations_mode": "required"},
        "situations",
        True,
        "Situation exigée présente (Foyer non imposable) : critère rempli.",
    ),
    (
        {"non_taxable": True, "income_basis": "caf", "stated_quotient": Decimal("912")},
        {"situations_mode": "required"},
        "quotient",
        False,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')} : "
        "critère de revenu non rempli.",
    ),
    (
        {},
        {"situations_mode": "required", "qualifying_situations": set()},
        "situations",
        True,
        "Aucune situation particulière exigée.",
    ),
    (
        {"non_taxable": True},
        {"situations_mode": "required", "max_quotient": None},
        "quotient",
        True,
        "Pas de plafond de quotient familial : critère de revenu rempli.",
    ),
    # resources, priority_only: situations never rescue a QF over the ceiling
    (
        {"non_taxable": True, "income_basis": "caf", "stated_quotient": Decimal("912")},
        {"situations_mode": "priority_only"},
        "quotient",
        False,
        f"Quotient familial {eur('912,00')} > plafond {eur('800,00')} : "
        "critère de revenu non rempli.",
    ),
    (
        {},
        {"situations_mode": "priority_only"},
        "situations",
        True,
        "Situations particulières prises en compte pour la priorité uniquement, "
        "pas pour l'éligibilité.",
    ),
    # computer
    (
        {"has_computer": True},
        {},
        "computer",
        False,
        "Le foyer dispose déjà d'un ordinateur : le dispositif est réservé aux foyers qui n'en "
        "ont pas.",
    ),
    (
        {"has_computer": True},
        {"require_no_computer": False},
        "computer",
        True,
        "Équipement informatique du foyer non pris en compte par le dispositif.",
    ),
    # one device per household every N years
    (
        {"last_device_received_on": date(2023, 3, 12)},
        {},
        "device_frequency",
        False,
        "Un équipement a déjà été reçu le 12/03/2023 : nouveau don possible à partir du "
        "12/03/2026 (un équipement par foyer tous les 3 ans).",
    ),
    (
        {"last_device_received_on": date(2022, 2, 1)},
        {},
        "device_frequency",
        True,
        "Dernier équipement reçu le 01/02/2022, délai écoulé depuis le 01/02/2025 "
        "(un équipement par foyer tous les 3 ans) : critère rempli.",
    ),
    (
        {"last_device_received_on": date(2022, 2, 2)},
        {},
        "device_frequency",
        False,
        "Un équipement a déjà été reçu le 02/02/2022 : nouveau don possible à partir du "
        "02/02/2025 (un équipement par foyer tous les 3 ans).",
    ),
    (
        {"last_device_received_on": date(2024, 1, 5)},
        {"one_device_per_household_years": 1},
        "device_frequency",
        True,
        "Dernier équipement reçu le 05/01/2024, délai écoulé depuis le 05/01/2025 "
        "(un équipement par foyer tous les 1 an) : critère rempli.",
    ),
    (
        {"last_device_received_on": date(2024, 12, 1)},
        {"one_device_per_household_years": None},
        "device_frequency",
        True,
        "Pas de délai imposé entre deux équipements.",
    ),
]


@pytest.mark.parametrize(("facts_changes", "policy_changes", "rule", "passed", "reason"), RULES)
def test_each_rule_and_its_reason(facts_changes, policy_changes, rule, passed, reason):
    decision = evaluate(household(**facts_changes), policy(**policy_changes), TODAY)
    outcome = check(decision, rule)
    assert outcome.reason == reason
    assert outcome.passed is passed
    assert reason in decision.reasons
    # The baseline passes every other rule, so this one alone decides.
    assert decision.eligible is passed
    assert decision.failed_rules == ([] if passed else [rule])


def test_leap_day_delay_ends_on_28_february():
    facts = household(last_device_received_on=date(2020, 2, 29))
    assert not evaluate(facts, POLICY, date(2023, 2, 27)).eligible
    assert evaluate(facts, POLICY, date(2023, 2, 28)).eligible


@pytest.mark.parametrize(
    ("mode", "rules"),
    [
        ("any_qualifies", ["commune", "resources", "computer", "device_frequency"]),
        ("required", ["commune", "quotient", "situations", "computer", "device_frequency"]),
        ("priority_only", ["commune", "quotient", "situations", "computer", "device_frequency"]),
    ],
)
def test_every_rule_gives_one_reason_then_priority(mode, rules):
    decision = evaluate(household(), policy(situations_mode=mode), TODAY)
    assert [c.rule for c in decision.checks] == rules
    assert decision.reasons[:-1] == [c.reason for c in decision.checks]
    assert decision.reasons[-1].startswith("Priorité : ")


def test_several_failures_are_all_reported():
    facts = household(commune="Valenciennes", has_computer=True, income_basis=None)
    decision = evaluate(facts, POLICY, TODAY)
    assert not decision.eligible
    assert decision.failed_rules == ["commune", "resources", "computer"]
    assert decision.priority == 0
    assert decision.reasons[-1] == (
        "Priorité : non calculée, le foyer ne remplit pas tous les critères."
    )
    assert decision.quotient_familial is None
    assert decision.quotient_working == []


def test_rfr_basis_uses_tax_parts_from_the_notice_when_given():
    decision = evaluate(household(tax_shares=Decimal("5")), POLICY, TODAY)
    assert decision.quotient_familial == Decimal("460.00")  # 2,300 / 5
    assert decision.quotient_working[0] == "Nombre de parts (avis d'imposition) : 5"


def test_caf_basis_ignores_monthly_benefits_already_in_the_caf_figure():
    facts = household(income_basis="caf", stated_quotient=Decimal("612.5"))
    decision = evaluate(facts, POLICY, TODAY)
    assert decision.quotient_familial == Decimal("612.50")
    assert decision.quotient_working == [f"Quotient familial indiqué par la CAF : {eur('612,50')}"]


@pytest.mark.parametrize(("bonus", "expected"), [(False, "766.67"), (True, "657.14")])
def test_single_parent_bonus_is_a_policy_option(bonus, expected):
    # Lone parent, 2 children: 3 parts, or 3.5 with the policy's bonus; 2,300 €/month.
    facts = household(adults=1, children=2, single_parent=True)
    decision = evaluate(facts, policy(single_parent_bonus=bonus), TODAY)
    assert decision.quotient_familial == Decimal(expected)


# --- priority -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "score", "detail"),
    [
        ({}, 6, "quotient familial sous le plafond +3, 3 enfants +3"),
        (
            {"income_basis": "caf", "stated_quotient": Decimal("0"), "children": 0},
            10,
            "quotient familial sous le plafond +10",
        ),
        ({"income_basis": "caf", "stated_quotient": Decimal("800"), "children": 0}, 0, ""),
        (
            {
                "income_basis": "caf",
                "stated_quotient": Decimal("400"),
                "children": 1,
                "adults": 1,
                "single_parent": True,
                "situations": {Situation.YOUNG_MISSION_LOCALE, Situation.RSA},
            },
            14,
            "Bénéficiaire du RSA +2, Jeune suivi par la Mission locale +5, "
            "quotient familial sous le plafond +5, 1 enfant +1, parent isolé +1",
        ),
        (
            {
                "income_basis": "caf",
                "stated_quotient": Decimal("900"),
                "children": 5,
                "non_taxable": True,
            },
            3,
            "5 enfants +3",
        ),
    ],
)
def test_priority_formula(changes, score, detail):
    decision = evaluate(household(**changes), POLICY, TODAY)
    assert decision.eligible
    assert decision.priority == score
    suffix = f" ({detail})" if detail else ""
    noun = "point" if score < 2 else "points"
    assert decision.reasons[-1] == f"Priorité : {score} {noun}{suffix}."


def test_priority_orders_the_waiting_list():
    def caf(qf, **more):
        return household(income_basis="caf", stated_quotient=Decimal(qf), **more)

    candidates = {
        "young_low_qf": caf("200", children=0, situations={Situation.YOUNG_MISSION_LOCALE}),
        "pupil_family": caf("600", children=2, situations={Situation.PUPIL_IN_HOUSEHOLD}),
        "large_family": caf("650", children=4),
        "single_no_child": caf("700", adults=1, children=0),
        "non_taxable_over_ceiling": caf("950", children=0, non_taxable=True),
    }
    ranked = sorted(
        candidates, key=lambda name: -evaluate(candidates[name], POLICY, TODAY).priority
    )
    assert ranked == [
        "young_low_qf",  # 5 + 8
        "pupil_family",  # 3 + 3 (QF) + 2
        "large_family",  # 2 (QF) + 3
        "single_no_child",  # 1 (QF)
        "non_taxable_over_ceiling",  # 0: eligible by situation only
    ]


def test_ineligible_household_gets_no_priority():
    facts = household(has_computer=True, situations={Situation.YOUNG_MISSION_LOCALE})
    assert evaluate(facts, POLICY, TODAY).priority == 0


# --- decision to JSON -----------------------------------------------------------------------


def test_decision_to_json():
    data = evaluate(household(), POLICY, TODAY).to_json()
    assert set(data) == {"eligible", "reasons", "priority", "quotient_familial", "policy_version"}
    assert data["eligible"] is True
    assert data["quotient_familial"] == "575.00"
    assert data["priority"] == 6
    assert data["policy_version"] == 3
    assert json.loads(json.dumps(data)) == data

    unknown = evaluate(household(income_basis=None, non_taxable=True), POLICY, TODAY).to_json()
    assert unknown["quotient_familial"] is None


# --- policy: defaults, dict round trip, validation -------------------------------------------


def test_default_policy_mirrors_feris():
    p = DEFAULT_POLICY
    assert p.max_quotient == Decimal("700.00")
    assert p.allowed_communes == ("Fresnes-sur-Escaut",)
    assert p.require_no_computer
    assert p.situations_mode == "any_qualifies"
    assert {
        Situation.NON_TAXABLE,
        Situation.YOUNG_MISSION_LOCALE,
        Situation.PUPIL_IN_HOUSEHOLD,
    } <= p.qualifying_situations
    assert p.priority_situations[Situation.YOUNG_MISSION_LOCALE] > 0
    assert p.priority_situations[Situation.PUPIL_IN_HOUSEHOLD] > 0
    assert p.one_device_per_household_years == 3
    assert p.approval_validity_months == 6
    assert p.four_eyes is False
    assert p.min_training_sessions == 5
    assert p.single_parent_bonus is False


def test_default_policy_on_the_domain_family():
    decision = evaluate(household(), DEFAULT_POLICY, TODAY)
    assert decision.eligible
    assert decision.quotient_familial == Decimal("575.00")


@pytest.mark.parametrize("original", [DEFAULT_POLICY, POLICY, Policy()])
def test_policy_dict_round_trip(original):
    data = original.to_dict()
    assert json.loads(json.dumps(data)) == data
    restored = Policy.from_dict(data)
    assert restored == original
    assert hash(restored) == hash(original)
    assert restored.to_dict() == data


def test_policy_to_dict_shape():
    data = POLICY.to_dict()
    assert data["max_quotient"] == "800.00"
    assert data["allowed_communes"] == ["Fresnes-sur-Escaut", "Condé-sur-l'Escaut"]
    assert data["qualifying_situations"] == ["non_taxable", "young_mission_locale"]
    assert data["priority_situations"] == {
        "pupil_in_household": 3,
        "rsa": 2,
        "young_mission_locale": 5,
    }


def test_policy_from_dict_fills_defaults_and_reads_strings():
    p = Policy.from_dict({"version": 2, "max_quotient": "650,5", "qualifying_situations": ["rsa"]})
    assert p.max_quotient == Decimal("650.50")
    assert p.qualifying_situations == frozenset({Situation.RSA})
    assert p.approval_validity_months == 6


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"max_qf": 700}, "Paramètre inconnu : max_qf"),
        ({"version": 0}, "Version de la politique"),
        ({"version": "2"}, "nombre entier"),
        ({"max_quotient": "-1"}, "négatif"),
        ({"max_quotient": "beaucoup"}, "montant invalide"),
        ({"allowed_communes": "Fresnes"}, "liste de noms"),
        ({"allowed_communes": [""]}, "chaque commune"),
        ({"qualifying_situations": ["chomeur"]}, "Situation inconnue : « chomeur »"),
        ({"situations_mode": "some"}, "Mode des situations inconnu"),
        ({"priority_situations": {"rsa": -1}}, "au moins 0"),
        ({"priority_situations": ["rsa"]}, "dictionnaire"),
        ({"one_device_per_household_years": 0}, "Délai entre deux équipements"),
        ({"approval_validity_months": 0}, "Durée de validité"),
        ({"four_eyes": "oui"}, "oui ou non attendu"),
        ({"require_no_computer": 1}, "oui ou non attendu"),
        ({"min_training_sessions": -1}, "séances de formation"),
    ],
)
def test_policy_validation_errors_are_french(data, fragment):
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    assert fragment in info.value.message
    assert isinstance(info.value, ValueError)


def test_policy_does_not_share_the_callers_collections():
    communes = ["Fresnes-sur-Escaut"]
    points = {Situation.RSA: 2}
    p = Policy(allowed_communes=communes, priority_situations=points)
    communes.append("Valenciennes")
    points[Situation.RSA] = 50
    assert p.allowed_communes == ("Fresnes-sur-Escaut",)
    assert p.priority_situations == {Situation.RSA: 2}


# --- facts: dict round trip, validation -----------------------------------------------------


def test_facts_dict_round_trip():
    facts = household(
        situations={Situation.RSA, Situation.SENIOR},
        last_device_received_on=date(2021, 5, 4),
        tax_shares=Decimal("4.5"),
        non_taxable=True,
    )
    data = facts.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["annual_income"] == "24000.00"
    assert data["situations"] == ["rsa", "senior"]
    assert data["last_device_received_on"] == "2021-05-04"
    assert HouseholdFacts.from_dict(data) == facts


def test_facts_files_written_with_the_old_tax_parts_key_still_read():
    data = household(tax_shares=Decimal("4.5")).to_dict()
    data["tax_parts"] = data.pop("tax_shares")
    assert HouseholdFacts.from_dict(data).tax_shares == Decimal("4.5")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"adults": 0}, "Nombre d'adultes"),
        ({"children": 1, "children_with_disability": 2}, "ne peut pas dépasser"),
        ({"income_basis": "caf", "stated_quotient": None}, "quotient familial indiqué par la CAF"),
        ({"income_basis": "rfr", "annual_income": None}, "revenu fiscal de référence est requis"),
        ({"income_basis": "impots"}, "Base de revenu inconnue"),
        ({"annual_income": "-5"}, "négatif"),
        ({"monthly_benefits": "-5"}, "négatif"),
        ({"tax_shares": "0"}, "strictement positive"),
        ({"application_date": "10/01/2025"}, "AAAA-MM-JJ"),
        ({"situations": ["lottery_winner"]}, "Situation inconnue"),
        ({"has_computer": "non"}, "oui ou non attendu"),
    ],
)
def test_facts_validation_errors_are_french(changes, fragment):
    data = {**household().to_dict(), **changes}
    with pytest.raises(FactsError) as info:
        HouseholdFacts.from_dict(data)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"application_date": "2025-01-10"}, "Paramètre manquant : commune"),
        ({"commune": "X", "application_date": "2025-01-10", "pets": 2}, "Paramètre inconnu"),
    ],
)
def test_facts_from_dict_requires_known_keys(data, fragment):
    with pytest.raises(FactsError) as info:
        HouseholdFacts.from_dict(data)
    assert fragment in info.value.message


# --- purity ---------------------------------------------------------------------------------


def test_evaluate_mutates_nothing_and_a_changed_policy_stays_separate():
    facts = household(situations={Situation.RSA}, last_device_received_on=date(2020, 1, 1))
    before_facts, before_policy = copy.deepcopy(facts), copy.deepcopy(POLICY)

    first = evaluate(facts, POLICY, TODAY)
    stricter = dataclasses.replace(POLICY, version=4, max_quotient=Decimal("500"))
    second = evaluate(facts, stricter, TODAY)

    assert facts == before_facts
    assert before_policy == POLICY
    assert first.eligible and first.policy_version == 3
    assert not second.eligible and second.policy_version == 4
    assert evaluate(facts, POLICY, TODAY) == first  # same inputs, same decision


def test_policies_and_facts_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLICY.max_quotient = Decimal("1")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        household().children = 9  # type: ignore[misc]


# --- dates and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "months", "expires"),
    [
        (date(2025, 1, 15), 6, date(2025, 7, 15)),
        (date(2025, 1, 31), 6, date(2025, 7, 31)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 3, 31), 12, date(2026, 3, 31)),
    ],
)
def test_approval_expires_on(approved, months, expires):
    p = policy(approval_validity_months=months)
    assert approval_expires_on(approved, p) == expires
    assert approval_is_valid(approved, p, expires)
    assert not approval_is_valid(approved, p, date.fromordinal(expires.toordinal() + 1))


def test_add_months_backwards():
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 15), -13) == date(2023, 12, 15)


@pytest.mark.parametrize(
    "name",
    ["Condé-sur-l'Escaut", "CONDE SUR L’ESCAUT", "conde  sur l escaut", " Condé-Sur-L'Escaut "],
)
def test_normalize_commune(name):
    assert normalize_commune(name) == "conde sur l escaut"


def test_every_situation_has_a_french_label():
    assert set(LABELS_FR) == set(Situation)


# --- properties -----------------------------------------------------------------------------

situations = st.frozensets(st.sampled_from(list(Situation)))
money = st.decimals(min_value=0, max_value=100_000, places=2)
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def facts_strategy(draw):
    children = draw(st.integers(0, 8))
    basis = draw(st.sampled_from(["caf", "rfr", None]))
    return HouseholdFacts(
        commune=draw(
            st.sampled_from(
                [
                    "Fresnes-sur-Escaut",
                    "fresnes sur escaut",
                    "Valenciennes",
                    "Condé-sur-l'Escaut",
                    "",
                ]
            )
        ),
        application_date=draw(dates),
        adults=draw(st.integers(1, 4)),
        children=children,
        children_with_disability=draw(st.integers(0, children)),
        single_parent=draw(st.booleans()),
        income_basis=basis,
        stated_quotient=draw(money) if basis == "caf" else None,
        annual_income=draw(money) if basis == "rfr" else None,
        tax_shares=draw(st.none() | st.sampled_from([Decimal(n) / 4 for n in range(1, 40)])),
        monthly_benefits=draw(money),
        non_taxable=draw(st.booleans()),
        situations=draw(situations),
        has_computer=draw(st.booleans()),
        last_device_received_on=draw(st.none() | dates),
    )


@st.composite
def policy_strategy(draw):
    return Policy(
        version=draw(st.integers(1, 50)),
        max_quotient=draw(st.none() | money),
        allowed_communes=draw(
            st.lists(
                st.sampled_from(["Fresnes-sur-Escaut", "Condé-sur-l'Escaut", "Vieux-Condé"]),
                max_size=3,
            )
        ),
        require_no_computer=draw(st.booleans()),
        qualifying_situations=draw(situations),
        situations_mode=draw(st.sampled_from(["any_qualifies", "required", "priority_only"])),
        priority_situations=draw(
            st.dictionaries(st.sampled_from(list(Situation)), st.integers(0, 10))
        ),
        one_device_per_household_years=draw(st.none() | st.integers(1, 5)),
        approval_validity_months=draw(st.integers(1, 24)),
        four_eyes=draw(st.booleans()),
        single_parent_bonus=draw(st.booleans()),
        min_training_sessions=draw(st.integers(0, 10)),
    )


def expected_eligibility(facts: HouseholdFacts, p: Policy, today: date) -> bool:
    """An independent oracle, written from the module docstring."""
    communes = {normalize_commune(c) for c in p.allowed_communes}
    commune_ok = not communes or normalize_commune(facts.commune) in communes
    qf = evaluate(facts, p, today).quotient_familial
    qf_ok = p.max_quotient is None or (qf is not None and qf <= p.max_quotient)
    has_situation = bool(
        (facts.situations | ({Situation.NON_TAXABLE} if facts.non_taxable else set()))
        & p.qualifying_situations
    )
    if p.situations_mode == "any_qualifies":
        resources_ok = qf_ok or has_situation
    elif p.situations_mode == "required":
        resources_ok = qf_ok and (has_situation or not p.qualifying_situations)
    else:
        resources_ok = qf_ok
    computer_ok = not (p.require_no_computer and facts.has_computer)
    last, years = facts.last_device_received_on, p.one_device_per_household_years
    frequency_ok = years is None or last is None or today >= add_months(last, 12 * years)
    return commune_ok and resources_ok and computer_ok and frequency_ok


@settings(max_examples=300)
@given(facts_strategy(), policy_strategy(), dates)
def test_evaluate_never_raises_and_eligible_iff_no_rule_fails(facts, p, today):
    decision = evaluate(facts, p, today)
    assert decision.eligible == (not decision.failed_rules)
    assert decision.eligible == all(c.passed for c in decision.checks)
    assert decision.eligible == expected_eligibility(facts, p, today)
    assert len(decision.reasons) == len(decision.checks) + 1
    assert all(isinstance(r, str) and r for r in decision.reasons)
    assert decision.priority >= 0
    assert decision.priority == 0 or decision.eligible
    assert decision.policy_version == p.version
    assert json.loads(json.dumps(decision.to_json())) == decision.to_json()
    assert evaluate(facts, p, today) == decision


def test_input_errors_name_the_field_in_the_readers_language():
    english = {"%(field)s : la valeur doit être au moins %(minimum)s (reçu %(value)s).":
               "%(field)s: the value must be at least %(minimum)s (received %(value)s).",
               "Nombre d'adultes": "Number of adults"}
    with pytest.raises(FactsError) as info:
        HouseholdFacts.from_dict({**household().to_dict(), "adults": 0})
    assert info.value.message == "Nombre d'adultes : la valeur doit être au moins 1 (reçu 0)."
    message, _reasons = info.value.translated(lambda msgid: english.get(msgid, msgid))
    assert message == "Number of adults: the value must be at least 1 (received 0)."
