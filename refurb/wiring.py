"""The composition root: which blueprints, commands and extensions make up Refurb.

`create_app` calls `register_models()` before the database is set up and `register_all(app)`
after; everything a domain contributes to another (scan resolvers, lifecycle facts, page panels,
settings, history words, demo steps, template globals) is listed here, domain by domain, so a
reader finds every plug in one file. See `refurb.extension_points` for what each point means.
"""

from __future__ import annotations

import importlib

from flask import Flask

from refurb import extension_points as points

# Models register their tables with SQLAlchemy's metadata when imported: that is all we need.
MODEL_MODULES = (
    "refurb.accounts.models",
    "refurb.settings.models",
    "refurb.counters",
    "refurb.donors.models",
    "refurb.devices.models",
    "refurb.documents.models",
    "refurb.intake.models",
    "refurb.wiping.models",
    "refurb.workshop.models",
    "refurb.weee.models",
    "refurb.beneficiaries.models",
    "refurb.training.models",
    "refurb.allocations.models",
    "refurb.portal.models",
    "refurb.reports.models",
)

# Transitional: modules that still register their extensions when imported. Each domain moves
# its registrations into register_all() below and leaves this list.
LEGACY_SELF_REGISTERING = (
    "refurb.intake.services",
    "refurb.wiping.services",
    "refurb.weee.services",
    "refurb.beneficiaries.services",
    "refurb.training.services",
    "refurb.allocations.services",
    "refurb.portal.services",
    "refurb.reports.services",
)


def register_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def register_all(app: Flask) -> None:
    for name in LEGACY_SELF_REGISTERING:
        importlib.import_module(name)
    _register_accounts()
    _register_devices()
    _register_intake()
    _register_printing()
    _register_wiping()
    _register_workshop()
    _register_weee()
    _register_beneficiaries()
    _register_training()
    _register_allocations()
    _register_portal()
    _register_reports()
    _register_blueprints(app)
    _register_commands(app)
    app.jinja_env.globals.update(points.template_globals)


# ------------------------------------------------------------------------ accounts, devices

def _register_accounts() -> None:
    from refurb.accounts import permissions

    points.template_globals.update(permissions.PREDICATES)


def _register_devices() -> None:
    from refurb.devices import event_words

    points.event_words.add(event_words.KINDS, event_words.DETAILS, event_words.VALUES)


# ---------------------------------------------------------------------------------- intake

def _register_intake() -> None:
    pass


# -------------------------------------------------------------------------------- printing

def _register_printing() -> None:
    # Transitional: panels without `build` still fetch their data through a context processor.
    points.device_panels.add(points.Panel("labels", "printing/_device_panel.html", order=30))
    points.collection_panels.add(points.Panel("labels", "printing/_collection_panel.html"))


# ---------------------------------------------------------------------------------- wiping

def _register_wiping() -> None:
    points.device_panels.add(points.Panel("sanitization", "wiping/_device_panel.html", order=20))


# -------------------------------------------------------------------------------- workshop

def _register_workshop() -> None:
    from refurb.demo import workshop as demo
    from refurb.devices.batch import register_batch_action
    from refurb.workshop import batch_actions, event_words
    from refurb.workshop.labels import WORKSHOP_LABELS
    from refurb.workshop.queries.qa import qa_facts
    from refurb.workshop.views.device import panel_for_reader
    from refurb.workshop.views.locations import location_url

    points.event_words.add(event_words.KINDS, event_words.DETAILS, event_words.VALUES)
    points.fact_providers.add(qa_facts)
    points.scan_resolvers.add(location_url)
    points.device_panels.add(points.Panel("workshop", "workshop/_device_panel.html",
                                          build=panel_for_reader, order=10))
    points.template_globals.update(workshop_labels=WORKSHOP_LABELS)
    points.demo_steps.add(demo.demo_qa_hook)
    for action in batch_actions.ACTIONS:
        register_batch_action(action)


# ------------------------------------------------------------------------------------ weee

def _register_weee() -> None:
    pass


# --------------------------------------------------------------------------- beneficiaries

def _register_beneficiaries() -> None:
    pass


# -------------------------------------------------------------------------------- training

def _register_training() -> None:
    points.beneficiary_panels.add(points.Panel("training", "training/_beneficiary_panel.html", order=20))


# ----------------------------------------------------------------------------- allocations

def _register_allocations() -> None:
    points.beneficiary_panels.add(points.Panel("allocations", "allocations/_beneficiary_panel.html",
                                                    order=10))


# ---------------------------------------------------------------------------------- portal

def _register_portal() -> None:
    pass


# --------------------------------------------------------------------------------- reports

def _register_reports() -> None:
    pass


# ------------------------------------------------------------------------ blueprints, CLI

def _register_blueprints(app: Flask) -> None:
    from refurb.accounts.views import bp as accounts
    from refurb.allocations.views import bp as allocations
    from refurb.beneficiaries.views import bp as beneficiaries
    from refurb.devices.views import bp as devices
    from refurb.documents.views import bp as documents
    from refurb.donors.views import bp as donors
    from refurb.intake.views import bp as intake
    from refurb.portal.views import bp as portal
    from refurb.printing.views import bp as printing
    from refurb.reports.views import bp as reports
    from refurb.settings.views import bp as settings
    from refurb.training.views import bp as training
    from refurb.weee.views import bp as weee
    from refurb.wiping.views import bp as wiping
    from refurb.workshop.views import bp as workshop

    for blueprint in (accounts, settings, donors, devices, documents, intake, printing, wiping,
                      workshop, weee, beneficiaries, training, allocations, portal, reports):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from refurb import demo
    from refurb.accounts import cli as accounts
    from refurb.allocations import cli as allocations
    from refurb.beneficiaries import cli as beneficiaries
    from refurb.intake import cli as intake
    from refurb.printing import cli as printing
    from refurb.wiping import cli as wiping

    for module in (accounts, intake, printing, wiping, beneficiaries, allocations, demo):
        module.register_cli(app)
