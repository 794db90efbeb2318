"""The two scheduled jobs: the morning reminders, and the delivery round every ten minutes
(notices of new documents, messages waiting for a retry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from refurb import database
from refurb.clock import local_date
from refurb.jobs import Progress
from refurb.notifications import reminders, services


def _result(scheduled: int, sent: int, not_sent: int) -> dict[str, Any]:
    summary = [_("%(n)s message(s) préparé(s).", n=scheduled),
               _("%(n)s message(s) envoyé(s).", n=sent)]
    refused = [_("%(n)s message(s) en échec : nouvel essai plus tard.", n=not_sent)] \
        if not_sent else []
    return {"summary": summary, "refused": refused}


def send_reminders(params: dict, progress: Progress, *, actor_id: int | None,
                   now: datetime) -> dict[str, Any]:
    progress(0, 2, _("Recherche des rappels du jour"))
    database.will_write()
    counts = reminders.daily_reminders(local_date(now), now)
    progress(1, 2, _("Envoi"))
    sent, not_sent = services.deliver_due(now=now)
    progress(2, 2, _("Terminé"))
    return _result(sum(counts.values()), sent, not_sent)


def deliver(params: dict, progress: Progress, *, actor_id: int | None,
            now: datetime) -> dict[str, Any]:
    progress(0, 1, _("Envoi"))
    database.will_write()
    scheduled = reminders.document_notices(now)
    sent, not_sent = services.deliver_due(now=now)
    progress(1, 1, _("Terminé"))
    return _result(scheduled, sent, not_sent)
