"""`flask demo load`: a small, plausible workshop to click through. Safe to run twice."""

from __future__ import annotations

import random
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import or_, select

from refurb.accounts import services as accounts
from refurb.clock import local_today, utcnow
from refurb.core.lifecycle import State
from refurb.demo.beneficiaries import load_demo_beneficiaries
from refurb.demo.workshop import load_demo_part_needs
from refurb.devices import services as devices
from refurb.devices.models import Device, Drive
from refurb.donors.models import DonorOrganisation
from refurb.extension_points import demo_steps
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.settings import workshop as workshop_identity
from refurb.workshops import context as workshop_context
from refurb.workshops import services as workshop_services
from refurb.workshops.context import default_workshop_id
from refurb.workshops.services import label_prefix as workshop_label_prefix

demo_cli = AppGroup("demo", help="Données de démonstration.")


DEMO_PASSWORD = "demo-refurb-2026"
DEMO_USERS = (
    ("admin@demo.refurb.test", "admin", "Admin démo"),
    ("technicien@demo.refurb.test", "technician", "Technicien démo"),
    ("social@demo.refurb.test", "social_worker", "Travailleur social démo"),
    ("donateur@demo.refurb.test", "donor", "Donateur démo"),
)

MODELS = (
    ("laptop", "Dell", "Latitude E7450", "Intel Core i5-5300U", 8192, "ssd", 256),
    ("laptop", "Lenovo", "ThinkPad T480", "Intel Core i5-8350U", 8192, "nvme", 256),
    ("desktop", "HP", "EliteDesk 800 G1 SFF", "Intel Core i5-4570", 4096, "hdd", 500),
    ("desktop", "Dell", "OptiPlex 7010", "Intel Core i3-3220", 4096, "hdd", 250),
    ("mini_pc", "Intel", "NUC7i5BNH", "Intel Core i5-7260U", 8192, "ssd", 240),
    ("monitor", "Dell", "P2217H", "", None, None, None),
)

# Paths through the lifecycle, walked for the history to read like a real workshop's.
PATHS = (
    [],
    [State.DIAGNOSIS],
    [State.DIAGNOSIS, State.WIPING],
    [State.DIAGNOSIS, State.REPAIR],
    [State.DIAGNOSIS, State.WIPING, State.REPAIR, State.READY],
    [State.DIAGNOSIS, State.WIPING, State.READY],
    [State.DIAGNOSIS, State.PARTS],
    [State.DIAGNOSIS, State.TO_DISPOSE],
    [State.TO_DISPOSE],
)


# Valid SIRETs (Luhn key) in a range given to no organisation named anywhere in Refurb: the
# demo never prints a real organisation's number.
DEMO_WORKSHOP_SIRET = "99923456000012"
DEMO_DONOR_SIRET = "99934567100013"
DEMO_DONOR_NAME = "Banque Démo du Nord"

# A complete identity, so the documents of a fresh demo carry one (an admin changes it in
# Réglages → Identité de l'atelier).
DEMO_IDENTITY = {
    "name": "Atelier Refurb (démonstration)", "legal_form": "Association loi 1901",
    "address": "2 rue de l'Atelier", "postal_code": "59970", "city": "Fresnes-sur-Escaut",
    "siret": DEMO_WORKSHOP_SIRET, "email": "atelier@demo.refurb.test",
    "phone": "03 27 00 00 00", "signatory_name": "Admin démo",
    "signatory_title": "Président de l'association", "eco_organism_name": "",
    "eco_organism_siret": "", "treatment_operation_code": "R4",
    "treatment_operation_mode": "RECYCLAGE",
}


def load_demo_identity(now) -> None:
    """The demo workshop's identity, unless an admin already saved one."""
    if not workshop_identity.is_saved():
        identity = dict(DEMO_IDENTITY)
        workshop = workshop_services.current_workshop()
        if workshop is not None and workshop.id != default_workshop_id():
            identity["name"] = f"{workshop.name} (démonstration)"
            identity["email"] = f"{workshop.code.lower()}@demo.refurb.test"
        workshop_identity.save(identity, actor_id=None, now=now)


def demo_users() -> tuple[tuple[str, str, str], ...]:
    """The demo accounts of the current workshop: the first workshop's keep their addresses,
    another's carry its code; the donor's account is the network's (one donor, many sites)."""
    workshop = workshop_services.current_workshop()
    if workshop is None or workshop.id == default_workshop_id():
        return DEMO_USERS
    suffix = workshop.code.lower()
    return tuple((email if role == "donor" else email.replace("@", f"+{suffix}@"), role,
                  name if role == "donor" else f"{name} ({workshop.code})")
                 for email, role, name in DEMO_USERS)


