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


def event_kind_label(kind: str) -> str:
    return event_words.kinds.get(kind, kind.replace("_", " ").capitalize())


def detail_label(key: str) -> str:
    return event_words.details.get(key, key.replace("_", " ").capitalize())


def detail_value(value: object) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return ", ".join(detail_value(v) for v in value)
    return event_words.values.get(str(value), str(value))


