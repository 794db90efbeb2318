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
from refurb.core.i18n import N_

# Models register their tables with SQLAlchemy's metadata when imported: that is all we need.
MODEL_MODULES = (
    "refurb.workshops.models",
    "refurb.accounts.models",
    "refurb.settings.models",
    "refurb.counters",
    "refurb.donors.models",
    "refurb.devices.models",
    "refurb.documents.models",
    "refurb.intake.models",
    "refurb.printing.models",
    "refurb.wiping.models",
    "refurb.workshop.models",
    "refurb.weee.models",
    "refurb.beneficiaries.models",
    "refurb.training.models",
    "refurb.allocations.models",
    "refurb.portal.models",
    "refurb.reports.models",
    "refurb.jobs.models",
    "refurb.accounts.api_tokens",
    "refurb.api.models",
    "refurb.notifications.models",
    "refurb.aftercare.models",
    "refurb.network.models",
)



def register_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def register_all(app: Flask) -> None:
    _register_workshops(app)
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
    _register_operations()
    _register_notifications(app)
    _register_aftercare(app)
    _register_home(app)
    _register_network(app)
    _register_blueprints(app)
    _register_api(app)
    _register_commands(app)
    app.jinja_env.globals.update(points.template_globals)


# ------------------------------------------------------------------------------- workshops

def _register_workshops(app: Flask) -> None:
    from refurb.workshops import cli, config_cache, context, row_security, views

    app.before_request(context.resolve_request_scope)
    # Configuration kept per worker under the workshop's stamp, renewed by any change to
    # these tables (the settings here; each domain names its own below).
    config_cache.install()
    config_cache.watch("settings")
    row_security.install(app)
    cli.register(app)
    app.register_blueprint(views.bp)
    # The header's switcher (templates/workshops/_switcher.html) reads its data from here.
    points.template_globals["workshop_switcher"] = views.switcher


# ------------------------------------------------------------------------ accounts, devices

def _register_accounts() -> None:
    from refurb.accounts import permissions

    points.template_globals.update(permissions.PREDICATES)


def _register_devices() -> None:
    from refurb.devices import event_words
    from refurb.devices.scan_repeat import REPEAT_WINDOW

    points.event_words.add(event_words.KINDS, event_words.DETAILS, event_words.VALUES)
    points.define_settings(REPEAT_WINDOW)


# ---------------------------------------------------------------------------------- intake

def _register_intake() -> None:
    from refurb.intake import jobs
    from refurb.intake.weights import WEIGHT_SETTINGS
    from refurb.jobs import register_kind

    points.define_settings(*WEIGHT_SETTINGS)
    for kind in jobs.JOB_KINDS:
        register_kind(*kind)


# -------------------------------------------------------------------------------- printing

def _register_printing() -> None:
    from refurb.printing import bench, services
    from refurb.printing.panels import bench_panel, collection_panel, device_panel

    points.event_words.add(kinds=services.EVENT_KINDS, details=services.EVENT_DETAILS)

    points.device_panels.add(points.Panel("labels", "printing/_device_panel.html",
                                          build=device_panel, order=30))
    points.collection_panels.add(points.Panel("labels", "printing/_collection_panel.html",
                                              build=collection_panel))
    points.bench_panels.add(points.Panel("labels", "printing/_bench_panel.html",
                                         build=bench_panel))
    points.define_settings(*bench.SETTINGS)  # the network Zebra printer


# ---------------------------------------------------------------------------------- wiping

def _register_wiping() -> None:
    from refurb.core.sanitization import label_fr
    from refurb.demo.wiping import demo_wipe_hook
    from refurb.jobs import register_kind
    from refurb.wiping import event_words, jobs, status
    from refurb.wiping.views.device_panel import device_panel
    from refurb.wiping.views.drives import drive_tag_url

    points.fact_providers.add(status.sanitization_facts)  # invariant 1: drives sanitized
    points.scan_resolvers.add(drive_tag_url)  # a removed drive's own tag
    points.event_words.add(event_words.KINDS, event_words.DETAILS)
    points.demo_steps.add(demo_wipe_hook)
    points.template_globals["wipe_label"] = label_fr
    points.device_panels.add(points.Panel("sanitization", "wiping/_device_panel.html",
                                          build=device_panel, order=20))
    for kind in jobs.JOB_KINDS:
        register_kind(*kind)


# -------------------------------------------------------------------------------- workshop

