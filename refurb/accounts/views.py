from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from refurb.accounts import services
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
from refurb.devices.queries import paginate
from refurb.donors.queries import organisation_choices
from refurb.extensions import db
from refurb.web import attempt, get_or_404, now, page_arg, per_page, translate_error

bp = Blueprint("accounts", __name__)


def _login_policy() -> services.LoginPolicy:
    from datetime import timedelta

    return services.LoginPolicy(
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        lockout=timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]),
    )


def home_for(user: User) -> str:
    if is_donor(user):
        return url_for("portal.home")
    return url_for("devices.dashboard")


def _safe_next(user: User) -> str:
    """Only same-site paths: an open redirect would make phishing links look legitimate."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = home_for(user)
    return target


def _keep_refused_attempt() -> None:
    """A refused sign-in answers 401 or 429, which the commit point rolls back; the failure
    it counted must stay, or guessing passwords would never be throttled."""
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, now=now(), policy=_login_policy()
            )
        except LoginThrottled as error:
            _keep_refused_attempt()
            flash(translate_error(error)[0], "error")
            return render_template("accounts/login.html", form=form), 429
        if user is not None:
            login_user(user)
            session["locale"] = user.locale
            return redirect(_safe_next(user))
        _keep_refused_attempt()
        flash(_("Adresse e-mail ou mot de passe incorrect."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with attempt(flash_error=False) as done:
            services.change_password(current_user, current=form.current.data, new=form.new.data)
        if done:
            flash(_("Mot de passe modifié."), "success")
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
    target = request.referrer or url_for("accounts.login")
    return redirect(target)


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
    user = get_or_404(User, user_id)
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
