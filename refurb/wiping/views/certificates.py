"""Erasure certificates: issuing one for a device or a collection, the collection's page,
and the public verification page (no sign-in: the number printed on the paper, then the
file or its SHA-256)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.intake.models import Collection
from refurb.web import actor_id, attempt, get_or_404, now
from refurb.wiping import certificates, queries
from refurb.wiping.forms import EmptyForm, VerifyForm
from refurb.wiping.views.blueprint import bp


@bp.post("/wiping/devices/<int:device_id>/certificate")
@roles_required(*WORKSHOP)
def device_certificate(device_id: int):
    device = get_or_404(Device, device_id)
    if EmptyForm().validate_on_submit():
        _issue(certificates.issue_device_certificate, device)
    return redirect(url_for("devices.show", device_id=device_id))


@bp.get("/wiping/collections/<int:collection_id>")
@roles_required(*WORKSHOP)
def collection_status(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    count, blockers = certificates.collection_blockers(collection)
    return render_template(
        "wiping/collection.html", collection=collection, count=count, blockers=blockers,
        versions=queries.certificate_versions(f"collection:{collection.id}"), form=EmptyForm())


@bp.post("/wiping/collections/<int:collection_id>/certificate")
@roles_required(*WORKSHOP)
def collection_certificate(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    if EmptyForm().validate_on_submit():
        _issue(certificates.issue_collection_certificate, collection)
    return redirect(url_for("wiping.collection_status", collection_id=collection_id))


def _issue(issue, subject) -> None:
    issuer = certificates.issuer_from_config(current_app.config)
    with attempt() as done:
        document, created = issue(subject, issuer=issuer, actor_id=actor_id(), now=now())
    if not done:
        return
    if created:
        flash(_("Certificat %(number)s émis (version %(v)s).", number=document.number,
                v=document.version), "success")
    else:
        flash(_("Rien n’a changé depuis la version %(v)s du certificat %(number)s.",
                v=document.version, number=document.number), "info")


@bp.get("/verify")
def verify_lookup():
    """Public: type the number printed on a paper certificate, then check the file."""
    number = (request.args.get("number") or "").strip().upper()[:40]
    if number:
        return redirect(url_for("wiping.verify", number=number))
    return render_template("wiping/verify_lookup.html")


@bp.route("/verify/<number>", methods=["GET", "POST"])
def verify(number: str):
    """Public: is this certificate genuine and unaltered? Shows nothing but number, date,
    donor name and drive count — and those only to someone holding the genuine file."""
    form = VerifyForm()
    number = number.strip().upper()[:40]
    verdict = certificates.verify_certificate(number)  # "unknown" or not checked yet
    if verdict.status != "unknown":
        verdict = _check_upload(form, number) if form.validate_on_submit() else None
    status = 404 if verdict and verdict.status == "unknown" else 200
    return render_template("wiping/verify.html", number=number, form=form,
                           verdict=verdict), status


def _check_upload(form: VerifyForm, number: str):
    upload = form.document.data
    data = upload.read() if getattr(upload, "filename", "") else None
    if data is None and not form.sha256.data:
        form.sha256.errors = [_("Déposez le fichier PDF ou collez son empreinte.")]
        return None
    return certificates.verify_certificate(number, data=data, sha256=form.sha256.data)
