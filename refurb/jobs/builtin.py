"""The jobs every installation runs, and their schedule (Huey's scheduler: no cron entry).

Each kind calls the same service as its command line twin:
`flask allocations expire-reservations`, `flask gdpr purge`, `flask backup create`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _

from refurb import database
from refurb.clock import utcnow
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.jobs import KINDS, Progress, enqueue, register_kind

# (schedule name, crontab fields in the server's local time, kind, idempotency key format)
SCHEDULE = (
    ("expire-reservations", {"minute": "*/15"}, "reservations.expire",
     "reservations.expire:{:%Y-%m-%dT%H:%M}"),
    ("gdpr-purge", {"minute": "30", "hour": "3"}, "gdpr.purge", "gdpr.purge:{:%Y-%m-%d}"),
    ("nightly-backup", {"minute": "30", "hour": "2"}, "backup.nightly",
     "backup.nightly:{:%Y-%m-%d}"),
    ("purge-drafts", {"minute": "45"}, "intake.purge_drafts",
     "intake.purge_drafts:{:%Y-%m-%dT%H}"),
    # Kinds registered by refurb.notifications (see refurb.wiring).
    ("notification-reminders", {"minute": "0", "hour": "8"}, "notifications.reminders",
     "notifications.reminders:{:%Y-%m-%d}"),
    ("notification-delivery", {"minute": "*/10"}, "notifications.deliver",
     "notifications.deliver:{:%Y-%m-%dT%H:%M}"),
)


def expire_reservations(params: dict, progress: Progress, *, actor_id: int | None,
                        now: datetime) -> dict[str, Any]:
    from refurb.allocations import reservations

    progress(0, 1, _("Recherche des réservations échues"))
    database.will_write()
    report = reservations.expire_reservations(now=now, actor_id=actor_id)
    progress(1, 1, _("Terminé"))
    return {
        "summary": [_("%(n)s réservation(s) expirée(s).", n=len(report.expired))] + (
            [_("%(n)s réservation(s) gardée(s) : formation en cours.", n=len(report.held))]
            if report.held else []),
        "refused": [_("Réservation n° %(id)s non expirée : %(why)s", id=rid, why=why)
                    for rid, why in report.skipped],
    }


def gdpr_purge(params: dict, progress: Progress, *, actor_id: int | None,
               now: datetime) -> dict[str, Any]:
    from refurb.beneficiaries import gdpr

    progress(0, 1, _("Recherche des dossiers sans contact"))
    database.will_write()
    results = gdpr.purge_inactive(now=now, dry_run=False)
    purged = sum(1 for c in results if c.kept_because is None)
    progress(1, 1, _("Terminé"))
    return {
        "summary": [_("%(n)s dossier(s) anonymisé(s).", n=purged)],
        "refused": [f"{c.beneficiary.pseudonym} : {c.kept_because}"
                    for c in results if c.kept_because],
    }


def backup(params: dict, progress: Progress, *, actor_id: int | None,
           now: datetime) -> dict[str, Any]:
    from refurb.backups import services

    archive = services.create_backup(current_app, out_dir=None, now=now, progress=progress,
                                     nightly=bool(params.get("nightly")))
    removed = services.apply_retention(current_app, now=now) if params.get("nightly") else []
    summary = [_("Sauvegarde %(name)s (%(size)s Mo).", name=archive.path.name,
                 size=f"{archive.size / 1e6:.1f}")]
    if removed:
        summary.append(_("%(n)s ancienne(s) sauvegarde(s) supprimée(s).", n=len(removed)))
    return {"summary": summary, "archive": archive.path.name, "sha256": archive.sha256}


def nightly_backup(params: dict, progress: Progress, **kwargs) -> dict[str, Any]:
    return backup({**params, "nightly": True}, progress, **kwargs)


def register_builtin_kinds() -> None:
    register_kind("reservations.expire", N_("Expiration des réservations"), expire_reservations)
    register_kind("gdpr.purge", N_("Purge RGPD des dossiers inactifs"), gdpr_purge)
    register_kind("backup", N_("Sauvegarde"), backup, network=True)
    register_kind("backup.nightly", N_("Sauvegarde de la nuit"), nightly_backup, network=True)


def enqueue_scheduled(app: Flask, kind: str, key_format: str) -> None:
    """A scheduled run: one job per period even with several consumers running the scheduler."""
    from refurb.workshops.context import default_workshop_id, use_workshop
    from refurb.workshops.services import active_workshop_ids

    with app.app_context():
        now = utcnow()
        # Workshop tasks: one job per workshop, run under it; a network task once.
        owners = [default_workshop_id()] if KINDS[kind].network else active_workshop_ids()
        for workshop_id in owners:
            with use_workshop(workshop_id):
                enqueue(kind, {}, idempotency_key=key_format.format(now), actor_id=None,
                        now=now)
        db.session.commit()
        db.session.remove()
