"""Erasure certificates: issuing one for a device or a collection (a provisional statement
while records await validation), and the collection's page saying, drive by drive, what the
certificate still waits for and who can validate. Checking a document is public, in
refurb.documents (/verify)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.accounts.permissions import is_admin
from refurb.core.i18n import N_
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.intake.models import Collection
from refurb.jobs.forms import StartJobForm
from refurb.jobs.views import start_job
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.wiping import certificates, queries
from refurb.wiping.jobs import CERTIFICATE_KIND
from refurb.wiping.views.blueprint import bp


@bp.route("/wiping/devices/<int:device_id>/certificate", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def device_certificate(device_id: int):
    """A permanent document: its figures first (GET, or a POST not confirmed), then one
    explicit confirmation issues it; the same content again gives back the same version."""
    device = get_or_404(Device, device_id)
    form = StartJobForm()
    if request.method == "POST" and request.form.get("confirm"):
        if form.validate_on_submit():
            _issue(certificates.issue_device_certificate, device)
        return redirect(url_for("devices.show", device_id=device_id))
    return render_template(
        "wiping/device_certificate.html", device=device, form=StartJobForm.fresh(),
        check=certificates.device_check(device, certificates.current_issuer()),
        can_edit_identity=is_admin(current_user))


@bp.get("/wiping/collections/<int:collection_id>")
@roles_required(*WORKSHOP)
def collection_status(collection_id: int):
    return _collection_page(get_or_404(Collection, collection_id))


@bp.post("/wiping/collections/<int:collection_id>/certificate")
@roles_required(*WORKSHOP)
def collection_certificate(collection_id: int):
    """First the figures the document will state, then (confirmed) a job issues it."""
    collection = get_or_404(Collection, collection_id)
    form = StartJobForm()
    if not form.validate_on_submit():
        return redirect(url_for("wiping.collection_status", collection_id=collection_id))
    if request.form.get("confirm"):
        return start_job(CERTIFICATE_KIND, {"collection_id": collection.id}, form, collection.id,
                         back=("wiping.collection_status", {"collection_id": collection.id},
                               N_("Revenir à l’effacement de la collecte")))
    return _collection_page(collection, confirm=True)


def _collection_page(collection: Collection, confirm: bool = False):
    readiness = certificates.collection_readiness(collection, certificates.current_issuer())
    preview = None
    if confirm and readiness.issuable and not readiness.identity_gaps:
        preview = certificates.collection_preview(collection, readiness)
    return render_template(
        "wiping/collection.html", collection=collection, form=StartJobForm.fresh(),
        readiness=readiness, preview=preview,
        versions=queries.certificate_versions(f"collection:{collection.id}"),
        can_edit_identity=is_admin(current_user))


def _issue(issue, subject) -> None:
    with attempt() as done:
        document, created = issue(subject, issuer=certificates.current_issuer(),
                                  actor_id=actor_id(), now=now())
    if not done:
        return
    if not created:
        flash(_("Rien n’a changé depuis la version %(v)s du document %(number)s.",
                v=document.version, number=document.number), "info")
    elif document.kind == certificates.STATEMENT_KIND:
        flash(_("Relevé provisoire %(number)s émis (version %(v)s) : le certificat sera émis "
                "quand chaque effacement aura été validé par une seconde personne.",
                number=document.number, v=document.version), "warning")
    else:
        flash(_("Certificat %(number)s émis (version %(v)s).", number=document.number,
                v=document.version), "success")


@bp.get("/wiping/certificates/due")
@roles_required(*WORKSHOP)
def certificates_due():
    """Collections whose erasure certificate can be issued now (the admin's home queue)."""
    page = paginate(queries.collections_due_query(), page_arg(), per_page())
    return render_template("wiping/certificates_due.html", page=page)
