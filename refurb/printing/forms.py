from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

# Every print form posts its fields as "label-…", so the panel on a device or collection page
# and the full print page read the same names without clashing with other forms of the page.
PREFIX = "label"

FORMAT_LABELS = {
    "pdf": _l("PDF à imprimer"),
    "png": _l("Image PNG"),
    "zpl": _l("ZPL (rouleau Zebra uniquement)"),
}


class WholeNumberField(IntegerField):
    """IntegerField whose refusal of "abc" is French like the rest of the form."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = int(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Saisissez un nombre entier.")) from None


class LabelPrintForm(FlaskForm):
    # Choices come from the label stocks; unknown values are refused by the service with a
    # message naming the stock, so WTForms' own (English) choice check is off.
    stock = SelectField(_l("Support d'étiquettes"), validate_choice=False,
                        validators=[InputRequired(_l("Choisissez un support d'étiquettes."))])
    start = WholeNumberField(
        _l("Première place libre"),
        default=1,
        validators=[InputRequired(_l("Indiquez la première place libre (1 pour une planche "
                                     "neuve ou un rouleau).")),
                    NumberRange(min=1, message=_l("La première place libre est au moins 1."))],
    )
    copies = WholeNumberField(
        _l("Exemplaires de chaque étiquette"),
        default=1,
        validators=[InputRequired(_l("Indiquez le nombre d'exemplaires.")),
                    NumberRange(min=1, message=_l("Il faut au moins un exemplaire."))],
    )
    format = SelectField(_l("Format"), default="pdf", validate_choice=False,
                         validators=[InputRequired(_l("Choisissez un format."))])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)


class DriveLabelForm(LabelPrintForm):
    tags = TextAreaField(
        _l("Numéros d'inventaire des disques"),
        validators=[InputRequired(_l("Scannez ou saisissez au moins un numéro d'inventaire.")),
                    Length(max=20000)],
    )


class BenchLabelForm(LabelPrintForm):
    """The bench and the tray print each label once: no copies field to get wrong."""

    copies = WholeNumberField(default=1, widget=HiddenInput())
