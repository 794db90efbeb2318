"""Workshop forms: the shape of input only (choices come from the views)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.profiles import DRIVE_KIND_LABELS, OPERATING_SYSTEMS
from refurb.core.qa import CHECK_KINDS, GRADE_LABELS
from refurb.workshop.models import (
    DECISIONS,
    FAULTS,
    LOCATION_KINDS,
    POWER_ON,
    SPARE_PART_CATEGORIES,
)


def _choices(table: dict) -> list[tuple[str, str]]:
    return [(str(key), _l(label)) for key, label in table.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CsrfForm(FlaskForm):
    """Buttons that change something (undo, reveal a key): CSRF only."""


class DiagnosisForm(FlaskForm):
    power_on = RadioField(_l("Mise sous tension"), choices=_choices(POWER_ON),
                          validators=[InputRequired(_l("Indiquez le résultat."))])
    faults = MultiCheckboxField(_l("Pannes constatées"), choices=_choices(FAULTS))
    fault_notes = TextAreaField(_l("Autres constats"), validators=[Optional(), Length(max=4000)])
    decision = RadioField(_l("Décision"), choices=_choices(DECISIONS),
                          validators=[InputRequired(_l("Choisissez une décision."))])


class SparePartUseForm(Form):
    part_id = SelectField(_l("Pièce utilisée"), coerce=int, choices=[], validate_choice=False)
    quantity = IntegerField(_l("Quantité"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=999)])


class WorkOrderForm(FlaskForm):
    actions = TextAreaField(_l("Travaux effectués"),
                            validators=[DataRequired(), Length(max=4000)])
    minutes = IntegerField(_l("Temps passé (minutes)"),
                           validators=[InputRequired(), NumberRange(min=0, max=1440)])
    technician_id = SelectField(_l("Technicien"), coerce=int, choices=[])
    ram_gb_after = DecimalField(_l("Mémoire après intervention (Go)"), places=None,
                                validators=[Optional(), NumberRange(min=0.25, max=4096)])
    parts = FieldList(FormField(SparePartUseForm), min_entries=3, max_entries=10)


class SparePartForm(FlaskForm):
    category = SelectField(_l("Catégorie"), choices=_choices(SPARE_PART_CATEGORIES))
    name = StringField(_l("Désignation"), validators=[DataRequired(), Length(max=160)])
    compatibility = TextAreaField(_l("Compatibilité"), validators=[Optional(), Length(max=2000)])
    quantity = IntegerField(_l("Quantité en stock"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=100000)])


class StockChangeForm(FlaskForm):
    kind = RadioField(_l("Mouvement"), default="receive", choices=[
        ("receive", _l("Entrée (achat, don)")), ("adjust", _l("Correction d'inventaire"))])
    quantity = IntegerField(_l("Quantité (négative pour une correction à la baisse)"),
                            validators=[InputRequired(), NumberRange(min=-100000, max=100000)])
    note = StringField(_l("Motif / provenance"), validators=[Optional(), Length(max=500)])


class HarvestForm(FlaskForm):
    part_id = SelectField(_l("Pièce prélevée"), coerce=int, choices=[])
    quantity = IntegerField(_l("Quantité"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=99)])
    note = StringField(_l("Note (état, référence lue sur la pièce)"),
                       validators=[Optional(), Length(max=500)])


class PartNeedForm(FlaskForm):
    part_id = SelectField(_l("Pièce du stock"), coerce=int, choices=[], validate_choice=False)
    category = SelectField(_l("Type de pièce (si elle n'est pas dans le stock)"),
                           choices=_choices(SPARE_PART_CATEGORIES))
    description = StringField(_l("Description (si elle n'est pas dans le stock)"),
                              validators=[Optional(), Length(max=200)])
    quantity = IntegerField(_l("Quantité"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=99)])
    ordered_on = DateField(_l("Commandée le"), validators=[Optional()])


class PartOrderedForm(FlaskForm):
    ordered_on = DateField(_l("Commandée le"),
                           validators=[InputRequired(_l("Indiquez la date de commande."))])


class PartNeedCancelForm(FlaskForm):
    reason = StringField(_l("Raison"), validators=[DataRequired(_l("Indiquez la raison.")),
                                                   Length(max=500)])


class SoftwareForm(FlaskForm):
    os_name = SelectField(_l("Système d'exploitation"), choices=_choices(OPERATING_SYSTEMS))
    os_version = StringField(_l("Version"), validators=[Optional(), Length(max=40)])
    office = StringField(_l("Bureautique"), default="LibreOffice",
                         validators=[Optional(), Length(max=80)])
    other_software = StringField(_l("Autres logiciels (séparés par des virgules)"),
                                 validators=[Optional(), Length(max=2000)])
    licence_key = StringField(_l("Clé de licence reconditionneur (Windows)"),
                              validators=[Optional(), Length(max=40)])


class LocationForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Type"), choices=_choices(LOCATION_KINDS))
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
    active = BooleanField(_l("En service"), default=True)


class MoveForm(FlaskForm):
    location = StringField(_l("Emplacement (scannez son étiquette)"),
                           validators=[Optional(), Length(max=40)],
                           render_kw={"data-scannable": ""})


class ProfileForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    device_types = MultiCheckboxField(_l("Types d'appareil (aucun : tous)"),
                                      choices=_choices(DEVICE_TYPE_LABELS))
    min_ram_gb = DecimalField(_l("Mémoire minimale (Go)"), places=None,
                              validators=[Optional(), NumberRange(min=0, max=4096)])
    min_storage_gb = IntegerField(_l("Stockage minimal (Go)"),
                                  validators=[Optional(), NumberRange(min=0, max=100000)])
    storage_kinds = MultiCheckboxField(_l("Types de stockage acceptés (aucun : tous)"),
                                       choices=_choices(DRIVE_KIND_LABELS))
    os_names = MultiCheckboxField(_l("Systèmes acceptés (aucun : tous)"),
                                  choices=_choices(OPERATING_SYSTEMS))
    software_list = StringField(_l("Logiciels requis (séparés par des virgules)"),
                           validators=[Optional(), Length(max=1000)])
    active = BooleanField(_l("En service"), default=True)


class NewCheckForm(FlaskForm):
    name = StringField(_l("Nouveau contrôle"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Type"), choices=_choices(CHECK_KINDS))
    minimum = IntegerField(_l("Minimum (%)"), validators=[Optional(), NumberRange(min=0, max=100)])


class BatchStartForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    parameter = SelectField(choices=[], validate_choice=False)


class ScanForm(FlaskForm):
    # An input, not a textarea: a wedge scanner's Enter must submit. Pasted lists go to codes.
    code = StringField(_l("Étiquette"), validators=[Optional(), Length(max=120)])
    codes = TextAreaField(_l("Plusieurs étiquettes (une par ligne)"),
                          validators=[Optional(), Length(max=20000)])


def qa_form_class(lines) -> type[FlaskForm]:
    """One field per applicable check (a box, or a measured percentage), plus the grade."""

    class QAForm(FlaskForm):
        grade = RadioField(_l("Grade esthétique"), choices=_choices(GRADE_LABELS),
                           validators=[Optional()])
        notes = StringField(_l("Remarques"), validators=[Optional(), Length(max=2000)])
        mark_ready = BooleanField(_l("Passer en « Prêt à attribuer » si tout est validé"),
                                  default=True)

    for line in lines:
        label = line.item.name + ("" if line.item.mandatory else " (facultatif)")
        if line.item.kind == "percent":
            field = IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100)])
        else:
            field = BooleanField(label)
        setattr(QAForm, f"check_{line.check_id}", field)
    return QAForm
