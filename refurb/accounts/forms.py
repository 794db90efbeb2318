from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from refurb.accounts.models import ROLE_LABELS

# A shape check only: workshops use internal and .local addresses that strict validators refuse.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Adresse e-mail invalide."))


def role_choices():
    return [(role.value, _l(label)) for role, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired()])
    new = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField(
        _l("Confirmer le nouveau mot de passe"),
        validators=[DataRequired(), EqualTo("new", message=_l("Les deux saisies diffèrent."))],
    )


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), EMAIL])
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=role_choices, validators=[DataRequired()])
    donor_organisation_id = SelectField(_l("Organisation donatrice"), coerce=int, choices=[])
    password = PasswordField(_l("Mot de passe initial"), validators=[DataRequired(), Length(min=10)])


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=role_choices, validators=[DataRequired()])
    donor_organisation_id = SelectField(_l("Organisation donatrice"), coerce=int, choices=[])
    active = BooleanField(_l("Compte actif"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Langue"), choices=[("fr", "Français"), ("en", "English")])
