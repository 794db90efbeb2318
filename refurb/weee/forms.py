"""Shapes of the WEEE forms. Weights are text (French decimals) checked by the core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from refurb.core.weee import (
    CATEGORY_LABELS,
    ECO_ORGANISMS,
    LOOSE_KINDS,
    OPERATION_CODES,
    OPERATION_MODE_LABELS,
    PART_KIND_LABELS,
    TRANSPORT_MODE_LABELS,
    WASTE_CODE_LABELS,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class FrenchDateField(DateField):
    """A date typed as 2026-03-10 (date picker) or 10/03/2026, refused in French.

    Pair it with InputRequired, not DataRequired: the latter would drop the "invalid date"
    message and say "required" about a date that was typed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", DATE_FORMATS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Date invalide : jj/mm/aaaa.")) from None


def waste_code_choices(blank: str | None = None):
    choices = [(code, f"{code} — {_l(label)}") for code, label in WASTE_CODE_LABELS.items()]
    return ([("", blank)] if blank else []) + choices


def category_choices():
    return [(str(n), _l(label)) for n, label in CATEGORY_LABELS.items()]


def operation_code_choices():
    return [(code, f"{code} — {_l(label)}") for code, (label, _m) in OPERATION_CODES.items()]


def operation_mode_choices():
    return [("", _l("— aucun (regroupement, stockage) —"))] + [
        (mode.value, _l(label)) for mode, label in OPERATION_MODE_LABELS.items()]


def eco_organism_choices():
    return [("", _l("Aucun"))] + [(siret, f"{name} ({siret})")
                                  for siret, name in ECO_ORGANISMS.items()] + [
        ("other", _l("Autre (nom et SIRET ci-dessous)"))]


class OpenBatchForm(FlaskForm):
    container = SelectField(_l("Contenant"), choices=[
        ("pallet", _l("Palette")), ("container", _l("Caisse-palette / conteneur")),
        ("box", _l("Carton")), ("other", _l("Autre"))])
    label = StringField(_l("Repère (emplacement, n° de palette…)"),
                        validators=[Optional(), Length(max=120)])


class AddDeviceForm(FlaskForm):
    tag = StringField(_l("Numéro d'inventaire"), validators=[DataRequired(), Length(max=40)])
    waste_code = SelectField(_l("Code déchet"), default="",
                             choices=lambda: waste_code_choices(_l("Selon le type d'appareil")))
    contains_pops = BooleanField(_l("Contient des polluants organiques persistants (POP)"))
    weight = StringField(_l("Poids pesé (kg)"), validators=[Optional(), Length(max=20)])


