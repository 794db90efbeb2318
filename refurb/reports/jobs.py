"""The annual report, issued in the background: its figures walk the whole year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from refurb.core.i18n import N_
from refurb.documents.pdf import workshop_letterhead
from refurb.jobs import Progress
from refurb.reports import annual

ANNUAL_KIND = "reports.annual"


def issue_annual_report(params: dict, progress: Progress, *, actor_id: int | None,
                        now: datetime) -> dict[str, Any]:
    document, created = annual.issue_annual_report(
        int(params["year"]), workshop=workshop_letterhead(current_app.config),
        actor_id=actor_id, now=now, progress=progress)
    return {
        "summary": [_("Rapport %(number)s, version %(version)s %(what)s.",
                      number=document.number, version=document.version,
                      what=_("émise") if created else _("inchangée"))],
        "document_id": document.id,
    }


JOB_KINDS = ((ANNUAL_KIND, N_("Rapport d’activité annuel"), issue_annual_report),)
