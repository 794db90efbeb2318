"""`flask beneficiaries evaluate` (pure: no database) and `flask gdpr purge`."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from refurb.beneficiaries import gdpr
from refurb.clock import today as clock_today
from refurb.clock import utcnow
from refurb.core.eligibility import DEFAULT_POLICY, HouseholdFacts, Policy, evaluate
from refurb.core.errors import DomainError
from refurb.extensions import db
from refurb.settings.services import get as get_setting

beneficiaries_cli = AppGroup("beneficiaries", help="Bénéficiaires et éligibilité.")
gdpr_cli = AppGroup("gdpr", help="Protection des données personnelles (RGPD).")


def _load_json(path: str, what: str) -> object:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise click.ClickException(
            f"{what} : lecture impossible de {path} ({error.strerror})."
        ) from None
    except ValueError as error:
        raise click.ClickException(f"{what} : JSON invalide dans {path} ({error}).") from None


@beneficiaries_cli.command("evaluate")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
              help="Politique au format JSON (Policy.to_dict) ; par défaut, la politique FERIS.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date de la décision (AAAA-MM-JJ) ; par défaut, aujourd'hui.")
@click.argument("facts_path", metavar="FACTS.json", type=click.Path(dir_okay=False))
def evaluate_command(policy_path: str | None, today, facts_path: str) -> None:
    """Évaluer l'éligibilité d'un foyer décrit en JSON, sans base de données."""
    try:
        policy = (
            DEFAULT_POLICY if policy_path is None
            else Policy.from_dict(_load_json(policy_path, "Politique"))  # type: ignore[arg-type]
        )
        facts = HouseholdFacts.from_dict(_load_json(facts_path, "Foyer"))  # type: ignore[arg-type]
    except DomainError as error:
        raise click.ClickException(error.message) from None
    day = today.date() if today else clock_today()
    decision = evaluate(facts, policy, day)
    click.echo(json.dumps(decision.to_record(), ensure_ascii=False, indent=2))


@gdpr_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Lister sans rien modifier.")
def purge_command(dry_run: bool) -> None:
    """Anonymiser les dossiers sans contact depuis la durée de conservation."""
    now = utcnow()
    months = get_setting(gdpr.RETENTION_SETTING)
    results = gdpr.purge_inactive(now=now, dry_run=dry_run)
    verb = "serait anonymisé" if dry_run else "anonymisé"
    for candidate in results:
        b = candidate.beneficiary
        line = f"{b.pseudonym}  {b.commune}  dernier contact {b.last_contact_at:%d/%m/%Y}"
        if candidate.kept_because:
            click.echo(f"{line}  conservé : {candidate.kept_because}")
        else:
            click.echo(f"{line}  {verb}")
    purged = sum(1 for c in results if c.kept_because is None)
    if dry_run:
        db.session.rollback()
        click.echo(f"Simulation : {purged} dossier(s) seraient anonymisés "
                   f"(sans contact depuis {months} mois).")
    else:
        db.session.commit()
        click.echo(f"{purged} dossier(s) anonymisé(s) (sans contact depuis {months} mois).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(beneficiaries_cli)
    app.cli.add_command(gdpr_cli)
