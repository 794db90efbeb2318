"""ETag and If-Match over the optimistic version column: a write sent with the ETag read
earlier is refused with 412 if the row changed since, instead of silently winning."""

from __future__ import annotations

from flask import request

from refurb.api.problems import ApiProblem
from refurb.core.i18n import N_

PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "L’ETag lu avec la ressource : la modification est refusée (412) si "
                   "quelqu’un l’a changée depuis.",
    "schema": {"type": "string", "maxLength": 200},
}


def etag_of(row) -> str:  # noqa: ANN001 - any model with a version column
    return f'"v{row.version}"'


def check_if_match(row) -> bool:  # noqa: ANN001
    """True when the caller sent If-Match (and it matches); 412 with the current ETag when
    it names an older version; False when the caller sent none."""
    if "If-Match" not in request.headers:
        return False
    current = etag_of(row)
    if request.if_match.star_tag or request.if_match.contains(current.strip('"')):
        return True
    raise ApiProblem(412, N_("%(name)s a été modifié depuis votre lecture (version actuelle : "
                             "%(etag)s) : relisez-le avant de recommencer."),
                     code="stale_version", headers={"ETag": current},
                     name=getattr(row, "asset_tag", None) or getattr(row, "number", ""),
                     etag=current)
