"""French words for the device history: event kinds, detail keys and values. Domains add
theirs with register_event_words() from their services module."""

from __future__ import annotations

EVENT_KIND_LABELS: dict[str, str] = {"note": "Note", "label_printed": "Étiquette imprimée"}
EVENT_DETAIL_LABELS: dict[str, str] = {
    "collection": "Collecte",
    "legal_status": "Statut à la réception",
    "stock": "Support d’étiquette",
    "copies": "Exemplaires",
    "format": "Format",
    "start": "Première position",
}
DETAIL_VALUE_LABELS: dict[str, str] = {"reuse": "Réemploi", "waste": "Déchet (DEEE)"}


def register_event_words(kinds: dict[str, str] | None = None,
                         details: dict[str, str] | None = None,
                         values: dict[str, str] | None = None) -> None:
    EVENT_KIND_LABELS.update(kinds or {})
    EVENT_DETAIL_LABELS.update(details or {})
    DETAIL_VALUE_LABELS.update(values or {})


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


