"""The API tokens page of the accounts area: create one (its secret shown once, on this answer
only: never in a flash message, which travels in the session cookie), list them with their
last use, revoke one. Admins also see and revoke everyone's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from refurb.accounts import api_tokens
from refurb.accounts.access import STAFF, roles_required
from refurb.accounts.permissions import is_admin
from refurb.form_fields import MultiCheckboxField
from refurb.web import attempt, get_or_404, now

bp = Blueprint("api_tokens_ui", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    name = StringField(_l("Nom du jeton"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Le poste ou le script qui s’en servira."))
    scopes = MultiCheckboxField(_l("Portées"), validators=[DataRequired()])


class RevokeForm(FlaskForm):
    pass


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = [(s, _(api_tokens.SCOPE_LABELS[s])) for s in api_tokens.SCOPES
                           if s != "admin" or is_admin(current_user)]
    return form


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = api_tokens.list_tokens(None if is_admin(current_user) else current_user.id)
    response = render_template("accounts/tokens.html", form=form, tokens=tokens, secret=secret,
                               revoke_form=RevokeForm(), show_owner=is_admin(current_user),
                               scope_labels=api_tokens.SCOPE_LABELS)
    headers = {"Cache-Control": "no-store"} if secret else {}
    return response, status, headers


@bp.get("")
@roles_required(*STAFF)
def tokens():
    return _page(_form())


@bp.post("")
@roles_required(*STAFF)
def create():
    form = _form()
    if form.validate_on_submit():
        with attempt() as done:
            token, secret = api_tokens.create_token(current_user, form.name.data,
                                                    form.scopes.data, now=now())
        if done:
            flash(_("Jeton « %(name)s » créé : copiez-le maintenant, il ne sera plus affiché.",
                    name=token.name), "success")
            return _page(_form(), secret=secret, status=201)
    return _page(form, status=400)


@bp.post("/<int:token_id>/revoke")
@roles_required(*STAFF)
def revoke(token_id: int):
    token = get_or_404(api_tokens.ApiToken, token_id)
    if RevokeForm().validate_on_submit():
        with attempt() as done:
            api_tokens.revoke_token(token, actor=current_user, now=now())
        if done:
            flash(_("Jeton « %(name)s » révoqué.", name=token.name), "success")
    return redirect(url_for("api_tokens_ui.tokens"))