def load_demo(seed: int = 2026) -> list[tuple[str, str]]:
    """Create the current workshop's demo data once; return (email, role) of its accounts.
    Another seed gives other serial numbers (a second workshop's demo)."""
    now = utcnow()
    users = demo_users()
    load_demo_identity(now)
    org = db.session.scalar(
        select(DonorOrganisation).where(or_(DonorOrganisation.siret == DEMO_DONOR_SIRET,
                                            DonorOrganisation.name == DEMO_DONOR_NAME))
    )
    if org is None:
        org = DonorOrganisation(
            name=DEMO_DONOR_NAME,
            siret=DEMO_DONOR_SIRET,
            legal_form="SA",
            address="12 rue des Donateurs",
            postal_code="59970",
            city="Fresnes-sur-Escaut",
            contact_name="Service informatique",
            contact_email="it@banque-demo.test",
            created_at=now,
        )
        db.session.add(org)
        db.session.flush()
    for email, role, name in users:
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(
                email=email,
                password=DEMO_PASSWORD,
                role=role,
                display_name=name,
                donor_organisation_id=org.id if role == "donor" else None,
                now=now,
            )
    if db.session.scalar(select(Collection).where(Collection.number == "COL-DEMO-0001")):
        return [(email, role) for email, role, _ in users]

    tech = accounts.get_user_by_email(next(e for e, r, _ in users if r == "technician"))
    collection = Collection(
        number="COL-DEMO-0001",
        donor_id=org.id,
        pickup_site="Siège, 12 rue des Donateurs, Fresnes-sur-Escaut",
        pickup_contact="Service informatique",
        planned_on=local_today() - timedelta(days=30),
        collected_on=local_today() - timedelta(days=28),
        received_on=local_today() - timedelta(days=28),
        state="received",
        created_at=now - timedelta(days=30),
    )
    db.session.add(collection)
    db.session.flush()
    rng = random.Random(seed)
    prefix = workshop_label_prefix()
    for index in range(30):
        kind, make, model, cpu, ram, drive_kind, drive_gb = MODELS[index % len(MODELS)]
        start = now - timedelta(days=27, hours=rng.randint(0, 12))
        device = devices.create_device(
            devices.NewDevice(
                device_type=kind,
                make=make,
                model=model,
                serial=f"DEMO{seed}{index:04d}",
                cpu=cpu,
                ram_mib=ram,
                legal_status="waste" if index % 10 == 9 else "reuse",
                weight_kg=None,
            ),
            actor_id=tech.id,
            now=start,
            prefix=prefix,
            collection_id=collection.id,
            collection_number=collection.number,
        )
        if drive_kind:
            db.session.add(
                Drive(
                    device=device,
                    model=f"{make} {drive_kind.upper()} {drive_gb} Go",
                    serial=f"DRV{seed}{index:04d}",
                    capacity_bytes=drive_gb * 10**9,
                    kind=drive_kind,
                    created_at=start,
                )
            )
        path = PATHS[-1] if device.legal_status == "waste" else PATHS[index % (len(PATHS) - 1)]
        when = start
        for target in path:
            when += timedelta(hours=rng.randint(2, 48))
            for hook in demo_steps:  # e.g. the wiping domain records an erasure first
                hook(device, target, tech.id, when)
            # Demo history goes through the same service, guards included.
            devices.transition(device, target, actor_id=tech.id, now=when)
    load_demo_part_needs(tech.id, now)
    load_demo_beneficiaries(now)
    db.session.flush()
    return [(email, role) for email, role, _ in users]


@demo_cli.command("load")
@click.option("--workshop", "workshop_code", default=None,
              help="Code de l'atelier (par défaut : le premier ; voir flask workshops list).")
@click.option("--seed", default=2026, show_default=True)
def load_command(workshop_code: str | None, seed: int) -> None:
    """Charger les données de démonstration (sans effet si elles existent déjà)."""
    if workshop_code:
        workshop = workshop_services.get_by_code(workshop_code)
        if workshop is None:
            raise click.ClickException(f"Atelier inconnu : {workshop_code}.")
        workshop_context.bind(workshop.id)
    accounts_created = load_demo(seed)
    db.session.commit()
    count = db.session.scalar(select(db.func.count()).select_from(Device))
    click.echo(f"Données de démonstration prêtes : {count} appareils.")
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for email, role in accounts_created:
        click.echo(f"  {role:<14} {email}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)

