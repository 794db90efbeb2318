"""A register export, issued in the background: a year of a busy site's lines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from refurb.core.i18n import N_
from refurb.jobs import Progress
from refurb.weee import register

EXPORT_KIND = "weee.register_export"


def export_register(params: dict, progress: Progress, *, actor_id: int | None,
                    now: datetime) -> dict[str, Any]:
    progress(0, 1, N_("Lecture des lignes du registre"))
    document = register.issue_register_export(
        params["direction"], date.fromisoformat(params["start"]),
        date.fromisoformat(params["end"]), params["fmt"], actor_id=actor_id, now=now)
    return {"summary": [_("Export %(number)s, version %(version)s : %(n)s ligne(s).",
                          number=document.number, version=document.version,
                          n=(document.summary or {}).get("lines", 0))],
            "document_id": document.id}


JOB_KINDS = ((EXPORT_KIND, N_("Export du registre des déchets"), export_register),)
