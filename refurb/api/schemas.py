"""Shapes shared by every resource: safe text, UTC times, ids, pages, problems."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import validate

from refurb.core.i18n import N_

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


class Text(ma.fields.String):
    """A string any database stores: no NUL character, no lone surrogate, spaces trimmed."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ma.ValidationError(N_("Caractère nul interdit."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError(N_("Texte mal encodé (UTF-8 attendu).")) from None
        return text.strip()


class UtcDateTime(ma.fields.DateTime):
    """Times are stored naive in UTC; they leave as RFC 3339 with their offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()


def Id(**kwargs) -> ma.fields.Integer:  # noqa: N802 - reads like a field class
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def path_id(name: str) -> str:
    """A path segment for an id: out-of-range numbers are 404s, never database errors."""
    return f"<int(min=1, max={MAX_ID}):{name}>"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, in the language asked for with Accept-Language."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Conflit"})
    status = ma.fields.Integer(required=True, metadata={"example": 409})
    detail = ma.fields.String()
    instance = ma.fields.String()
    code = ma.fields.String(metadata={"description": "Code stable, lisible par un programme."})
    reasons = ma.fields.List(ma.fields.String())
    errors = ma.fields.Dict(metadata={"description": "Champs refusés, par emplacement."})


class CursorArgs(ma.Schema):
    cursor = Text(validate=validate.Length(max=100), metadata={
        "description": "La valeur `next_cursor` de la page précédente."})
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "next_cursor": ma.fields.String(required=True, allow_none=True),
    })
