"""Beneficiary forms: the shape of input only; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from refurb.beneficiaries.file_values import FileValues
from refurb.beneficiaries.models import DocumentKind, Referrer
from refurb.core.applications import Status
from refurb.core.eligibility import LABELS_FR, SITUATIONS_MODES, Policy, Situation
from refurb.core.needs import KIND_LABELS as NEED_KIND_LABELS
from refurb.form_fields import FrenchDecimalField, MultiCheckboxField


def situation_choices(include_non_taxable: bool = False):
    return [
        (s.value, _l(LABELS_FR[s]))
        for s in Situation
        if include_non_taxable or s != Situation.NON_TAXABLE
    ]


REFERRER_CHOICES = [
    ("", _l("—")),
    (Referrer.CCAS.value, _l("CCAS")),
    (Referrer.MISSION_LOCALE.value, _l("Mission locale")),
    (Referrer.SCHOOL_SOCIAL_WORKER.value, _l("Assistante sociale scolaire")),
    (Referrer.ASSOCIATION.value, _l("Association")),
    (Referrer.SELF.value, _l("Démarche personnelle")),
    (Referrer.OTHER.value, _l("Autre")),
]
NEED_KIND_CHOICES = [("", _l("Indifférent")),
                     *((kind, _l(label)) for kind, label in NEED_KIND_LABELS.items())]
COUNT = [InputRequired(message=_l("Nombre requis.")), NumberRange(min=0, max=30)]


class FileForm(FlaskForm):
    # Identity and contact
    last_name = StringField(_l("Nom"), validators=[Optional(), Length(max=120)])
    first_name = StringField(_l("Prénom"), validators=[Optional(), Length(max=120)])
    birth_date = DateField(_l("Date de naissance"), validators=[Optional()])
    email = StringField(_l("Adresse e-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=40)])
    address_line = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    commune = StringField(
        _l("Commune"), validators=[InputRequired(message=_l("Commune requise.")), Length(max=120)]
    )
    # Schools, associations, pupils
    organisation_name = StringField(_l("Nom de la structure"), validators=[Optional(), Length(max=200)])
    uai = StringField(_l("Code UAI de l’école"), validators=[Optional(), Length(max=20)])
    rna = StringField(_l("Numéro RNA"), validators=[Optional(), Length(max=20)])
    school_level = StringField(_l("Classe"), validators=[Optional(), Length(max=20)])
    programme = StringField(_l("Dispositif scolaire"), validators=[Optional(), Length(max=120)])
    # Household
    adults = IntegerField(_l("Adultes"), default=1, validators=[
        InputRequired(message=_l("Nombre requis.")), NumberRange(min=1, max=30)])
    children = IntegerField(_l("Enfants"), default=0, validators=COUNT)
    children_with_disability = IntegerField(
        _l("Dont enfants en situation de handicap"), default=0, validators=COUNT)
    single_parent = BooleanField(_l("Parent isolé"))
    member_with_disability = BooleanField(_l("Une personne du foyer est en situation de handicap"))
    # Income
    income_basis = SelectField(
        _l("Base de revenu"),
        choices=[
            ("", _l("Aucun justificatif de revenu")),
            ("caf", _l("Quotient familial CAF (attestation)")),
            ("rfr", _l("Revenu fiscal de référence (avis d’imposition)")),
        ],
        default="",
    )
    stated_quotient = FrenchDecimalField(_l("Quotient familial CAF (€)"), validators=[
        Optional(), NumberRange(min=0, max=99999)])
    annual_income = FrenchDecimalField(_l("Revenu fiscal de référence (€ par an)"), validators=[
        Optional(), NumberRange(min=0, max=999999999)])
    tax_shares = FrenchDecimalField(_l("Nombre de parts fiscales"), validators=[
        Optional(), NumberRange(min=Decimal("0.25"), max=49, message=_l("Entre 0,25 et 49 parts."))])
    monthly_benefits = FrenchDecimalField(_l("Prestations familiales mensuelles (€)"), validators=[
        Optional(), NumberRange(min=0, max=99999)])
    non_taxable = BooleanField(_l("Foyer non imposable"))
    situations = MultiCheckboxField(_l("Situations"), choices=situation_choices)
    has_computer = BooleanField(_l("Le foyer a déjà un ordinateur"))
    qpv = BooleanField(_l("Adresse en quartier prioritaire de la politique de la ville (QPV)"))
    last_device_received_on = DateField(
        _l("Dernier équipement reçu d’un dispositif le"), validators=[Optional()])
    referred_by = SelectField(_l("Orienté par"), choices=REFERRER_CHOICES, default="")
    referrer_detail = StringField(_l("Précision sur l’orienteur"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    # Needs: the waiting list shows the ready machines that fit them.
    need_kind = SelectField(_l("Machine demandée"), choices=NEED_KIND_CHOICES, default="")
    need_min_ram_gib = IntegerField(_l("Mémoire minimale (Go)"), validators=[
        Optional(), NumberRange(min=0, max=256, message=_l("Entre 0 et 256 Go."))])
    need_webcam = BooleanField(_l("Webcam nécessaire (classe à distance, visio)"))
    need_notes = StringField(_l("Autres besoins (par exemple « clavier adapté »)"),
                             validators=[Optional(), Length(max=300)])


def file_values(form: FileForm) -> FileValues:
    """The typed values, as the services take them."""
    names = [f.name for f in FileValues.__dataclass_fields__.values()]
    data = {name: form[name].data for name in names if name != "situations"}
    data["situations"] = frozenset(form.situations.data or ())
    return FileValues(**data)


class DecisionForm(FlaskForm):
    target = SelectField(choices=[(s.value, s.value) for s in Status],
                         validators=[InputRequired()])
    reason = TextAreaField(_l("Motif"), validators=[Optional(), Length(max=2000)])
    override = BooleanField(_l("Passer outre les critères d’éligibilité (administrateur)"))


DOCUMENT_CHOICES = [
    (DocumentKind.TAX_NOTICE.value, _l("Avis d’imposition")),
    (DocumentKind.CAF_CERTIFICATE.value, _l("Attestation CAF (quotient familial)")),
    (DocumentKind.PROOF_OF_ADDRESS.value, _l("Justificatif de domicile")),
    (DocumentKind.OTHER.value, _l("Autre document")),
]


class DocumentCheckForm(FlaskForm):
    kind = SelectField(_l("Document vérifié"), choices=DOCUMENT_CHOICES)
    label = StringField(_l("Lequel (si autre)"), validators=[Optional(), Length(max=120)])
    checked_on = DateField(
        _l("Vérifié le"), validators=[InputRequired(message=_l("Date requise."))])


MODE_LABELS = {
    "any_qualifies": _l("Plafond de QF, ou une situation ouvrant droit suffit"),
    "required": _l("Plafond de QF et une situation ouvrant droit"),
    "priority_only": _l("Plafond de QF seul ; les situations donnent seulement de la priorité"),
}


class PolicyForm(FlaskForm):
    base_version = HiddenField()
    max_quotient = FrenchDecimalField(_l("Plafond de quotient familial (€)"), validators=[
        Optional(), NumberRange(min=0, max=99999)])
    allowed_communes = TextAreaField(
        _l("Communes du dispositif (une par ligne ; vide : toutes)"),
        validators=[Optional(), Length(max=4000)])
    require_no_computer = BooleanField(_l("Réservé aux foyers sans ordinateur"))
    qualifying_situations = MultiCheckboxField(
        _l("Situations ouvrant droit"), choices=lambda: situation_choices(True))
    situations_mode = SelectField(
        _l("Règle des situations"), choices=[(m, MODE_LABELS[m]) for m in SITUATIONS_MODES])
    one_device_per_household_years = IntegerField(
        _l("Un équipement par foyer tous les … ans (vide : sans limite)"),
        validators=[Optional(), NumberRange(min=1, max=20)])
    approval_validity_months = IntegerField(
        _l("Durée de validité d’un accord (mois)"),
        validators=[InputRequired(message=_l("Nombre requis.")), NumberRange(min=1, max=60)])
    four_eyes = BooleanField(
        _l("Double validation : la personne qui crée un dossier ne peut pas le valider"))
    single_parent_bonus = BooleanField(_l("Demi-part supplémentaire pour un parent isolé"))
    min_training_sessions = IntegerField(
        _l("Nombre minimal de séances de formation"),
        validators=[InputRequired(message=_l("Nombre requis.")), NumberRange(min=0, max=50)])
    note = StringField(_l("Motif du changement"), validators=[Optional(), Length(max=500)])


# One "priority points" field per situation, named points_<code>.
for _situation in Situation:
    setattr(
        PolicyForm,
        f"points_{_situation.value}",
        IntegerField(
            _l(LABELS_FR[_situation]),
            default=0,
            validators=[InputRequired(message=_l("Nombre requis.")), NumberRange(min=0, max=100)],
        ),
    )


def policy_form_data(policy: Policy) -> dict[str, Any]:
    """The form's initial values: the policy in force."""
    data = {
        "base_version": str(policy.version),
        "max_quotient": policy.max_quotient,
        "allowed_communes": "\n".join(policy.allowed_communes),
        "require_no_computer": policy.require_no_computer,
        "qualifying_situations": sorted(s.value for s in policy.qualifying_situations),
        "situations_mode": policy.situations_mode,
        "one_device_per_household_years": policy.one_device_per_household_years,
        "approval_validity_months": policy.approval_validity_months,
        "four_eyes": policy.four_eyes,
        "single_parent_bonus": policy.single_parent_bonus,
        "min_training_sessions": policy.min_training_sessions,
    }
    for situation in Situation:
        data[f"points_{situation.value}"] = policy.priority_situations.get(situation, 0)
    return data


def rules_from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as ``Policy.from_dict`` input (the version is set by the service)."""
    communes = [" ".join(line.split()) for line in (data["allowed_communes"] or "").splitlines()]
    return {
        "max_quotient": data["max_quotient"],
        "allowed_communes": [c for c in communes if c],
        "require_no_computer": bool(data["require_no_computer"]),
        "qualifying_situations": list(data["qualifying_situations"] or ()),
        "situations_mode": data["situations_mode"],
        "priority_situations": {
            s.value: data[f"points_{s.value}"] for s in Situation if data[f"points_{s.value}"]
        },
        "one_device_per_household_years": data["one_device_per_household_years"],
        "approval_validity_months": data["approval_validity_months"],
        "four_eyes": bool(data["four_eyes"]),
        "single_parent_bonus": bool(data["single_parent_bonus"]),
        "min_training_sessions": data["min_training_sessions"],
    }
