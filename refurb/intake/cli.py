"""`flask intake …`: the intake parsers and the CSV import for batch use."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from refurb import table_reader
from refurb.accounts.services import get_user_by_email
from refurb.clock import utcnow
from refurb.core.device_types import DeviceType
from refurb.core.errors import DomainError
from refurb.core.hardware import report_to_json
from refurb.devices.services import NewDevice
from refurb.extensions import db
from refurb.intake import asset_lists, bench, drafts, hardware_reports
from refurb.intake.csv_columns import parse_mapping_spec
from refurb.intake.queries import get_collection_by_number
from refurb.table_reader import ENCODINGS
from refurb.workshops.services import label_prefix as workshop_label_prefix

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
            prefix=workshop_label_prefix(), drives=report.drives,
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
                   "(comme au dernier import de ce donateur, sinon deviné d'après l'en-tête).")
@click.option("--encoding", default=None, type=click.Choice(sorted(ENCODINGS)),
              help="Encodage d'un fichier texte (détecté si absent).")
@click.option("--sheet", default=None, help="Feuille d'un classeur (la première si absent).")
@click.option("--confirm", default="",
              help="Champs dont les valeurs signalées sont à importer telles quelles, "
                   'ex. "serial,inventory".')
@click.option("--actor", default=None, help="E-mail du compte qui fait l'import.")
def import_csv_command(collection_number: str, file: str, spec: str | None,
                       encoding: str | None, sheet: str | None, confirm: str,
                       actor: str | None) -> None:
    """Importer la liste d'un donateur (CSV, .xlsx, .xls, .ods) dans une collecte : tout le
    fichier ou rien."""
    collection = get_collection_by_number(collection_number)
    if collection is None:
        raise click.ClickException(f"Collecte inconnue : {collection_number}")
    user = get_user_by_email(actor) if actor else None
    if actor and user is None:
        raise click.ClickException(f"Compte inconnu : {actor}")
    confirmed = frozenset(filter(None, (c.strip() for c in confirm.split(","))))
    with open(file, "rb") as stream:
        try:
            fmt = table_reader.detect(stream, encoding=encoding, sheet=sheet)
            mapping = parse_mapping_spec(spec, fmt.header) if spec else None
            click.echo(_describe(fmt), err=True)
            choices = asset_lists.ImportChoices(mapping=mapping, encoding=encoding,
                                                sheet=sheet, confirmed=confirmed)
            outcome = _import(collection, stream, choices, user.id if user else None, file)
        except asset_lists.ImportRefused as refused:
            db.session.rollback()
            _print_refusals(refused.validation)
            raise click.ClickException(refused.message) from None
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.describe()) from None
    db.session.commit()
    click.echo(f"{outcome.imported} appareil(s) importé(s) dans {collection.number} : "
               f"{outcome.first_tag} à {outcome.last_tag}.")


def _describe(fmt: table_reader.TableFormat) -> str:
    if fmt.is_text:
        reading = (f"{fmt.encoding_label}, séparateur {fmt.delimiter_label}, "
                   f"fins de ligne {fmt.line_ending_label}")
    else:
        reading = f"{fmt.kind_label}, feuille « {fmt.sheet} » (sur {len(fmt.sheets)})"
    notes = "".join(f"\nEn-tête : {note}" for note in fmt.column_notes.values())
    garbled = f"\nTexte mal décodé ? « {fmt.garbled} » : essayez --encoding" if fmt.garbled else ""
    return f"{reading}, colonnes : {' | '.join(fmt.header)}{notes}{garbled}"


def _print_refusals(validation) -> None:
    for line in validation.refused:
        click.echo(str(line), err=True)
    hidden = validation.refused_total - len(validation.refused)
    if hidden:
        click.echo(f"… et {hidden} autre(s) ligne(s) refusée(s).", err=True)
    for name in validation.unconfirmed:
        click.echo(f"Signalées dans « {name} » (--confirm {name} pour les importer telles "
                   f"quelles) :", err=True)
        for flag in validation.flags[name]:
            click.echo(f"  {flag}", err=True)


def _import(collection, stream, choices, actor_id: int | None, path: str):
    """Check pass measured in bytes (text) or rows (sheets) read, write pass in lines."""
    err = sys.stderr  # stdout stays for the result line
    bars: dict[str, click.progressbar] = {}

    def progress(done: int, total: int, step: str) -> None:
        bar = bars.get(step)
        if bar is None:
            label = {"check": "Vérification", "write": "Insertion"}[step]
            bar = bars[step] = click.progressbar(length=max(total, 1), label=label, file=err)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        plan = asset_lists.plan_import(
            collection, stream, choices, actor_id=actor_id, now=utcnow(),
            prefix=workshop_label_prefix(), filename=Path(path).name,
            progress=progress)
        return asset_lists.run_import(plan, progress)
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)


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
