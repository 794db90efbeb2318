"""`flask backup create|verify|restore|list|prune`: the same code as the nightly job."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from refurb.backups import services
from refurb.clock import utcnow

backup_cli = AppGroup("backup", help="Sauvegarde et restauration (base, documents, instance).")


def _progress_line():
    tty = sys.stdout.isatty()

    def show(done: int, total: int | None = None, step: str | None = None) -> None:
        percent = 100 * done // total if total else 0
        line = f"{percent:3d} %  {done}/{total}  {step or ''}"
        click.echo(("\r" + line.ljust(80)) if tty else line, nl=not tty)

    return show


@backup_cli.command("create")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Dossier de l'archive (par défaut BACKUP_DIR : instance/backups).")
def create_command(out_dir: str | None) -> None:
    """Sauvegarder la base (avec les documents émis) et l'instance dans une archive."""
    app = current_app._get_current_object()
    try:
        archive = services.create_backup(app, out_dir=out_dir, now=utcnow(),
                                         progress=_progress_line())
    except services.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo()
    click.echo(f"{archive.path}")
    click.echo(f"SHA-256 {archive.sha256}  {archive.size / 1e6:.1f} Mo  "
               f"{sum(t['rows'] for t in archive.manifest['tables'].values())} lignes  "
               f"{len(archive.manifest['documents'])} documents")


@backup_cli.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False))
def verify_command(archive: str) -> None:
    """Vérifier une archive : empreintes, intégrité de la base, tables et documents."""
    report = services.verify_backup(current_app._get_current_object(), archive)
    if not report.ok:
        for problem in report.problems:
            click.echo(f"PROBLÈME : {problem}", err=True)
        raise SystemExit(1)
    manifest = report.manifest
    click.echo(f"Archive valide : {manifest['engine']}, {manifest['created_at']}, "
               f"{len(manifest['tables'])} tables, {len(manifest['documents'])} documents.")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
def restore_command(archive: str) -> None:
    """Restaurer une archive dans une base vide (refusé si la base contient déjà des tables)."""
    try:
        manifest = services.restore_backup(current_app._get_current_object(), archive,
                                           progress=_progress_line())
    except services.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo()
    click.echo(f"Restauré : {len(manifest['tables'])} tables et {len(manifest['documents'])} "
               "documents identiques au manifeste.")


@backup_cli.command("list")
def list_command() -> None:
    """Lister les archives de BACKUP_DIR."""
    for backup in services.list_backups(current_app.config["BACKUP_DIR"]):
        kind = "nuit" if backup.nightly else "manuelle"
        click.echo(f"{backup.path.name}  {backup.size / 1e6:8.1f} Mo  {kind}")


@backup_cli.command("prune")
def prune_command() -> None:
    """Appliquer la rétention aux sauvegardes de la nuit (7 jours, 4 semaines)."""
    removed = services.apply_retention(current_app._get_current_object(), now=utcnow())
    for path in removed:
        click.echo(f"supprimée : {path.name}")
    click.echo(f"{len(removed)} archive(s) supprimée(s).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_cli)
