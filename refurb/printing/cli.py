"""``flask labels``: render label files from the command line, list the stocks."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from refurb.printing import RENDERERS, LabelError, list_stocks, load_stock, renderers_for, services

labels_cli = AppGroup("labels", help="Étiquettes code-barres.")

_BY_EXTENSION = {r.extension: r for r in RENDERERS.values()}


@labels_cli.command("render")
@click.option("--stock", "stock_id", required=True, help="Support (voir « flask labels stocks »).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier produit : .pdf, .png (première page) ou .zpl.")
@click.option("--start", default=1, show_default=True, type=int,
              help="Première place libre d'une planche entamée.")
@click.option("--copies", default=1, show_default=True, type=int,
              help="Exemplaires de chaque étiquette.")
@click.argument("tags", nargs=-1, required=True)
def render_command(stock_id: str, out: Path, start: int, copies: int, tags: tuple[str, ...]):
    """Imprimer TAGS dans un fichier ; les numéros connus reçoivent leurs caractéristiques.

    Rien n'est enregistré dans l'historique : le fichier n'est pas encore imprimé.
    """
    renderer = _BY_EXTENSION.get(out.suffix.lower())
    if renderer is None:
        raise click.ClickException(f"Extension « {out.suffix or '(aucune)'} » non prise en "
                                   f"charge : utilisez .pdf, .png ou .zpl.")
    try:
        stock = load_stock(stock_id)
        if not renderer.supports(stock):
            raise click.ClickException(f"Le format ZPL est réservé aux rouleaux Zebra ; "
                                       f"« {stock.id} » n'en est pas un.")
        labels = services.tag_labels(tags, services.device_url_builder(current_app))
        content = renderer.render(stock, labels, start=start, copies=copies)
    except LabelError as error:  # messages are French and name what to change
        raise click.ClickException(str(error)) from None
    try:
        out.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"Impossible d'écrire « {out} » : {error.strerror}.") from None
    click.echo(f"{len(labels) * copies} étiquette(s) sur « {stock.title} » → {out}")


@labels_cli.command("stocks")
def stocks_command():
    """Lister les supports d'étiquettes (dimensions, disposition, formats)."""
    try:
        stocks = list_stocks()
    except LabelError as error:
        raise click.ClickException(str(error)) from None
    for s in stocks:
        layout = (f"{s.columns} × {s.rows} = {s.per_page} par planche" if s.kind == "sheet"
                  else "rouleau")
        formats = ", ".join(r.name for r in renderers_for(s))
        size = f"{s.label_width:g} × {s.label_height:g} mm".replace(".", ",")
        click.echo(f"{s.id:20s} {size:17s} {layout:22s} "
                   f"{s.dpi} dpi{' thermique' if s.thermal else ''}  QR : "
                   f"{'oui' if s.qr else 'non'}  formats : {formats}  — {s.title}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(labels_cli)
