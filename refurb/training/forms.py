"""Training forms: the shape of input only; the services check the rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from refurb.core import pix
from refurb.core.training import (
    HALF_DAY_LABELS,
    MAX_SERIES,
    PRESENCE_LABELS,
    WEEKDAYS,
    HalfDay,
    Presence,
)
from refurb.form_fields import FrenchDecimalField, MultiCheckboxField


class HoursField(FrenchDecimalField):
    """A duration in hours typed the French way ("2", "1,5", "1,5 h"); empty gives None."""

    units = ("h",)
    invalid_message = _l("Durée invalide : saisissez par exemple 2 ou 1,5.")
    range_message = _l("Durée invalide : entre 0 et 12 heures.")
    minimum = Decimal(0)
    maximum = Decimal("12.000001")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(Decimal(self.data).normalize(), "f").replace(".", ",")


def _optional_int(value) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def pix_choices():
    return [(c.code, f"{c.code} {c.name}") for c in pix.COMPETENCES]


class ProgrammeForm(FlaskForm):
    title = StringField(_l("Intitulé"), validators=[
        InputRequired(message=_l("Intitulé requis.")), Length(max=200)])
    description = TextAreaField(_l("Description et objectifs"),
                                validators=[Optional(), Length(max=5000)])
    planned_sessions = IntegerField(_l("Nombre de séances prévues"), default=5, validators=[
        InputRequired(message=_l("Nombre requis.")), NumberRange(min=1, max=100)])
    hours_per_session = HoursField(_l("Durée d’une séance (heures)"), default=Decimal(2),
                                   validators=[InputRequired(message=_l("Durée requise."))])
    competences = MultiCheckboxField(_l("Compétences Pix visées"), choices=pix_choices())
    active = BooleanField(_l("Formation proposée (inscriptions ouvertes)"), default=True)


class SessionForm(FlaskForm):
    programme_id = SelectField(_l("Formation"), coerce=_optional_int, validators=[
        InputRequired(message=_l("Formation requise."))])
    group_name = StringField(_l("Groupe"), validators=[Optional(), Length(max=80)])
    session_date = DateField(_l("Date"), validators=[InputRequired(message=_l("Date requise."))])
    start_time = TimeField(_l("Début"), validators=[InputRequired(message=_l("Heure requise."))])
    end_time = TimeField(_l("Fin"), validators=[InputRequired(message=_l("Heure requise."))])
    break_minutes = IntegerField(_l("Pause (minutes)"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=240)])
    place = StringField(_l("Lieu"), validators=[Optional(), Length(max=200)])
    trainer_id = SelectField(_l("Formateur ou formatrice (équipe)"), coerce=_optional_int,
                             validate_choice=True)
    trainer_name = StringField(_l("ou nom d’un intervenant extérieur"),
                               validators=[Optional(), Length(max=120)])
    topics = TextAreaField(_l("Séance / modules abordés"),
                           validators=[Optional(), Length(max=5000)])
    competences = MultiCheckboxField(_l("Compétences Pix travaillées"), choices=pix_choices())

    def set_choices(self, programmes: Sequence, trainers: Sequence) -> SessionForm:
        self.programme_id.choices = [("", _l("— choisir —"))] + [(p.id, p.title) for p in programmes]
        self.trainer_id.choices = [("", _l("— intervenant extérieur —"))] + [
            (u.id, u.display_name) for u in trainers]
        return self


class EnrolForm(FlaskForm):
    programme_id = SelectField(_l("Formation"), coerce=_optional_int, validators=[
        InputRequired(message=_l("Formation requise."))])
    pseudonym = StringField(_l("Numéro de dossier"), validators=[
        InputRequired(message=_l("Numéro de dossier requis.")), Length(max=16)])
    group_name = StringField(_l("Groupe"), validators=[Optional(), Length(max=80)])

    def set_choices(self, programmes: Sequence) -> EnrolForm:
        self.programme_id.choices = [("", _l("— choisir —"))] + [(p.id, p.title) for p in programmes]
        return self


class DateListField(TextAreaField):
    """Dates typed one after the other ("25/12/2026, 01/01/2027" or ISO); empty: none."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(f"{d:%d/%m/%Y}" for d in sorted(self.data or ()))

    def process_formdata(self, valuelist) -> None:
        self.data = frozenset()
        found = set()
        for token in re.split(r"[\s,;]+", (valuelist[0] if valuelist else "") or ""):
            if not token:
                continue
            for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
                try:
                    found.add(datetime.strptime(token, pattern).date())
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(_l("Date à sauter invalide : « %(text)s » (jj/mm/aaaa).",
                                    text=token))
        self.data = frozenset(found)