def _register_workshop() -> None:
    from refurb.demo import workshop as demo
    from refurb.workshop import batch_actions, event_words
    from refurb.workshop.labels import WORKSHOP_LABELS
    from refurb.workshop.queries.qa import qa_facts
    from refurb.workshop.views.device import panel_for_reader
    from refurb.workshop.views.locations import location_url
    from refurb.workshops import config_cache

    points.event_words.add(event_words.KINDS, event_words.DETAILS, event_words.VALUES)
    points.fact_providers.add(qa_facts)
    points.scan_resolvers.add(location_url)
    points.device_panels.add(points.Panel("workshop", "workshop/_device_panel.html",
                                          build=panel_for_reader, order=10))
    config_cache.watch("qa_checks", "qa_check_rules", "build_profiles")  # read on every page
    points.template_globals.update(workshop_labels=WORKSHOP_LABELS)
    points.demo_steps.add(demo.demo_qa_hook)
    for action in batch_actions.ACTIONS:
        points.batch_actions[action.key] = action


# ------------------------------------------------------------------------------------ weee

def _register_weee() -> None:
    from refurb.jobs import register_kind
    from refurb.weee import batch_scan, event_words, jobs, permissions, site

    points.define_settings(*site.SETTINGS)
    points.event_words.add(event_words.KINDS, event_words.DETAILS)
    points.template_globals.update(permissions.PREDICATES)
    points.batch_actions[batch_scan.ADD_TO_BATCH.key] = batch_scan.ADD_TO_BATCH
    for kind in jobs.JOB_KINDS:
        register_kind(*kind)


# --------------------------------------------------------------------------- beneficiaries

def _register_beneficiaries() -> None:
    from refurb.beneficiaries import gdpr

    points.define_settings(gdpr.RETENTION)


# -------------------------------------------------------------------------------- training

def _register_training() -> None:
    from refurb.training import certificates
    from refurb.training.views import blueprint, panel

    points.define_settings(certificates.SIGNATORY_SETTING)
    points.template_globals["training_hours"] = blueprint.training_hours
    points.beneficiary_panels.add(points.Panel(
        "training", "training/_beneficiary_panel.html", build=panel.beneficiary_panel, order=20))


# ----------------------------------------------------------------------------- allocations

def _register_allocations() -> None:
    from refurb.allocations import event_words, handover, purge, reservations
    from refurb.allocations.views import blueprint, panel, stock

    points.define_settings(reservations.RESERVATION_DAYS_SETTING, handover.FEE_SETTING,
                           handover.LOAN_MONTHS_SETTING, reservations.EXPIRY_WARNING_SETTING,
                           reservations.HOLD_DURING_TRAINING_SETTING)
    points.event_words.add(kinds=event_words.KINDS, details=event_words.DETAILS)
    points.template_globals["allocation_labels"] = blueprint.LABELS
    points.beneficiary_panels.add(points.Panel(
        "allocations", "allocations/_beneficiary_panel.html", build=panel.beneficiary_panel,
        order=10))
    points.beneficiary_panels.add(points.Panel(
        "cohorts", "allocations/_cohort_panel.html", build=panel.cohort_panel, order=11))
    # The GDPR purge (beneficiaries) erases agreements with the file and keeps a file holding
    # a machine.
    points.personal_documents.add(purge.agreements_of)
    points.purge_blockers.add(purge.keep_while_holding)
    points.stock_fits.add(stock.waiting_list_fits)  # the waiting list's "machines that fit"


# ---------------------------------------------------------------------------------- portal

def _register_portal() -> None:
    from refurb.portal import services as portal

    points.define_settings(*portal.SETTINGS)


# --------------------------------------------------------------------------------- reports

def _register_reports() -> None:
    from refurb.jobs import register_kind
    from refurb.reports import jobs, outcomes, tallies

    points.define_settings(*outcomes.SETTINGS)
    for kind in jobs.JOB_KINDS:
        register_kind(*kind)
    points.state_listeners.add(tallies.record_state_changes)  # tallies move with the events
    points.stock_tallies.add(tallies.stock_counts)  # dashboard and list counts read them


# ------------------------------------------------------------------------------ operations

def _register_operations() -> None:
    from refurb.jobs import builtin

    builtin.register_builtin_kinds()


# --------------------------------------------------------------------------- notifications

def _register_notifications(app: Flask) -> None:
    from refurb.jobs import register_kind
    from refurb.notifications import jobs, views
    from refurb.notifications.channels import mail

    mail.init_app(app)
    # Scheduled in refurb.jobs.builtin.SCHEDULE: reminders every morning, delivery every 10 min.
    register_kind("notifications.reminders", N_("Rappels du jour"), jobs.send_reminders)
    register_kind("notifications.deliver", N_("Envoi des messages en attente"), jobs.deliver)
    points.beneficiary_panels.add(points.Panel(
        "contact", "notifications/_beneficiary_panel.html", build=views.beneficiary_panel,
        order=40))
    app.register_blueprint(views.bp)


# ------------------------------------------------------------------------------- aftercare

def _register_aftercare(app: Flask) -> None:
    from refurb.aftercare import event_words, views
    from refurb.allocations import warranty

    points.define_settings(*warranty.SETTINGS)  # printed on agreements, enforced here
    points.event_words.add(kinds=event_words.KINDS, details=event_words.DETAILS)
    points.device_panels.add(points.Panel("aftercare", "aftercare/_device_panel.html",
                                          build=views.device_panel, order=40))
    app.register_blueprint(views.bp)