class AddPartForm(FlaskForm):
    kind = SelectField(_l("Nature"), default="battery", choices=lambda: [(k.value, _l(PART_KIND_LABELS[k]))
                                                     for k in LOOSE_KINDS])
    drive_tag = StringField(_l("Disque : n° d'inventaire ou de série"),
                            validators=[Optional(), Length(max=120)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    quantity = IntegerField(_l("Quantité"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=100000)])
    # Own ids: the device form beside it on the batch page has fields of the same names, and
    # a label bound to a shared id would tick the other form's box.
    weight = StringField(_l("Poids total (kg)"), validators=[DataRequired(), Length(max=20)],
                         id="part-weight")
    weight_measured = BooleanField(_l("Poids pesé (sinon estimé)"))
    category = SelectField(_l("Catégorie DEEE"), choices=category_choices, default="6")
    waste_code = SelectField(_l("Code déchet"), choices=waste_code_choices, default="16 02 16",
                             id="part-waste_code")
    contains_pops = BooleanField(_l("Contient des POP"), id="part-contains_pops")


class EditItemForm(FlaskForm):
    waste_code = SelectField(_l("Code déchet"), choices=waste_code_choices)
    contains_pops = BooleanField(_l("POP"))
    weight = StringField(_l("Poids pesé (kg)"), validators=[Optional(), Length(max=20)])


class RemoveItemForm(FlaskForm):
    pass


class CloseBatchForm(FlaskForm):
    operator_id = SelectField(_l("Prestataire de traitement"), coerce=int, choices=[],
                              validators=[DataRequired(message=_l("Choisissez un prestataire."))])
    carrier_1 = SelectField(_l("Transporteur 1"), coerce=int, choices=[],
                            validators=[DataRequired(message=_l("Choisissez un transporteur."))])
    carrier_2 = SelectField(_l("Transporteur 2"), coerce=int, choices=[])
    carrier_3 = SelectField(_l("Transporteur 3"), coerce=int, choices=[])
    carrier_4 = SelectField(_l("Transporteur 4"), coerce=int, choices=[])
    carrier_5 = SelectField(_l("Transporteur 5"), coerce=int, choices=[])
    handover_date = FrenchDateField(_l("Date de remise"), validators=[InputRequired()])
    operation_code = SelectField(_l("Code de traitement"), choices=operation_code_choices,
                                 default="R4")
    operation_mode = SelectField(_l("Mode de traitement"), choices=operation_mode_choices,
                                 default="RECYCLAGE")
    tracking_reference = StringField(_l("N° de bordereau (BSD / Trackdéchets)"),
                                     validators=[Optional(), Length(max=80)])
    signed_by_name = StringField(_l("Nom du signataire"),
                                 validators=[DataRequired(), Length(max=120)])
    signed_on = FrenchDateField(_l("Date de signature"), validators=[Optional()])
    signature_confirmed = BooleanField(_l("Bon pour remise : j'ai signé le bon de remise"),
                                       validators=[DataRequired(message=_l(
                                           "Cochez la case pour confirmer la signature."))])

    CARRIER_FIELDS = ("carrier_1", "carrier_2", "carrier_3", "carrier_4", "carrier_5")


class OperatorForm(FlaskForm):
    name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[DataRequired(), Length(max=30)])
    address = StringField(_l("Adresse (n° et voie)"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    country_code = StringField(_l("Pays (code)"), default="FR",
                               validators=[Optional(), Length(max=2)])
    authorisation = StringField(_l("N° d'autorisation ou de récépissé"),
                                validators=[Optional(), Length(max=300)])
    eco_organism = SelectField(_l("Éco-organisme"), choices=eco_organism_choices, default="")
    eco_other_name = StringField(_l("Autre éco-organisme : nom"),
                                 validators=[Optional(), Length(max=200)])
    eco_other_siret = StringField(_l("Autre éco-organisme : SIRET"),
                                  validators=[Optional(), Length(max=30)])
    active = BooleanField(_l("Actif"), default=True)


class CarrierForm(FlaskForm):
    name = StringField(_l("Raison sociale"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[DataRequired(), Length(max=30)])
    receipt_number = StringField(_l("N° de récépissé (déclaration de transport de déchets)"),
                                 validators=[Optional(), Length(max=80)])
    receipt_exempted = BooleanField(_l("Exempté de récépissé"))
    transport_mode = SelectField(_l("Mode de transport"), default="ROAD", choices=lambda: [
        (m.value, _l(label)) for m, label in TRANSPORT_MODE_LABELS.items()])
    address = StringField(_l("Adresse (n° et voie)"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    country_code = StringField(_l("Pays (code)"), default="FR",
                               validators=[Optional(), Length(max=2)])
    active = BooleanField(_l("Actif"), default=True)


class CorrectionForm(FlaskForm):
    waste_description = StringField(_l("Dénomination du déchet"),
                                    validators=[DataRequired(), Length(max=300)])
    waste_code = SelectField(_l("Code déchet"), choices=waste_code_choices)
    waste_pop = BooleanField(_l("Contient des POP"))
    waste_is_dangerous = BooleanField(_l("Dangereux"))
    weight_tonnes = StringField(_l("Poids (tonnes)"), validators=[DataRequired(), Length(max=20)])
    weight_is_estimate = BooleanField(_l("Poids estimé"))
    line_date = FrenchDateField(_l("Date"), validators=[InputRequired()])
    operation_code = SelectField(_l("Code de traitement"), choices=operation_code_choices)
    operation_mode = SelectField(_l("Mode de traitement"), choices=operation_mode_choices)
    note = TextAreaField(_l("Motif de la correction"),
                         validators=[DataRequired(), Length(max=2000)])


class IncomingForm(FlaskForm):
    pass
