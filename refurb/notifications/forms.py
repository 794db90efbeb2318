from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from refurb.core.notifications import CHANNEL_LABELS


class ContactPreferencesForm(FlaskForm):
    channel = SelectField(_l("Rappels et avis"),
                          choices=[(key, _l(label)) for key, label in CHANNEL_LABELS.items()])
    language = SelectField(_l("Langue des messages"),
                           choices=[("fr", _l("Français")), ("en", _l("Anglais"))])
    consent = BooleanField(_l("La personne accepte de recevoir ces messages"))