def weekday_choices():
    return [(str(n), _l(name)) for n, name in enumerate(WEEKDAYS)]


class SeriesForm(FlaskForm):
    """One form for a programme's N sessions: one a week, same time, place and trainer."""

    first_date = DateField(_l("Date de la première séance"),
                           validators=[InputRequired(message=_l("Date requise."))])
    weekday = SelectField(_l("Jour de la semaine"), choices=weekday_choices(),
                          validators=[InputRequired(message=_l("Jour requis."))])
    start_time = TimeField(_l("Début"), validators=[InputRequired(message=_l("Heure requise."))])
    hours = HoursField(_l("Durée d’une séance (heures)"),
                       validators=[InputRequired(message=_l("Durée requise."))])
    count = IntegerField(_l("Nombre de séances"), validators=[
        InputRequired(message=_l("Nombre requis.")), NumberRange(min=1, max=MAX_SERIES)])
    skip = DateListField(_l("Dates à sauter (jours fériés, vacances…)"),
                         validators=[Optional()])
    place = StringField(_l("Lieu"), validators=[Optional(), Length(max=200)])
    trainer_id = SelectField(_l("Formateur ou formatrice (équipe)"), coerce=_optional_int,
                             validate_choice=True)
    trainer_name = StringField(_l("ou nom d’un intervenant extérieur"),
                               validators=[Optional(), Length(max=120)])
    group_name = StringField(_l("Groupe"), validators=[Optional(), Length(max=80)])

    def set_choices(self, trainers: Sequence) -> SeriesForm:
        self.trainer_id.choices = [("", _l("— intervenant extérieur —"))] + [
            (u.id, u.display_name) for u in trainers]
        return self


class MoveForm(FlaskForm):
    session_date = DateField(_l("Nouvelle date"),
                             validators=[InputRequired(message=_l("Date requise."))])
    start_time = TimeField(_l("Début"), validators=[InputRequired(message=_l("Heure requise."))])
    end_time = TimeField(_l("Fin"), validators=[InputRequired(message=_l("Heure requise."))])


class EnrolManyForm(FlaskForm):
    beneficiary_ids = MultiCheckboxField(_l("Bénéficiaires"), coerce=int, validators=[
        InputRequired(message=_l("Cochez au moins un bénéficiaire à inscrire."))])
    group_name = StringField(_l("Groupe"), validators=[Optional(), Length(max=80)])
    enrolled_on = DateField(_l("Inscrits le (vide : aujourd’hui)"), validators=[Optional()])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


PRESENCE_CHOICES = [("", "—")] + [(p.value, _l(PRESENCE_LABELS[p])) for p in Presence]
LEVEL_CHOICES = [("", "—")] + [(str(n), str(n)) for n in pix.LEVELS]


def level_field_name(code: str) -> str:
    return "level_" + code.replace(".", "_")


def attendance_form(half_days: Sequence[HalfDay], codes: Sequence[str], **kwargs) -> FlaskForm:
    """One row per participant: a presence per half-day the session covers, a level per Pix
    competence it works (blank: not validated)."""

    class Row(Form):
        beneficiary_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    for day in half_days:
        setattr(Row, day.value, SelectField(_l(HALF_DAY_LABELS[day]), choices=PRESENCE_CHOICES,
                                            default=""))
    for code in codes:
        setattr(Row, level_field_name(code), SelectField(code, choices=LEVEL_CHOICES, default=""))

    class AttendanceForm(FlaskForm):
        rows = FieldList(FormField(Row))

    return AttendanceForm(**kwargs)
