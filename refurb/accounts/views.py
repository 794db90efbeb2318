from __future__ import annotations

import math
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from refurb.accounts import services, sessions
from refurb.accounts.access import ADMIN, roles_required
from refurb.accounts.forms import (
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    UserCreateForm,
    UserEditForm,
)
from refurb.accounts.models import User
from refurb.accounts.permissions import is_donor
from refurb.core.errors import LoginThrottled
from refurb.core.sign_in_backoff import BackoffPolicy
from refurb.devices.queries import paginate
from refurb.donors.queries import organisation_choices
from refurb.extensions import db
from refurb.security.redirects import safe_redirect_target
from refurb.web import attempt, now, page_arg, per_page, translate_error

bp = Blueprint("accounts", __name__)


def _backoff_policy() -> BackoffPolicy:
    config = current_app.config
    return BackoffPolicy(
        free_failures=int(config["LOGIN_FREE_FAILURES"]),
        first_wait=timedelta(seconds=int(config["LOGIN_BACKOFF_SECONDS"])),
        longest_wait=timedelta(minutes=int(config["LOGIN_BACKOFF_MAX_MINUTES"])),
        network_max_failures=int(config["LOGIN_ADDRESS_MAX_FAILURES"]),
        network_window=timedelta(minutes=int(config["LOGIN_ADDRESS_WINDOW_MINUTES"])),
    )


def home_for(user: User) -> str:
    if is_donor(user):
        return url_for("portal.home")
    return url_for("home.index")


def _keep_refused_attempt() -> None:
    """A refused sign-in answers 401 or 429, which the commit point rolls back; the failure it
    counted must stay, or guessing passwords would never be throttled."""
    db.session.commit()


def _wait_text(seconds: int) -> str:
    if seconds <= 90:
        return _("%(n)s seconde(s)", n=seconds)
    return _("%(n)s minute(s)", n=math.ceil(seconds / 60))


def _throttled(form: LoginForm, error: LoginThrottled):
    _keep_refused_attempt()
    # The same words whether the account exists or not.
    flash(_("Trop de tentatives de connexion depuis votre poste : réessayez dans %(wait)s.",
            wait=_wait_text(error.wait_seconds)), "error")
    response = make_response(render_template("accounts/login.html", form=form), 429)
    response.headers["Retry-After"] = str(error.wait_seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        client = services.Client(address=request.remote_addr or "",
                                 user_agent=request.user_agent.string or "")
        try:
            user = services.authenticate(
                form.email.data, form.password.data, client=client, now=now(),
                policy=_backoff_policy(), secret=current_app.config["SECRET_KEY"])
        except LoginThrottled as error:
            return _throttled(form, error)
        if user is not None:
            sessions.start(user)
            return redirect(safe_redirect_target(request.args.get("next"), home_for(user)))
        _keep_refused_attempt()
        flash(_("Adresse e-mail ou mot de passe incorrect."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # Ends every session of the account, this one and any copied cookie.
    services.end_sessions(current_user)
    sessions.end()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with attempt(flash_error=False) as done:
            generation = services.change_password(current_user, current=form.current.data,
                                                  new=form.new.data)
        if done:
            sessions.keep_after_password_change(generation)
            flash(_("Mot de passe modifié. Vos autres sessions sont fermées."), "success")
            return redirect(home_for(current_user))
        form.current.errors.append(translate_error(done.error)[0])
    return render_template("accounts/password.html", form=form)


@bp.post("/account/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data, current_app.config["LANGUAGES"])
    return redirect(safe_redirect_target(request.referrer, url_for("accounts.login"),
                                         host_url=request.host_url))


@bp.get("/admin/sign-ins")
@roles_required(*ADMIN)
def sign_ins():
    page = paginate(services.list_sign_ins_query(), page_arg(), per_page())
    return render_template("accounts/sign_ins.html", page=page)


@bp.get("/admin/users")
@roles_required(*ADMIN)
def users():
    page = paginate(services.list_users_query(), page_arg(), per_page())
    return render_template("accounts/users.html", page=page)


def _fill_org_choices(form) -> None:
    form.donor_organisation_id.choices = [(0, "—")] + organisation_choices()


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def user_new():
    form = UserCreateForm()
    _fill_org_choices(form)
    if form.validate_on_submit():
        with attempt() as done:
            services.create_user(
                email=form.email.data,
                password=form.password.data,
                role=form.role.data,
                display_name=form.display_name.data or "",
                donor_organisation_id=form.donor_organisation_id.data or None,
                now=now(),
            )
        if done:
            flash(_("Compte créé."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def user_edit(user_id: int):
    user = services.get_workshop_user(user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    _fill_org_choices(form)
    if request.method == "GET":
        form.donor_organisation_id.data = user.donor_organisation_id or 0
    if form.validate_on_submit():
        with attempt() as done:
            services.update_user(
                user,
                acting_user_id=current_user.id,
                role=form.role.data,
                active=form.active.data,
                display_name=form.display_name.data or "",
                donor_organisation_id=form.donor_organisation_id.data or None,
            )
        if done:
            flash(_("Compte mis à jour."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user)
