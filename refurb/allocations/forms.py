"""Allocation forms: the shape of input only; the services and the core check the rules."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from refurb.core.handover import (
    FEE_STATUS_LABELS,
    MODE_LABELS,
    PAYMENT_LABELS,
    SCHOOL_LEVELS,
)
from refurb.form_fields import FrenchDecimalField, MultiCheckboxField


class EuroField(FrenchDecimalField):
    """An amount typed the French way ("10", "10,00 €"); empty gives None."""

    invalid_message = _l("Montant invalide : saisissez par exemple 10,00.")
    range_message = invalid_message
    maximum = Decimal(10) ** 6
    display_places = Decimal("0.01")


class ReserveForm(FlaskForm):
    beneficiary_id = SelectField(_l("Bénéficiaire (dossier validé)"), coerce=int,
                                 validators=[InputRequired(_l("Choisissez un bénéficiaire."))])
    tags = TextAreaField(
        _l("Numéros d'inventaire (une machine ou un lot : ordinateur, écran, clavier…)"),
        validators=[InputRequired(_l("Indiquez au moins un numéro d'inventaire.")),
                    Length(max=2000)],
    )


class CancelForm(FlaskForm):
    reason = StringField(_l("Motif de l'annulation"),
                         validators=[InputRequired(_l("Indiquez un motif.")), Length(max=300)])


class ExtendForm(FlaskForm):
    new_expires_on = DateField(_l("Nouvelle date de fin (incluse)"),
                               validators=[InputRequired(_l("Indiquez la nouvelle date."))])
    reason = StringField(_l("Motif de la prolongation"),
                         validators=[InputRequired(_l("Indiquez un motif.")), Length(max=300)])


class HandoverForm(FlaskForm):
    mode = RadioField(_l("Remise"), choices=[(k.value, v) for k, v in MODE_LABELS.items()],
                      validators=[InputRequired(_l("Choisissez un don ou un prêt."))])
    due_on = DateField(_l("Date de retour prévue (prêt)"), validators=[Optional()])
    programme_id = SelectField(_l("Dispositif scolaire (prêt)"), coerce=int, default=0,
                               validators=[Optional()])
    fee_amount = EuroField(_l("Participation (EUR)"))
    fee_status = RadioField(_l("Participation"),
                            choices=[(k.value, v) for k, v in FEE_STATUS_LABELS.items()],
                            validators=[InputRequired(_l("Indiquez si la participation est "
                                                         "payée ou exonérée."))])
    fee_method = SelectField(_l("Moyen de paiement"),
                             choices=[("", "—")] + [(k.value, v) for k, v in PAYMENT_LABELS.items()],
                             validators=[Optional()])
    receipt_number = StringField(_l("N° de reçu"), validators=[Length(max=40)])


class ReturnForm(FlaskForm):
    device_ids = MultiCheckboxField(_l("Machines rendues"), coerce=int,
                                    validators=[InputRequired(_l("Cochez au moins une machine."))])
    note = StringField(_l("Remarque (état, accessoires manquants…)"),
                       validators=[Length(max=150)])


class ConfirmForm(FlaskForm):
    """A button with its CSRF token."""


WARRANTY_LABEL = _l("Garantie sur les machines prêtées (mois ; vide : réglage de l’atelier)")
WARRANTY_CHECKS = [Optional(), NumberRange(0, 120, message=_l("Entre 0 et 120 mois."))]


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Nom du dispositif"),
                       validators=[InputRequired(_l("Nom requis.")), Length(max=120)])
    start_level = SelectField(_l("Classe au départ"), choices=[(k, k) for k in SCHOOL_LEVELS],
                              default="CE2")
    cohort_year = IntegerField(_l("Année scolaire (début, ex. 2026 pour 2026-2027)"),
                               validators=[InputRequired(_l("Année requise.")),
                                           NumberRange(2000, 2100)])
    due_on = DateField(_l("Date de fin des prêts (vide : 1er septembre de l'entrée en 6e)"),
                       validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    warranty_months = IntegerField(WARRANTY_LABEL, validators=WARRANTY_CHECKS)


class WarrantyForm(FlaskForm):
    warranty_months = IntegerField(WARRANTY_LABEL, validators=WARRANTY_CHECKS)


class SchoolForm(FlaskForm):
    uai = StringField(_l("Code UAI"), validators=[InputRequired(_l("Code UAI requis.")),
                                                 Length(max=20)])
    name = StringField(_l("Nom de l'école"), validators=[InputRequired(_l("Nom requis.")),
                                                       Length(max=200)])


# ------------------------------------------------------------------------- cohorts and packs

class PackForm(FlaskForm):
    name = StringField(_l("Nom du pack"), validators=[
        InputRequired(_l("Le nom du pack est obligatoire.")), Length(max=120)])
    device_types = MultiCheckboxField(_l("Appareils du stock (un de chaque, scannés à la "
                                         "remise)"), choices=[])
    accessories = TextAreaField(_l("Accessoires non suivis (un par ligne, quantité en tête : "
                                   "« 1 Souris », « 1 Sacoche »)"),
                                validators=[Optional(), Length(max=2000)])


class CohortForm(FlaskForm):
    kind = SelectField(_l("Genre"), choices=[], validators=[InputRequired()])
    name = StringField(_l("Nom"), validators=[
        InputRequired(_l("Le nom de la cohorte est obligatoire.")), Length(max=120)])
    starts_on = DateField(_l("Début de la période"), validators=[
        InputRequired(_l("Date requise."))])
    ends_on = DateField(_l("Fin de la période"), validators=[InputRequired(_l("Date requise."))])
    uai = StringField(_l("Code UAI de l’école (facultatif)"), validators=[Optional(),
                                                                        Length(max=20)])
    school_name = StringField(_l("École (facultatif)"), validators=[Optional(), Length(max=200)])
    pack_template_id = SelectField(_l("Pack remis à chaque membre"), coerce=int, default=0)
    mode = RadioField(_l("Remise"), choices=[(k.value, v) for k, v in MODE_LABELS.items()],
                      default="gift", validators=[InputRequired()])
    school_programme_id = SelectField(_l("Dispositif scolaire (prêt)"), coerce=int, default=0)
    fee_amount = EuroField(_l("Participation par membre (EUR, 0 : exonérée)"))
    fee_method = SelectField(_l("Moyen de paiement de la participation"), default="",
                             choices=[("", "—"), *((k.value, v) for k, v in
                                                   PAYMENT_LABELS.items())])
    training_programme_id = SelectField(_l("Atelier des parents"), coerce=int, default=0)


class MembersForm(FlaskForm):
    pseudonyms = TextAreaField(_l("Numéros de dossier (un par ligne, ou séparés par des "
                                  "espaces)"),
                               validators=[InputRequired(_l("Indiquez au moins un numéro de "
                                                            "dossier.")), Length(max=20000)])


class ScanForm(FlaskForm):
    tag = StringField(_l("Étiquette scannée"), validators=[
        InputRequired(_l("Scannez l'étiquette d'une machine.")), Length(max=64)])
