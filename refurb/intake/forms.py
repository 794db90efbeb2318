from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.form_fields import FrenchDecimalField, siret_check
from refurb.intake.collections import MAX_MEASURED_WEIGHT_KG
from refurb.intake.csv_rows import MAX_WEIGHT_KG, WeightRefused, parse_weight
from refurb.table_reader import ACCEPT
from refurb.web import translate


def type_choices(blank: bool = True):
    choices = [(t.value, _l(label)) for t, label in DEVICE_TYPE_LABELS.items()]
    return ([("", "—")] if blank else []) + choices


STATUS_CHOICES = [("reuse", _l("Réemploi")), ("waste", _l("Déchet (DEEE)"))]


def french_weight(maximum: Decimal = MAX_WEIGHT_KG):
    """'3,5' or '3.5' (kg); empty means 'estimate from the type' (or 'not weighed')."""

    def check(form, field) -> None:
        try:
            field.parsed = parse_weight(field.data or "", maximum)
        except WeightRefused as error:
            message = translate(error.message)
            raise ValidationError(message[:1].upper() + message[1:] + ".") from None

    return check


class DeviceFieldsMixin:
    """Bench order: what the eye reads on the machine first, then the scale, then the verdict."""

    device_type = SelectField(_l("Type"), choices=type_choices, validators=[DataRequired()])
    make = StringField(_l("Marque"), validators=[Optional(), Length(max=120)])
    model = StringField(_l("Modèle"), validators=[Optional(), Length(max=120)])
    serial = StringField(_l("N° de série"), validators=[Optional(), Length(max=120)],
                         render_kw={"autocomplete": "off", "spellcheck": "false"})
    donor_inventory_number = StringField(
        _l("N° d'inventaire du donateur"), validators=[Optional(), Length(max=60)],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    weight_kg = StringField(_l("Poids (kg)"), validators=[Optional(), french_weight()],
                            render_kw={"inputmode": "decimal", "autocomplete": "off"})
    legal_status = SelectField(_l("Statut"), choices=STATUS_CHOICES, default="reuse")
    # One line, not a textarea: Enter must submit the form, not add a line break.
    condition_notes = StringField(_l("État constaté"), validators=[Optional(), Length(max=2000)])

    def weight(self):
        return getattr(self.weight_kg, "parsed", None)


class MemoryField(FrenchDecimalField):
    """RAM typed as sold, in Go ("8", "1,5", "8 Go")."""

    units = ("go", "gb")
    invalid_message = _l("Mémoire : indiquez un nombre de Go (ex. 8).")
    range_message = _l("Mémoire : indiquez un nombre de Go entre 0 et 4096.")
    minimum = Decimal(0)
    maximum = Decimal(4097)


class ScreenField(FrenchDecimalField):
    units = ('"', "pouces", "pouce", "in")
    invalid_message = _l("Écran : indiquez sa diagonale en pouces (ex. 15,6).")
    range_message = invalid_message
    minimum = Decimal(0)
    maximum = Decimal(100)


class IntakeForm(DeviceFieldsMixin, FlaskForm):
    # What a social worker's description needs and the eye reads at the bench; the hardware
    # report fills them for machines that boot.
    ram_gb = MemoryField(_l("Mémoire (Go)"), render_kw={"inputmode": "decimal",
                                                        "autocomplete": "off"})
    screen_inches = ScreenField(_l("Écran (pouces)"), render_kw={"inputmode": "decimal",
                                                                 "autocomplete": "off"})

    def ram_mib(self) -> int | None:
        return int(self.ram_gb.data * 1024) if self.ram_gb.data else None


class ReportUploadForm(FlaskForm):
    pasted = TextAreaField(_l("Rapports collés"), validators=[Optional()])
    files = MultipleFileField(_l("Fichiers de rapport"))


class ReportConfirmForm(DeviceFieldsMixin, FlaskForm):
    cpu = StringField(_l("Processeur"), validators=[Optional(), Length(max=200)])
    ram_mib = IntegerField(_l("Mémoire (Mio)"), validators=[Optional(), NumberRange(0, 1 << 24)])
    ram_slots_used = IntegerField(_l("Barrettes installées"),
                                  validators=[Optional(), NumberRange(0, 256)])
    chassis = StringField(_l("Châssis"), validators=[Optional(), Length(max=60)])
    report = HiddenField()


class CsvUploadForm(FlaskForm):
    file = FileField(_l("Fichier (CSV, Excel ou LibreOffice)"), render_kw={"accept": ACCEPT})


class CollectionForm(FlaskForm):
    donor_id = SelectField(_l("Organisation donatrice"), coerce=int, choices=[],
                           validators=[DataRequired()])
    pickup_site = StringField(_l("Lieu d’enlèvement"), validators=[Optional(), Length(max=300)])
    pickup_contact = StringField(_l("Contact sur place"),
                                 validators=[Optional(), Length(max=200)])
    planned_on = DateField(_l("Date prévue"), validators=[Optional()])
    transport_notes = TextAreaField(_l("Notes de transport"),
                                    validators=[Optional(), Length(max=5000)])
    measured_weight_kg = StringField(
        _l("Poids total mesuré (kg)"),
        validators=[Optional(), Length(max=20), french_weight(MAX_MEASURED_WEIGHT_KG)],
        render_kw={"inputmode": "decimal"},
    )

    def measured_weight(self):
        return getattr(self.measured_weight_kg, "parsed", None)


class NewDonorForm(FlaskForm):
    """The donor typed in on the collection form (prefix "new_donor"): the collection form's
    own token covers it. Admins complete and correct the organisation later."""

    class Meta:
        csrf = False

    name = StringField(_l("Nom de l’organisation"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=30), siret_check],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=120)])
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=120)])
    contact_phone = StringField(_l("Téléphone du contact"), validators=[Optional(), Length(max=40)])

    def values(self) -> dict[str, str]:
        return {name: (getattr(self, name).data or "") for name in (
            "name", "siret", "address", "postal_code", "city", "contact_name", "contact_phone")}


class CsrfForm(FlaskForm):
    """No fields: a button that posts (issue the receipt)."""


class StateForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
