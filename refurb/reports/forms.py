"""The period filter of the report pages: a year, or from/to dates (GET, no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.validators import NumberRange, Optional


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("Année"), validators=[Optional(), NumberRange(2000, 2100)])
    start = DateField(_l("Du"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])
    end = DateField(_l("Au"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"])


class AnnualForm(FlaskForm):
    year = IntegerField(_l("Année"), validators=[NumberRange(2000, 2100)])
