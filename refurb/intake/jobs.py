"""The intake's background work: a donor's asset list imported, unconfirmed uploads removed.

The import is read and checked without the write lock (a 40,000-line file takes seconds), then
written in one short all-or-nothing step: readers and other writers are not kept waiting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from refurb import database
from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.intake import asset_lists, drafts
from refurb.jobs import Progress
from refurb.web import translate

MAX_REFUSED_SHOWN = 500

IMPORT_KIND = "intake.import"
PURGE_KIND = "intake.purge_drafts"


def import_asset_list(params: dict, progress: Progress, *, actor_id: int | None,
                      now: datetime) -> dict[str, Any]:
    choices = asset_lists.ImportChoices.from_dict(params.get("choices") or {})
    try:
        outcome = asset_lists.import_stored_upload(
            int(params["import_id"]), choices, actor_id=actor_id, now=now,
            prefix=params["prefix"], progress=progress)
    except asset_lists.ImportRefused as refused:
        refused.reasons = _refused_lines(refused.validation)
        raise
    return {
        "summary": [_("%(n)s appareil(s) importé(s) : %(first)s à %(last)s.", n=outcome.imported,
                      first=outcome.first_tag, last=outcome.last_tag)],
        "link": {"endpoint": "intake.show_collection", "label": N_("Voir la collecte"),
                 "args": {"collection_id": outcome.record.collection_id}},
    }


def _refused_lines(validation) -> list[str | Message]:
    lines: list[str | Message] = [
        _("Ligne %(line)s : %(why)s", line=r.line, why=translate(r.why))
        for r in validation.refused[:MAX_REFUSED_SHOWN]]
    for name, flags in validation.flags.items():
        if name not in validation.confirmed:
            lines.extend(_("Ligne %(line)s : %(why)s", line=f.line, why=translate(f.why))
                         for f in flags[:MAX_REFUSED_SHOWN])
    return lines[:MAX_REFUSED_SHOWN]


def purge_drafts(params: dict, progress: Progress, *, actor_id: int | None,
                 now: datetime) -> dict[str, Any]:
    progress(0, 1, _("Suppression des imports non confirmés"))
    database.will_write()
    count = drafts.purge_drafts(now)
    progress(1, 1, _("Terminé"))
    return {"summary": [_("%(n)s import(s) non confirmé(s) supprimé(s).", n=count)]}


# (name, label, work): registered in refurb.wiring.
JOB_KINDS = (
    (IMPORT_KIND, N_("Import d’une liste d’appareils"), import_asset_list),
    (PURGE_KIND, N_("Suppression des imports non confirmés"), purge_drafts),
)
