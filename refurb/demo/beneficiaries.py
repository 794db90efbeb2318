"""Demo beneficiary files: three households at different steps, so the social worker's pages
have content. Placeholder names only: "Démo" is no real person."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from refurb.accounts import services as accounts
from refurb.beneficiaries import files, workflow
from refurb.beneficiaries.file_values import FileValues
from refurb.beneficiaries.models import Beneficiary
from refurb.extensions import db

STEPS = (("Foyer A", Decimal("450"), ("rsa",), "approved"),
         ("Foyer B", Decimal("620"), ("job_seeker",), "waiting"),
         ("Foyer C", Decimal("380"), (), None))


def load_demo_beneficiaries(now: datetime) -> None:
    if db.session.scalar(select(Beneficiary).where(Beneficiary.last_name == "Démo").limit(1)):
        return
    social = accounts.get_user_by_email("social@demo.refurb.test")
    admin = accounts.get_user_by_email("admin@demo.refurb.test")
    for first_name, quotient, situations, outcome in STEPS:
        beneficiary = files.create_file(
            "household",
            FileValues(commune="Fresnes-sur-Escaut", last_name="Démo", first_name=first_name,
                       postal_code="59970", adults=2, children=2, income_basis="caf",
                       stated_quotient=quotient, situations=frozenset(situations),
                       referred_by="ccas"),
            actor_id=social.id, now=now - timedelta(days=20))
        if outcome:
            workflow.decide(beneficiary, "submitted", actor_id=social.id,
                            now=now - timedelta(days=19))
            workflow.decide(beneficiary, outcome, actor_id=admin.id,
                            now=now - timedelta(days=18), reason="Dossier de démonstration.")
