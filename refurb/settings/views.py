from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from refurb.accounts.access import ADMIN, roles_required
from refurb.settings import services, workshop
from refurb.settings.forms import WorkshopIdentityForm
from refurb.web import actor_id, attempt, now, translate, translate_error

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit():
    form = FlaskForm()  # CSRF only: the fields come from the registry
    typed, refused = {}, {}
    if form.validate_on_submit():
        typed = {key: request.form.get(key, "") for key in services.REGISTRY}
        # Every refused value is named next to its field, and nothing is saved.
        refused = {key: translate_error(error)[0]
                   for key, error in services.refusals(typed).items()}
        if refused:
            flash(_("Réglages non enregistrés : corrigez les valeurs signalées."), "error")
        else:
            with attempt() as done:  # all settings or none
                services.set_values(typed, actor_id=actor_id(), now=now())
            if done:
                flash(_("Réglages enregistrés."), "success")
                return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form, sections=services.sections(),
                           typed=typed, refused=refused)


@bp.route("/workshop", methods=["GET", "POST"])
@roles_required(*ADMIN)
def workshop_identity():
    """Who the workshop is on its documents; every field is checked on save."""
    form = WorkshopIdentityForm()
    if request.method == "GET":
        form.fill(workshop.current())
    elif form.validate_on_submit():
        with attempt(flash_error=False) as done:
            workshop.save(form.values(), logo_upload=form.logo_bytes(),
                          remove_logo=form.remove_logo.data, actor_id=actor_id(), now=now())
        if done:
            flash(_("Identité de l’atelier enregistrée."), "success")
            return redirect(url_for("settings.workshop_identity"))
        flash(translate(done.error.msg), "error")
        form.show_refusal(done.error, translate)  # each error next to its field
    return render_template("settings/workshop.html", form=form,
                           has_logo=workshop.logo() is not None,
                           ), 200 if request.method == "GET" else 400
