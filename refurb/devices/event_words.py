"""French words for the device history: event kinds, detail keys and values. Domains add
theirs with register_event_words() from their services module."""

from __future__ import annotations

from refurb.extension_points import event_words

KINDS: dict[str, str] = {"note": "Note", "label_printed": "Étiquette imprimée"}
DETAILS: dict[str, str] = {
    "collection": "Collecte",
    "legal_status": "Statut à la réception",
    "stock": "Support d’étiquette",
    "copies": "Exemplaires",
    "format": "Format",
    "start": "Première position",
}
VALUES: dict[str, str] = {"reuse": "Réemploi", "waste": "Déchet (DEEE)"}
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


