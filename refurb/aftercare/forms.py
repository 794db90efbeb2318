from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from refurb.aftercare.support import SOURCE_LABELS
from refurb.core.aftercare import CALL_OUTCOME_LABELS, DECISION_LABELS


class OpenRequestForm(FlaskForm):
    device_id = RadioField(_l("Machine concernée"), coerce=int,
                           validators=[DataRequired(_l("Choisissez la machine."))])
    source = SelectField(_l("Origine"),
                         choices=[(k, _l(v)) for k, v in SOURCE_LABELS.items()])
    problem = TextAreaField(_l("Problème signalé"),
                            validators=[DataRequired(_l("Décrivez le problème signalé.")),
                                        Length(max=2000)])


class DecideForm(FlaskForm):
    decision = SelectField(_l("Décision"),
                           choices=[(k, _l(v)) for k, v in DECISION_LABELS.items()])
    reason = TextAreaField(_l("Motif (devis, cause du refus…)"),
                           validators=[Optional(), Length(max=2000)])
    replacement_tag = StringField(_l("Machine remise en échange (numéro d'inventaire)"),
                                  validators=[Optional(), Length(max=40)])


class CallForm(FlaskForm):
    outcome = SelectField(_l("Issue de l'appel"),
                          choices=[(k, _l(v)) for k, v in CALL_OUTCOME_LABELS.items()])
    notes = TextAreaField(_l("Notes (usage, difficultés, besoin de formation…)"),
                          validators=[Optional(), Length(max=2000)])
