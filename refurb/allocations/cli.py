"""`flask allocations expire-reservations` (for cron): frees machines whose reservation ran out."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.allocations.reservations import expire_reservations
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db

allocations_cli = AppGroup("allocations", help="Réservations et remises de matériel.")


@allocations_cli.command("expire-reservations")
def expire_command() -> None:
    """Expirer les réservations échues : leurs machines redeviennent disponibles."""
    try:
        report = expire_reservations(now=utcnow(), actor_id=None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(
            f"{error.describe()} (une autre opération était en cours : relancez la commande)"
        ) from None
    db.session.commit()
    click.echo(f"{len(report.expired)} réservation(s) expirée(s).")
    if report.held:
        numbers = ", ".join(f"n° {n}" for n in report.held)
        click.echo(f"{len(report.held)} réservation(s) gardée(s), formation en cours : {numbers}.")
    for reservation_id, why in report.skipped:
        click.echo(f"Réservation n° {reservation_id} non expirée : {why}", err=True)
    if report.skipped:
        raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(allocations_cli)
