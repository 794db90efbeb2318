"""`flask reports …`: the report tallies, rebuilt from the events and records."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.extensions import db
from refurb.reports import tallies
from refurb.workshops.context import current_workshop_id

reports_cli = AppGroup("reports", help="Rapports et chiffres du portail donateur.")


@reports_cli.command("rebuild-aggregates")
def rebuild_aggregates() -> None:
    """Recompute the device tallies, transitions per day, departures, donors' recipients and
    the stays per year and month from the events, for the command's workshop (REFURB_WORKSHOP=<code>) or every workshop
    (REFURB_WORKSHOP=network): after a bulk load that bypassed the devices service, or to
    check them."""
    workshop_id = current_workshop_id()
    before = tallies.snapshot()
    rows = tallies.rebuild(None if workshop_id is None else [workshop_id])
    differed = tallies.snapshot() != before
    db.session.commit()
    click.echo(", ".join(f"{name}: {n}" for name, n in rows.items()))
    click.echo("Les agrégats différaient des événements : reconstruits." if differed
               else "Les agrégats étaient déjà à jour.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(reports_cli)
