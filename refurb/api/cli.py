"""``flask api``: a token for a headless bench station, forgetting old idempotent answers."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.accounts import api_tokens
from refurb.accounts.services import get_user_by_email
from refurb.api import idempotency
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db

api_cli = AppGroup("api", help="API REST : jetons, ménage.")


@api_cli.command("create-token")
@click.argument("email")
@click.option("--name", required=True, help="Nom du jeton (le poste qui s’en sert).")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(api_tokens.SCOPES), help="Portée (répétable).")
def create_token_command(email: str, name: str, scopes: tuple[str, ...]) -> None:
    """Créer un jeton pour le compte EMAIL ; le secret n’est affiché qu’une fois."""
    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    try:
        token, secret = api_tokens.create_token(user, name, list(scopes), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Jeton « {token.name} » ({' '.join(token.scope_list)}) pour {user.email} :")
    click.echo(secret)


@api_cli.command("prune")
@click.option("--days", type=int, default=None, help="Garder ce nombre de jours (7 par défaut).")
def prune_command(days: int | None) -> None:
    """Oublier les réponses des POST idempotents plus anciennes que la fenêtre de réessai."""
    count = idempotency.prune(days)
    db.session.commit()
    click.echo(f"{count} réponse(s) oubliée(s).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(api_cli)
