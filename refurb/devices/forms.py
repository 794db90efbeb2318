from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TransitionForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Motif"), validators=[Optional(), Length(max=2000)])


class NoteForm(FlaskForm):
    note = StringField(_l("Note"), validators=[DataRequired(), Length(max=2000)])
