from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class TransferForm(FlaskForm):
    to_workshop = SelectField(_l("Atelier destinataire"), coerce=int,
                              validators=[DataRequired()])
    tags = TextAreaField(_l("Étiquettes des appareils (une par ligne, ou scannées)"),
                         validators=[DataRequired(), Length(max=20000)])
    note = TextAreaField(_l("Remarque"), validators=[Length(max=2000)])


class ReceptionForm(FlaskForm):
    """Per device: `refuse-<item id>` checked and `reason-<item id>` (read by the view)."""
