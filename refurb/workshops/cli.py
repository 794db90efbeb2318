"""`flask workshops …`: the network's workshops and who works where.

Every other command acts for one workshop: REFURB_WORKSHOP=<code> names it (default: the
first workshop); REFURB_WORKSHOP=network runs it across the network (network tasks only)."""

from __future__ import annotations

import os

import click
from flask import Flask, appcontext_pushed, g, has_request_context
from flask.cli import AppGroup

from refurb.clock import utcnow
from refurb.extensions import db
from refurb.workshops import context, memberships, services

workshops_cli = AppGroup("workshops", help="Ateliers du réseau.")


@workshops_cli.command("create")
@click.argument("code")
@click.argument("name")
@click.argument("label_prefix")
def create_command(code: str, name: str, label_prefix: str) -> None:
    """Créer un atelier (code, nom, préfixe des étiquettes)."""
    workshop = services.create_workshop(code, name, label_prefix, now=utcnow())
    db.session.commit()
    click.echo(f"Atelier {workshop.code} créé (n° {workshop.id}).")


@workshops_cli.command("list")
def list_command() -> None:
    """Lister les ateliers."""
    from sqlalchemy import select

    from refurb.workshops.models import Workshop

    for workshop in db.session.scalars(select(Workshop).order_by(Workshop.id)):
        click.echo(f"{workshop.id:>4}  {workshop.code:<12} {workshop.label_prefix:<6} "
                   f"{workshop.name}")


@workshops_cli.command("add-member")
@click.argument("email")
@click.argument("code")
@click.argument("role", type=click.Choice(["admin", "technician", "social_worker"]))
def add_member_command(email: str, code: str, role: str) -> None:
    """Donner à un compte un rôle dans un atelier."""
    from refurb.accounts.services import get_user_by_email

    user = get_user_by_email(email)
    workshop = services.get_by_code(code)
    if user is None or workshop is None:
        raise click.ClickException("Compte ou atelier inconnu.")
    memberships.add_member(user, role, workshop.id, now=utcnow())
    db.session.commit()
    click.echo(f"{email} : {role} à {workshop.code}.")


@workshops_cli.command("network-admin")
@click.argument("email")
def network_admin_command(email: str) -> None:
    """Faire d'un compte un administrateur du réseau (il voit tous les ateliers)."""
    from refurb.accounts.services import end_sessions, get_user_by_email

    user = get_user_by_email(email)
    if user is None or not user.is_staff:
        raise click.ClickException("Compte inconnu ou donateur.")
    user.network_admin = True
    end_sessions(user)
    db.session.commit()
    click.echo(f"{email} administre le réseau.")


def _bind_command_workshop(_sender, **_extra) -> None:
    """A command's app context acts for REFURB_WORKSHOP (requests and jobs bind their own)."""
    wanted = os.environ.get("REFURB_WORKSHOP", "").strip()
    in_command = click.get_current_context(silent=True) is not None
    if not wanted or not in_command or has_request_context() \
            or g.get("refurb_workshop") is not None:
        return
    if wanted.lower() == context.NETWORK:
        context.bind(context.NETWORK)
        return
    with context.use_workshop(context.NETWORK):
        workshop = services.get_by_code(wanted)
    if workshop is None:
        raise click.ClickException(f"Atelier inconnu : {wanted}.")
    context.bind(workshop.id)


def register(app: Flask) -> None:
    app.cli.add_command(workshops_cli)
    if not app.config.get("TESTING"):
        appcontext_pushed.connect(_bind_command_workshop, app)
