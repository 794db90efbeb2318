from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from refurb.documents.verification import is_hash


def _hash(form, field) -> None:
    if field.data and not is_hash(field.data):
        raise ValidationError(_l("Une empreinte SHA-256 compte 64 caractères (chiffres et "
                                 "lettres a à f)."))


class VerifyForm(FlaskForm):
    document = FileField(_l("Le fichier PDF du document"))
    sha256 = StringField(
        _l("ou l’empreinte SHA-256 : celle du fichier, ou celle imprimée sur le document"),
        validators=[Optional(), Length(max=200), _hash])

    def upload(self) -> bytes | None:
        upload = self.document.data
        return upload.read() if getattr(upload, "filename", "") else None
