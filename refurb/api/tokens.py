"""The caller's own API tokens (never their secrets); revoking one, or, with the admin scope
and role, anyone's."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from refurb.accounts import api_tokens
from refurb.accounts.access import STAFF
from refurb.api.auth import caller, operation
from refurb.api.schemas import UtcDateTime, path_id
from refurb.web import now

blp = Blueprint("api_tokens", __name__, description="Jetons d’API")


class TokenSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    scopes = ma.fields.List(ma.fields.String(), required=True, attribute="scope_list")
    prefix = ma.fields.String(required=True, metadata={
        "description": "Le début du secret, pour reconnaître le jeton."})
    created_at = UtcDateTime(required=True)
    last_used_at = UtcDateTime(required=True, allow_none=True)
    revoked_at = UtcDateTime(required=True, allow_none=True)


@blp.route("/tokens")
@operation(scopes=("read", "station"), roles=STAFF)
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """Mes jetons"""
    return api_tokens.list_tokens(caller().id)


@blp.route(f"/tokens/{path_id('token_id')}", methods=["DELETE"])
@operation(scopes=("station", "read"), roles=STAFF)
@blp.response(204)
def revoke(token_id: int):
    """Révoquer un jeton (le sien ; celui d’un autre avec la portée admin) ; effet immédiat"""
    token = api_tokens.get_token(token_id) or abort(404)
    actor = caller()
    if token.user_id != actor.id and "admin" not in actor.granted:
        abort(404)
    api_tokens.revoke_token(token, actor=actor, now=now())
    return ""
