"""The message log (admins), contact preferences of a file or a donor, and a manual run."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb.accounts.access import ADMIN, SOCIAL, WORKSHOP, roles_required
from refurb.accounts.permissions import sees_people
from refurb.beneficiaries.models import Beneficiary
from refurb.core import notifications as rules
from refurb.devices.queries import paginate
from refurb.donors.models import DonorOrganisation
from refurb.jobs import enqueue
from refurb.notifications import preferences
from refurb.notifications.forms import ContactPreferencesForm
from refurb.notifications.models import Notification
from refurb.notifications.services import TEMPLATE_LABELS
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _filter(value: str | None, allowed) -> str:
    return value if value in allowed else ""


@bp.get("/")
@roles_required(*ADMIN)
def log():
    status = _filter(request.args.get("status"), rules.STATUSES)
    template = _filter(request.args.get("template"), TEMPLATE_LABELS)
    query = select(Notification).order_by(Notification.id.desc())
    if status:
        query = query.where(Notification.status == status)
    if template:
        query = query.where(Notification.template == template)
    page = paginate(query, page_arg(), per_page())
    return render_template("notifications/log.html", page=page, status=status,
                           template=template, templates=TEMPLATE_LABELS,
                           statuses=rules.STATUS_LABELS, channels=rules.CHANNEL_LABELS)


@bp.post("/run")
@roles_required(*ADMIN)
def run_reminders():
    job = enqueue("notifications.reminders", {}, actor_id=actor_id(), now=now())
    return redirect(url_for("jobs.show", job_id=job.id))


def _form_for(subject) -> ContactPreferencesForm:
    form = ContactPreferencesForm()
    if not form.is_submitted():
        form.channel.data = subject.notify_channel
        form.language.data = subject.notify_language
        form.consent.data = subject.notify_consent_at is not None
    return form


@bp.route("/beneficiaries/<int:beneficiary_id>", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def beneficiary_contact(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = _form_for(beneficiary)
    if form.validate_on_submit():
        with attempt() as done:
            preferences.set_beneficiary_preferences(
                beneficiary, channel=form.channel.data, language=form.language.data,
                consent=bool(form.consent.data), actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary.id))
    return render_template("notifications/contact.html", form=form, subject=beneficiary,
                           title=beneficiary.pseudonym, has_email=bool(beneficiary.email),
                           has_phone=bool(beneficiary.phone),
                           back=url_for("beneficiaries.show_file", beneficiary_id=beneficiary.id))


@bp.route("/donors/<int:donor_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def donor_contact(donor_id: int):
    donor = get_or_404(DonorOrganisation, donor_id)
    form = _form_for(donor)
    if form.validate_on_submit():
        with attempt() as done:
            preferences.set_donor_preferences(
                donor, channel=form.channel.data, language=form.language.data,
                consent=bool(form.consent.data), now=now())
        if done:
            return redirect(url_for("donors.show_donor", donor_id=donor.id))
    return render_template("notifications/contact.html", form=form, subject=donor,
                           title=donor.name, has_email=bool(donor.contact_email),
                           has_phone=bool(donor.contact_phone),
                           back=url_for("donors.show_donor", donor_id=donor.id))


def beneficiary_panel(beneficiary: Beneficiary) -> dict | None:
    """The "contact preferences" slot of the beneficiary page (social workers and admins)."""
    if beneficiary is None or not sees_people(current_user):
        return None
    return {"channel": rules.CHANNEL_LABELS.get(beneficiary.notify_channel, ""),
            "consent_at": beneficiary.notify_consent_at,
            "language": beneficiary.notify_language,
            "url": url_for("notifications.beneficiary_contact", beneficiary_id=beneficiary.id)}


