"""Form fields shared by every domain: numbers typed the French way, checkbox lists, the SIRET
check."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from refurb.core.siret import InvalidIdentifier, validate_siret
from refurb.web import translate_error

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class FrenchDecimalField(Field):
    """A number typed the French way ("1 234,50", "575 €"); empty gives None.

    Subclasses set the unit suffixes they accept, the accepted range and the messages.
    """

    widget = TextInput()
    units: tuple[str, ...] = ("€",)
    invalid_message = _l("Nombre invalide : saisissez par exemple 575,50.")
    range_message = invalid_message
    minimum: Decimal | None = None  # exclusive
    maximum: Decimal = Decimal(10) ** 10  # exclusive, on the absolute value
    display_places: Decimal | None = None  # e.g. Decimal("0.01") for amounts

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        number = Decimal(self.data)
        number = number.quantize(self.display_places) if self.display_places else number
        return format(number, "f").replace(".", ",")

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = _SPACES.sub("", (valuelist[0] if valuelist else "") or "").lower()
        for unit in self.units:
            text = text.removesuffix(unit)
        if not text:
            return
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(self.invalid_message) from None
        if not number.is_finite():
            raise ValueError(self.invalid_message)
        too_small = self.minimum is not None and number <= self.minimum
        if too_small or abs(number) >= self.maximum:
            raise ValueError(self.range_message)
        self.data = number


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def siret_check(form, field) -> None:
    """The core's sentence in the reader's language, shown under the field (14 digits, Luhn)."""
    if field.data and field.data.strip():
        try:
            validate_siret(field.data)
        except InvalidIdentifier as error:
            raise ValidationError(translate_error(error)[0]) from None
