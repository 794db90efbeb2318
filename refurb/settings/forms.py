"""The workshop identity form: shape of input only (refurb.core.workshop_identity checks it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from refurb.core.weee import ECO_ORGANISMS, OPERATION_CODES, OPERATION_MODE_LABELS
from refurb.core.workshop_identity import KEYS, LABELS, WorkshopIdentity


def _text(key: str, **kwargs) -> StringField:
    return StringField(_l(LABELS[key]), validators=[Optional(), Length(max=200)], **kwargs)


class WorkshopIdentityForm(FlaskForm):
    name = _text("name")
    legal_form = _text("legal_form")
    address = _text("address")
    postal_code = _text("postal_code")
    city = _text("city")
    siret = _text("siret")
    email = _text("email")
    phone = _text("phone")
    signatory_name = _text("signatory_name")
    signatory_title = _text("signatory_title")
    eco_organism_name = _text("eco_organism_name")
    eco_organism_siret = _text("eco_organism_siret")
    treatment_operation_code = SelectField(
        _l(LABELS["treatment_operation_code"]),
        choices=[("", "—")] + [(code, f"{code} — {label}")
                               for code, (label, _modes) in OPERATION_CODES.items()])
    treatment_operation_mode = SelectField(
        _l(LABELS["treatment_operation_mode"]),
        choices=[("", "—")] + [(m.value, label) for m, label in OPERATION_MODE_LABELS.items()])
    logo = FileField(_l("Logo (PNG ou JPEG)"))
    remove_logo = BooleanField(_l("Retirer le logo actuel"))

    eco_hint = " ; ".join(f"{name} — SIRET {siret}" for siret, name in ECO_ORGANISMS.items())

    def fill(self, identity: WorkshopIdentity) -> None:
        for key in KEYS:
            getattr(self, key).data = getattr(identity, key)

    def values(self) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key in KEYS}

    def logo_bytes(self) -> bytes | None:
        upload = self.logo.data
        return upload.read() if getattr(upload, "filename", "") else None

    def show_refusal(self, error, translate) -> None:
        for key, message in getattr(error, "errors", {}).items():
            getattr(self, key).errors = [translate(message)]
