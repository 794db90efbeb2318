"""The period filter of the report pages: a year, or from/to dates (GET, no CSRF token)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from refurb.core.funding import KIND_LABELS
from refurb.form_fields import FrenchDecimalField


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("Année"), validators=[Optional(), NumberRange(2000, 2100)])
    start = DateField(_l("Du"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])
    end = DateField(_l("Au"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])


class AnnualForm(FlaskForm):
    year = IntegerField(_l("Année"), validators=[NumberRange(2000, 2100)])


class AmountField(FrenchDecimalField):
    display_places = Decimal("0.01")
    invalid_message = _l("Montant invalide : saisissez par exemple 1 234,50.")
    range_message = invalid_message


class FundingLineForm(FlaskForm):
    year = IntegerField(_l("Année"), validators=[
        InputRequired(_l("Année requise.")), NumberRange(2000, 2100)])
    programme = StringField(_l("Programme"), validators=[
        InputRequired(_l("Indiquez le programme (par exemple Besançon-Clic).")), Length(max=120)])
    label = StringField(_l("Libellé"), validators=[
        InputRequired(_l("Indiquez le libellé de la ligne.")), Length(max=200)])
    kind = SelectField(_l("Nature"), choices=[(k, _l(v)) for k, v in KIND_LABELS.items()],
                       default="cost")
    amount = AmountField(_l("Montant (€)"))
    source = StringField(_l("Source (financeur, poste comptable)"),
                         validators=[Optional(), Length(max=120)])


class ConfirmForm(FlaskForm):
    """A button with its CSRF token."""