# ------------------------------------------------------------------------------------ home

def _register_home(app: Flask) -> None:
    """`/`: each role's work queues, from the domains that own the items. Another domain adds
    its line with `points.home_queues.add(role, HomeQueue(...))` (order: 10, 20… per role;
    the social workers' follow-ups belong at 70)."""
    from dataclasses import replace

    from refurb.accounts.models import Role
    from refurb.aftercare import home_queues as aftercare
    from refurb.allocations import home_queues as allocations
    from refurb.beneficiaries import home_queues as beneficiaries
    from refurb.devices import home_queues as devices
    from refurb.home.views import bp
    from refurb.intake import home_queues as intake
    from refurb.network import home_queues as network
    from refurb.reports import home_queues as reports
    from refurb.settings import home_queues as settings
    from refurb.weee import home_queues as weee
    from refurb.wiping import home_queues as wiping
    from refurb.workshop import home_queues as workshop

    for queue in (devices.RECEIVED, wiping.DRIVES_TO_WIPE, wiping.TO_VALIDATE,
                  devices.QA_PENDING, workshop.WAITING_FOR_PARTS, weee.OPEN_BATCHES):
        points.home_queues.add(Role.TECHNICIAN, queue)
    # Documents to issue: receipts, collection certificates, last year's report, transfer
    # notes to countersign.
    for order, queue in enumerate((wiping.TO_VALIDATE, beneficiaries.TO_DECIDE,
                                   intake.RECEIPTS_TO_ISSUE, wiping.CERTIFICATES_TO_ISSUE,
                                   reports.ANNUAL_REPORT_DUE, network.TRANSFERS_TO_RECEIVE,
                                   settings.IDENTITY_GAPS), start=1):
        points.home_queues.add(Role.ADMIN, replace(queue, order=order * 10))
    for queue in (beneficiaries.DRAFTS, beneficiaries.TO_DECIDE, allocations.WAITING_LIST,
                  allocations.EXPIRING, allocations.TRAINING_BLOCKED, allocations.LOANS_DUE,
                  aftercare.FOLLOWUPS_DUE):
        points.home_queues.add(Role.SOCIAL_WORKER, queue)
    app.register_blueprint(bp)


# ------------------------------------------------------------------------------------- api

def _register_api(app: Flask) -> None:
    """The REST API under /api/v1 (its own blueprints, rate limit and problem+json errors),
    and the token pages of the accounts area."""
    from refurb.accounts.tokens import bp as tokens
    from refurb.api import hardware, problems
    from refurb.api.setup import init_api

    points.error_renderers.add(problems.render_error)
    points.event_words.add(kinds=hardware.EVENT_KINDS)
    app.register_blueprint(tokens)
    init_api(app)


# --------------------------------------------------------------------------------- network

def _register_network(app: Flask) -> None:
    from refurb.network import event_words
    from refurb.network.views import bp

    points.event_words.add(kinds=event_words.KINDS, details=event_words.DETAILS)
    app.register_blueprint(bp)


# ------------------------------------------------------------------------ blueprints, CLI

def _register_blueprints(app: Flask) -> None:
    from refurb.accounts.views import bp as accounts
    from refurb.allocations.views import bp as allocations
    from refurb.backups.views import bp as backups
    from refurb.beneficiaries.views import bp as beneficiaries
    from refurb.devices.views import bp as devices
    from refurb.documents.views import bp as documents
    from refurb.documents.views import public_bp as verification
    from refurb.donors.views import bp as donors
    from refurb.health.views import bp as health
    from refurb.intake.views import bp as intake
    from refurb.jobs.views import bp as jobs
    from refurb.portal.views import bp as portal
    from refurb.printing.views import bp as printing
    from refurb.reports.views import bp as reports
    from refurb.settings.views import bp as settings
    from refurb.training.views import bp as training
    from refurb.weee.views import bp as weee
    from refurb.wiping.views import bp as wiping
    from refurb.workshop.views import bp as workshop

    for blueprint in (accounts, settings, donors, devices, documents, verification, intake,
                      printing, wiping, workshop, weee, beneficiaries, training, allocations,
                      portal, reports, jobs, backups, health):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from refurb import demo
    from refurb.accounts import cli as accounts
    from refurb.allocations import cli as allocations
    from refurb.api import cli as api
    from refurb.backups import cli as backups
    from refurb.beneficiaries import cli as beneficiaries
    from refurb.intake import cli as intake
    from refurb.jobs import cli as jobs
    from refurb.printing import cli as printing
    from refurb.reports import cli as reports
    from refurb.wiping import cli as wiping

    for module in (accounts, intake, printing, wiping, beneficiaries, allocations, reports, api,
                   demo, jobs, backups):
        module.register_cli(app)
