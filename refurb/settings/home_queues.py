"""Home page queue of settings: what the workshop identity lacks for its documents."""

from __future__ import annotations

from flask import url_for

from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.settings import workshop


def _preview(reader) -> list[Message]:
    return [Message(gap.label) for gap in workshop.all_gaps()]


IDENTITY_GAPS = HomeQueue(
    "identity_gaps", N_("réglages manquants pour émettre les documents"),
    count=lambda reader: len(workshop.all_gaps()),
    link=lambda reader: url_for("settings.workshop_identity"), preview=_preview,
    hint=N_("Bons, certificats, conventions et reçus ne peuvent pas être émis sans eux."),
    order=30)
