from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from refurb.accounts.access import ADMIN, roles_required
from refurb.settings import services
from refurb.web import actor_id, attempt, now

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit():
    form = FlaskForm()  # CSRF only: the fields come from the registry
    typed = {}
    if form.validate_on_submit():
        typed = {key: request.form.get(key, "") for key in services.REGISTRY}
        with attempt() as done:  # all settings or none
            services.set_values(typed, actor_id=actor_id(), now=now())
        if done:
            flash(_("Réglages enregistrés."), "success")
            return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form, rows=services.all_values(),
                           typed=typed)
