"""The workshop's identity, as admins set it on their own page (Réglages → Identité de
l'atelier): stored in the settings table (keys "workshop.*") so every worker reads the same,
checked on save by refurb.core.workshop_identity, and asked of before a document is issued.

Until an admin saves it, the start-up configuration fills in what it has, so an installation
configured the old way keeps its letterhead; messages never name a configuration key.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from datetime import datetime

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.workshop_identity import (
    DOCUMENT_NAMES,
    KEYS,
    LABELS,
    REQUIRED,
    Gap,
    WorkshopIdentity,
    clean,
    gaps,
)
from refurb.extensions import db
from refurb.settings import store
from refurb.workshops.context import current_workshop_id, default_workshop_id
from refurb.workshops.models import Workshop

PREFIX = "workshop."
LOGO_KEY = "workshop.logo"
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 2000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_LABEL = N_("Logo")


@dataclass(frozen=True)
class Logo:
    media_type: str
    data: bytes


class IdentityIncomplete(InvalidInput):
    """A document needs fields of the workshop's identity that nobody filled in."""

    def __init__(self, purpose: str, missing: list[Gap]) -> None:
        self.purpose, self.missing = purpose, missing
        super().__init__(
            N_("Identité de l'atelier incomplète pour %(document)s : un administrateur la "
               "complète dans Réglages → Identité de l'atelier."),
            reasons=[Message(N_("À renseigner : %(field)s"), {"field": Message(gap.label)})
                     for gap in missing],
            document=Message(DOCUMENT_NAMES[purpose]))


def _stored() -> dict[str, object]:
    return store.stored(PREFIX)


def _from_config() -> WorkshopIdentity:
    from flask import current_app, has_app_context

    workshop_id = current_workshop_id()
    if workshop_id is not None and workshop_id != default_workshop_id():
        # The start-up configuration is the first workshop's; another starts from its name.
        workshop = db.session.get(Workshop, workshop_id)
        return WorkshopIdentity(**{key: "" for key in KEYS}
                                | {"name": workshop.name if workshop else ""})
    config = current_app.config if has_app_context() else {}
    address, postal_code, city = _split_address(str(config.get("WORKSHOP_ADDRESS") or ""))
    contact = str(config.get("WORKSHOP_CONTACT") or "")
    return WorkshopIdentity(
        name=str(config.get("WORKSHOP_NAME") or ""), address=address,
        postal_code=postal_code, city=city, siret=str(config.get("WORKSHOP_SIRET") or ""),
        email=contact if "@" in contact else "", phone="" if "@" in contact else contact)


def _split_address(text: str) -> tuple[str, str, str]:
    """"2 rue de la Mairie, 59970 Fresnes" → ("2 rue de la Mairie", "59970", "Fresnes")."""
    match = re.match(r"^(.*?),?\s*(\d{5})\s+(.+)$", text.strip())
    return (match[1].strip(" ,"), match[2], match[3].strip()) if match else (text.strip(), "", "")


def current() -> WorkshopIdentity:
    """The identity documents print: what admins saved, else the start-up configuration."""
    stored = _stored()
    fallback = _from_config()
    if not any(key.removeprefix(PREFIX) in KEYS for key in stored):
        return fallback
    return WorkshopIdentity(**{key: str(stored.get(PREFIX + key) or "") for key in KEYS})


def letterhead_fields() -> dict[str, str]:
    """name, address, siret, contact: what a document's header prints (plain values)."""
    identity = current()
    return {"name": identity.name, "address": identity.full_address, "siret": identity.siret,
            "contact": identity.contact}


def is_saved() -> bool:
    """Whether an admin (or the demo) saved the identity, rather than the configuration."""
    return any(key.removeprefix(PREFIX) in KEYS for key in _stored())


def logo() -> Logo | None:
    value = store.stored(LOGO_KEY).get(LOGO_KEY)
    if not value:
        return None
    return Logo(value["media_type"], base64.b64decode(value["data"]))


def missing_for(purpose: str) -> list[Gap]:
    return gaps(current(), purpose)


def all_gaps() -> list[Gap]:
    """What some document still needs, each field once, in the order of the documents."""
    identity = current()
    found: dict[str, Gap] = {}
    for purpose in REQUIRED:
        for gap in gaps(identity, purpose):
            found.setdefault(gap.key, gap)
    return list(found.values())


def require(purpose: str) -> WorkshopIdentity:
    """The identity, or IdentityIncomplete naming every field `purpose` still needs."""
    identity = current()
    missing = gaps(identity, purpose)
    if missing:
        raise IdentityIncomplete(purpose, missing)
    return identity


# ------------------------------------------------------------------------------- saving


class IdentityRefused(InvalidInput):
    """Saving refused: `errors` says what is wrong, field by field (shown next to each)."""

    def __init__(self, errors: dict[str, Message]) -> None:
        self.errors = errors
        super().__init__(N_("Identité de l'atelier non enregistrée : corrigez les champs "
                            "signalés."),
                         reasons=[Message(N_("%(field)s : %(error)s"),
                                          {"field": Message(LABELS.get(key, LOGO_LABEL)),
                                           "error": error})
                                  for key, error in errors.items()])


def save(values: dict[str, str], *, logo_upload: bytes | None = None, remove_logo: bool = False,
         actor_id: int | None, now: datetime) -> WorkshopIdentity:
    """Check every field, then store them all (or none)."""
    identity, errors = clean(values)
    new_logo = None
    if logo_upload:
        try:
            new_logo = check_logo(logo_upload)
        except InvalidInput as error:
            errors["logo"] = error.msg
    if errors:
        raise IdentityRefused(errors)
    for key in KEYS:
        _put(PREFIX + key, getattr(identity, key), actor_id=actor_id, now=now)
    if new_logo is not None:
        _put(LOGO_KEY, {"media_type": new_logo.media_type,
                        "data": base64.b64encode(new_logo.data).decode("ascii")},
             actor_id=actor_id, now=now)
    elif remove_logo:
        _put(LOGO_KEY, None, actor_id=actor_id, now=now)
    db.session.flush()
    return identity


def _put(key: str, value, *, actor_id: int | None, now: datetime) -> None:
    store.put(key, value, actor_id=actor_id, now=now)


def check_logo(data: bytes) -> Logo:
    """A PNG or JPEG image of reasonable size, or a refusal saying what is wrong."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(N_("Logo trop lourd : %(max)s Ko au plus."),
                           max=MAX_LOGO_BYTES // 1024)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InvalidInput(N_("Le logo doit être une image PNG ou JPEG.")) from None
    if kind not in LOGO_TYPES:
        raise InvalidInput(N_("Le logo doit être une image PNG ou JPEG."))
    if max(size) > MAX_LOGO_PIXELS:
        raise InvalidInput(N_("Logo trop grand : %(max)s pixels de côté au plus."),
                           max=MAX_LOGO_PIXELS)
    return Logo(LOGO_TYPES[kind], data)
