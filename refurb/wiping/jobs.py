"""A collection's erasure certificate, issued in the background: thousands of drives are read
and laid out without holding a worker or the write lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from refurb.core.errors import NotFound
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.jobs import Progress
from refurb.wiping import certificates

CERTIFICATE_KIND = "wiping.collection_certificate"


def issue_collection_certificate(params: dict, progress: Progress, *, actor_id: int | None,
                                 now: datetime) -> dict[str, Any]:
    collection = db.session.get(Collection, int(params["collection_id"]))
    if collection is None:
        raise NotFound(N_("Collecte introuvable."))
    document, created = certificates.issue_collection_certificate(
        collection, issuer=certificates.current_issuer(), actor_id=actor_id, now=now,
        progress=progress)
    if not created:
        summary = _("Rien n’a changé depuis la version %(v)s du document %(number)s.",
                    v=document.version, number=document.number)
    elif document.kind == certificates.STATEMENT_KIND:
        summary = _("Relevé provisoire %(number)s émis (version %(v)s) : le certificat sera "
                    "émis quand chaque effacement aura été validé par une seconde personne.",
                    number=document.number, v=document.version)
    else:
        summary = _("Certificat %(number)s émis (version %(v)s).", number=document.number,
                    v=document.version)
    return {"summary": [summary], "document_id": document.id}


JOB_KINDS = (
    (CERTIFICATE_KIND, N_("Certificat d’effacement d’une collecte"), issue_collection_certificate),
)
