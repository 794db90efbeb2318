"""Shapes of the portal forms. The value is text (French decimals), read by the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class GiftValueForm(FlaskForm):
    amount = StringField(_l("Valeur du don au prix de revient (€)"),
                         validators=[Length(max=30)],
                         render_kw={"inputmode": "decimal", "autocomplete": "off",
                                    "placeholder": "1 234,50"})
