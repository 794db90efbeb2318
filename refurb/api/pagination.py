"""Cursor pagination: pages that stay right while rows are added (a bench adds devices all day),
which page numbers do not. The cursor is opaque to the caller: the last id seen, encoded."""

from __future__ import annotations

import base64
import binascii

from flask import request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from refurb.api.problems import ApiProblem
from refurb.api.schemas import MAX_ID
from refurb.core.i18n import N_
from refurb.extensions import db


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        kind, _, value = raw.partition(":")
        last_id = int(value)
        if kind != "id" or not 1 <= last_id <= MAX_ID + 1:
            raise ValueError(raw)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiProblem(400, N_("Curseur de pagination invalide : reprenez la liste depuis le "
                                 "début."), code="invalid_cursor") from None
    return last_id


def cursor_page(query: Select, id_column: InstrumentedAttribute, args: dict) -> dict:
    """{"items", "next_cursor"} newest first; the query's own order is replaced by id."""
    limit = args["limit"]
    query = query.order_by(None).order_by(id_column.desc())
    if args.get("cursor"):
        query = query.where(id_column < decode_cursor(args["cursor"]))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return {"items": rows[:limit], "next_cursor": next_cursor}


def link_header(page: dict) -> dict[str, str]:
    """RFC 8288 `Link: <…>; rel="next"` for clients that follow links rather than read bodies."""
    if not page["next_cursor"]:
        return {}
    args = {**request.args.to_dict(), "cursor": page["next_cursor"]}
    url = url_for(request.endpoint, **(request.view_args or {}), **args)
    return {"Link": f'<{url}>; rel="next"'}
