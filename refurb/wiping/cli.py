"""`flask wipe …`: read nwipe logs, import them (same rules as the web upload)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.accounts.services import get_user_by_email
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.core.nwipe import parse_nwipe_log, to_json_dict
from refurb.extensions import db
from refurb.wiping.log_import import decode_log, import_nwipe_log

wipe_cli = AppGroup("wipe", help="Effacement des données (journaux nwipe).")


@wipe_cli.command("parse-nwipe")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse_nwipe(file: Path) -> None:
    """Afficher en JSON les disques d'un journal nwipe (un objet par disque)."""
    log = parse_nwipe_log(decode_log(file.read_bytes()))
    click.echo(json.dumps([to_json_dict(d) for d in log.drives], ensure_ascii=False, indent=2))
    for warning in log.warnings:
        click.echo(f"avertissement : {warning}", err=True)


@wipe_cli.command("import-nwipe")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--operator", "operator_email", required=True,
              help="E-mail du compte de l'opérateur qui a lancé l'effacement.")
def import_nwipe(files: tuple[Path, ...], operator_email: str) -> None:
    """Importer des journaux nwipe : les disques reconnus par n° de série sont enregistrés."""
    operator = get_user_by_email(operator_email)
    if operator is None:
        raise click.BadParameter(f"compte inconnu : {operator_email}", param_hint="--operator")
    failed = False
    for path in files:
        try:
            outcome = import_nwipe_log(path.name, path.read_bytes(), actor_id=operator.id,
                                       now=utcnow())
        except DomainError as error:
            db.session.rollback()
            failed = True
            click.echo(f"{path.name} : {error.describe()}".strip(), err=True)
            continue
        db.session.commit()
        if not outcome.created:
            click.echo(f"{path.name} : déjà importé (journal n° {outcome.log.id}).")
            continue
        click.echo(f"{path.name} : journal n° {outcome.log.id}, {len(outcome.recorded)} "
                   f"effacement(s) enregistré(s), {len(outcome.pending)} disque(s) à rattacher.")
        for pending in outcome.pending:
            click.echo(f"  {pending.drive.device} {pending.drive.model or ''} : "
                       f"{pending.describe()}")
    if failed:
        raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(wipe_cli)
