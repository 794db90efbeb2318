from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from refurb.clock import from_local
from refurb.core.sanitization import (
    LABELS_FR,
    MediaKind,
    Outcome,
    Result,
    Technique,
    Verification,
)
from refurb.wiping.claims import WipeInput
from refurb.wiping.drives import NewDrive


def _choices(enum, blank: str | None = None):
    items = [(member.value, LABELS_FR[member]) for member in enum]
    return ([("", blank)] if blank is not None else []) + items


def posted(form, field) -> None:
    """The field must be in the request: a missing key must not fall back to its default
    (an empty POST would otherwise record a passing overwrite)."""
    if not field.raw_data:
        raise StopValidation("Champ manquant.")


KIND_CHOICES = _choices(MediaKind)
OUTCOME_CHOICES = _choices(Outcome, blank="— (vérification seule)")
TECHNIQUE_CHOICES = _choices(Technique)
VERIFICATION_CHOICES = _choices(Verification)
RESULT_CHOICES = _choices(Result)
VERIFIED_CHOICES = [("", "Non renseigné"), ("yes", "Réussie"), ("no", "Échouée")]


class DriveForm(FlaskForm):
    model = StringField(_l("Fabricant et modèle"), validators=[Optional(), Length(max=120)])
    serial = StringField(_l("N° de série"), validators=[Optional(), Length(max=120)])
    capacity_gb = DecimalField(
        _l("Capacité (Go)"), places=None, validators=[Optional(), NumberRange(min=0.001, max=10**6)]
    )
    kind = SelectField(_l("Type de support"), choices=KIND_CHOICES, default="hdd")

    def to_new_drive(self) -> NewDrive:
        gb = self.capacity_gb.data
        return NewDrive(model=self.model.data or "", serial=self.serial.data or None,
                        capacity_bytes=int(gb * 10**9) if gb else None, kind=self.kind.data)


class RemoveDriveForm(FlaskForm):
    destination = StringField(
        _l("Destination (stock, pièce détachée, destruction…)"),
        validators=[Optional(), Length(max=200)],
    )


class MethodFields:
    """What was done: shared by the manual record form and the wiping station."""

    technique = SelectField(_l("Technique"), choices=TECHNIQUE_CHOICES, default="overwrite",
                            validators=[InputRequired()])
    outcome = SelectField(_l("Niveau NIST revendiqué"), choices=OUTCOME_CHOICES, default="clear",
                          validators=[posted])
    pattern = StringField(_l("Motif (ex. 0x00, aléatoire)"), validators=[Optional(),
                                                                        Length(max=120)])
    passes = IntegerField(_l("Nombre de passes"), validators=[Optional(), NumberRange(0, 100)])
    tool = StringField(_l("Outil"), validators=[Optional(), Length(max=80)], default="nwipe")
    tool_version = StringField(_l("Version de l’outil"), validators=[Optional(), Length(max=40)])
    verification = SelectField(_l("Vérification"), choices=VERIFICATION_CHOICES,
                               default="last_pass", validators=[InputRequired()])
    verification_passed = SelectField(_l("Résultat de la vérification"),
                                      choices=VERIFIED_CHOICES, default="yes", validators=[posted])
    METHOD_KEYS = ("technique", "outcome", "pattern", "passes", "tool", "tool_version",
                   "verification", "verification_passed", "result")

    def to_input(self) -> WipeInput:
        optional = {name: getattr(self, name).data for name in (
            "started_at", "finished_at", "pass_errors", "verify_errors", "fsync_errors", "notes")
            if hasattr(self, name)}
        for name in ("pass_errors", "verify_errors", "fsync_errors"):
            if name in optional:
                optional[name] = optional[name] or 0
        for name in ("started_at", "finished_at"):  # typed in local time, stored in UTC
            if optional.get(name):
                optional[name] = from_local(optional[name])
        return WipeInput(
            technique=self.technique.data,
            outcome=self.outcome.data or None,
            verification=self.verification.data,
            verification_passed={"yes": True, "no": False}.get(self.verification_passed.data),
            result=self.result.data,
            pattern=self.pattern.data or "",
            passes=self.passes.data,
            tool=self.tool.data or "",
            tool_version=self.tool_version.data or "",
            notes=optional.pop("notes", "") or "",
            **optional,
        )

    def method_args(self) -> dict[str, str]:
        """The chosen method as query arguments: the no-script station keeps it across scans."""
        return {k: getattr(self, k).data for k in self.METHOD_KEYS
                if getattr(self, k).data not in (None, "")}


class WipeRecordForm(MethodFields, FlaskForm):
    result = SelectField(_l("Résultat"), choices=RESULT_CHOICES, default="passed",
                         validators=[InputRequired()])
    started_at = DateTimeLocalField(_l("Début"), validators=[Optional()])
    finished_at = DateTimeLocalField(_l("Fin"), validators=[Optional()])
    pass_errors = IntegerField(_l("Erreurs d’écriture"), default=0,
                               validators=[Optional(), NumberRange(0, 10**9)])
    verify_errors = IntegerField(_l("Erreurs de vérification"), default=0,
                                 validators=[Optional(), NumberRange(0, 10**9)])
    fsync_errors = IntegerField(_l("Erreurs de synchronisation"), default=0,
                                validators=[Optional(), NumberRange(0, 10**9)])
    notes = TextAreaField(_l("Remarques"), validators=[Optional(), Length(max=2000)])


class StationForm(MethodFields, FlaskForm):
    result = SelectField(_l("Résultat"), choices=RESULT_CHOICES, default="passed",
                         validators=[InputRequired()])
    tag = StringField(_l("Numéro d’inventaire (appareil ou support)"),
                      validators=[DataRequired(), Length(max=64)])


class ValidateForm(FlaskForm):
    note = StringField(_l("Remarque"), validators=[Optional(), Length(max=500)])


class EmptyForm(FlaskForm):
    """A button that changes something: CSRF only."""


class UploadLogsForm(FlaskForm):
    files = MultipleFileField(_l("Journaux nwipe / ShredOS"))


class AttachForm(FlaskForm):
    tag = StringField(_l("Numéro d’inventaire (appareil ou support retiré)"),
                      validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Type de support (s’il faut le créer)"), choices=KIND_CHOICES)
    override_reason = TextAreaField(
        _l("Forcer malgré les écarts (administrateur) : pourquoi ce journal concerne bien ce "
           "support"), validators=[Optional(), Length(max=1000)])
