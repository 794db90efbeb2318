from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from refurb.form_fields import siret_check

# Shape only, as for staff accounts: internal addresses must pass.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Adresse e-mail invalide."))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nom de l’organisation"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(
        _l("SIRET"), validators=[Optional(), Length(max=30), siret_check],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    legal_form = StringField(_l("Forme juridique"), validators=[Optional(), Length(max=80)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=120)])
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("E-mail du contact"),
                               validators=[Optional(), Length(max=254), EMAIL])
    contact_phone = StringField(_l("Téléphone du contact"), validators=[Optional(), Length(max=40)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class DonorUserForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Length(max=254), EMAIL])
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Mot de passe initial"),
                             validators=[DataRequired(), Length(min=10, max=200)])
