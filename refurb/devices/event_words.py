"""French words for the device history: event kinds, detail keys and values. Devices' own
words are here; every domain adds its words in its block of refurb.wiring."""

from __future__ import annotations

from refurb.core.i18n import N_
from refurb.extension_points import event_words

KINDS: dict[str, str] = {"note": N_("Note")}
DETAILS: dict[str, str] = {
    "collection": N_("Collecte"),
    "legal_status": N_("Statut à la réception"),
}
VALUES: dict[str, str] = {"reuse": N_("Réemploi"), "waste": N_("Déchet (DEEE)")}
# Transitional aliases: the words live in extension_points.event_words.
EVENT_KIND_LABELS = event_words.kinds
EVENT_DETAIL_LABELS = event_words.details
DETAIL_VALUE_LABELS = event_words.values


def register_event_words(kinds: dict[str, str] | None = None,
                         details: dict[str, str] | None = None,
                         values: dict[str, str] | None = None) -> None:
    """Transitional: domains now add their words in refurb.wiring."""
    event_words.add(kinds, details, values)


def event_kind_label(kind: str) -> str:
    return EVENT_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def detail_label(key: str) -> str:
    return EVENT_DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())


def detail_value(value: object) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return ", ".join(detail_value(v) for v in value)
    return DETAIL_VALUE_LABELS.get(str(value), str(value))


