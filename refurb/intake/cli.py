"""`flask intake …`: the intake parsers and the CSV import for batch use."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from refurb.accounts.services import get_user_by_email
from refurb.clock import utcnow
from refurb.core.device_types import DeviceType
from refurb.core.errors import DomainError
from refurb.core.hardware import report_to_json
from refurb.devices.services import NewDevice
from refurb.extensions import db
from refurb.intake import asset_lists, bench, drafts, hardware_reports
from refurb.intake.csv_columns import parse_mapping_spec
from refurb.intake.csv_file import detect_format
from refurb.intake.queries import get_collection_by_number

intake_cli = AppGroup("intake", help="Réception du matériel.")


@intake_cli.command("parse-report")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "collection_number", default=None,
              help="Enregistrer aussi la machine (et ses disques) dans cette collecte.")
@click.option("--type", "device_type", default=None, type=click.Choice([t.value for t in DeviceType]),
              help="Type d'appareil quand le châssis ne le dit pas.")
@click.option("--status", "legal_status", default="reuse", type=click.Choice(["reuse", "waste"]))
def parse_report_command(files: tuple[str, ...], collection_number: str | None,
                         device_type: str | None, legal_status: str) -> None:
    """Lire les rapports (dmidecode, lshw -json, smartctl) d'UNE machine ; affiche un JSON."""
    texts = [Path(f).read_bytes().decode("utf-8", errors="replace") for f in files]
    report = hardware_reports.read_reports(texts)
    data = report_to_json(report)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    if collection_number is None:
        return
    collection = get_collection_by_number(collection_number)
    if collection is None:
        raise click.ClickException(f"Collecte inconnue : {collection_number}")
    kind = device_type or report.device_type
    if kind is None:
        raise click.ClickException("Type d'appareil inconnu (aucun châssis lu) : précisez --type.")
    values = NewDevice(
        device_type=kind, make=report.manufacturer or "", model=report.model or "",
        serial=report.serial, legal_status=legal_status, cpu=report.cpu or "",
        ram_mib=report.ram_mib, ram_slots_used=report.ram_slots_used,
        chassis=report.chassis or "",
    )
    try:
        device = bench.register_device(
            collection, values, actor_id=None, now=utcnow(),
            prefix=current_app.config["ASSET_TAG_PREFIX"], drives=report.drives,
            report=hardware_reports.report_details(json.dumps(data)),
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.describe()) from None
    db.session.commit()
    click.echo(f"{device.asset_tag} enregistré dans {collection.number} "
               f"({len(report.drives)} disque(s)).", err=True)


@intake_cli.command("import-csv")
@click.argument("collection_number")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "spec", default=None,
              help='Colonnes : "type=Type,make=Marque,model=Modèle,serial=N° de série,…" '
                   "(deviné d'après l'en-tête si absent).")
@click.option("--actor", default=None, help="E-mail du compte qui fait l'import.")
def import_csv_command(collection_number: str, file: str, spec: str | None,
                       actor: str | None) -> None:
    """Importer la liste CSV d'un donateur dans une collecte : tout le fichier ou rien."""
    collection = get_collection_by_number(collection_number)
    if collection is None:
        raise click.ClickException(f"Collecte inconnue : {collection_number}")
    user = get_user_by_email(actor) if actor else None
    if actor and user is None:
        raise click.ClickException(f"Compte inconnu : {actor}")
    with open(file, "rb") as stream:
        try:
            fmt = detect_format(stream)
            mapping = parse_mapping_spec(spec, fmt.header) if spec else None
            click.echo(f"{fmt.encoding_label}, séparateur {fmt.delimiter_label}, "
                       f"colonnes : {' | '.join(fmt.header)}", err=True)
            outcome = _import(collection, stream, mapping, user.id if user else None, file)
        except asset_lists.ImportRefused as refused:
            db.session.rollback()
            for line in refused.validation.refused:
                click.echo(str(line), err=True)
            hidden = refused.validation.refused_total - len(refused.validation.refused)
            if hidden:
                click.echo(f"… et {hidden} autre(s) ligne(s) refusée(s).", err=True)
            raise click.ClickException(refused.message) from None
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.describe()) from None
    db.session.commit()
    click.echo(f"{outcome.imported} appareil(s) importé(s) dans {collection.number} : "
               f"{outcome.first_tag} à {outcome.last_tag}.")


def _import(collection, stream, mapping, actor_id: int | None, path: str):
    """Check pass measured in bytes read, insert pass in lines inserted."""
    err = sys.stderr  # stdout stays for the result line
    size = os.fstat(stream.fileno()).st_size
    with click.progressbar(length=size, label="Vérification", file=err) as bar:
        plan = asset_lists.plan_import(
            collection, stream, mapping, actor_id=actor_id, now=utcnow(),
            prefix=current_app.config["ASSET_TAG_PREFIX"], filename=Path(path).name,
            on_bytes=bar.update,
        )
    with click.progressbar(length=plan.validation.valid, label="Insertion", file=err) as bar:
        return asset_lists.run_import(plan, on_rows=bar.update)


@intake_cli.command("purge-drafts")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(min=1),
              help="Âge à partir duquel un import non confirmé est supprimé.")
def purge_drafts_command(hours: int) -> None:
    """Supprimer les imports CSV jamais confirmés (pour cron)."""
    count = drafts.purge_drafts(utcnow(), timedelta(hours=hours))
    db.session.commit()
    click.echo(f"{count} import(s) non confirmé(s) supprimé(s).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(intake_cli)
