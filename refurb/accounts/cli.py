from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.accounts import services
from refurb.accounts.models import Role
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db

users_cli = AppGroup("users", help="Comptes utilisateurs.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "display_name", default="", help="Nom affiché.")
@click.option("--donor-org", type=int, default=None, help="Organisation (rôle donor).")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def create_user_command(
    email: str, role: str, display_name: str, donor_org: int | None, password_stdin: bool
) -> None:
    """Créer un compte (le mot de passe est demandé, ou lu sur l'entrée standard)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            donor_organisation_id=donor_org,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Compte créé : {user.email} ({user.role})")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
