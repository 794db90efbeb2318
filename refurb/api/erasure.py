"""Erasure: sanitization records, and nwipe / ShredOS logs sent by a station or a script.

A log goes through the very use case of the web import (refurb.wiping.log_import): stored
once per SHA-256, each drive recorded against the inventory drive the wiping domain's
matching rules find, the others left pending with the reason, to attach by scanning a tag.
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort, url_for
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import STAFF, WORKSHOP
from refurb.api.auth import caller, caller_id, links, operation
from refurb.api.pagination import cursor_page, link_header
from refurb.api.schemas import CursorArgs, Id, Text, UtcDateTime, page_schema, path_id
from refurb.core.errors import DomainError
from refurb.core.i18n import N_
from refurb.core.sanitization import MediaKind, Result
from refurb.extensions import db
from refurb.web import get_or_404, now, translate
from refurb.wiping import log_import, overview, queries
from refurb.wiping.log_matching import Actor
from refurb.wiping.models import SOURCES, WipeLog, WipeRecord

blp = Blueprint("api_erasure", __name__, description="Effacements des données")

MAX_LOG_CHARS = log_import.MAX_LOG_BYTES
ALREADY_IMPORTED = N_("journal déjà importé : ce disque attend d’être rattaché à un support "
                      "(page du journal)")


class RecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    drive_id = ma.fields.Integer(required=True)
    media_kind = ma.fields.String(required=True)
    technique = ma.fields.String(required=True)
    outcome = ma.fields.String(required=True, allow_none=True)
    pattern = ma.fields.String(required=True)
    passes = ma.fields.Integer(required=True, allow_none=True)
    tool = ma.fields.String(required=True)
    tool_version = ma.fields.String(required=True)
    verification = ma.fields.String(required=True)
    verification_passed = ma.fields.Boolean(required=True, allow_none=True)
    result = ma.fields.String(required=True)
    started_at = UtcDateTime(required=True, allow_none=True)
    finished_at = UtcDateTime(required=True)
    pass_errors = ma.fields.Integer(required=True)
    verify_errors = ma.fields.Integer(required=True)
    fsync_errors = ma.fields.Integer(required=True)
    host_device_id = ma.fields.Integer(required=True, allow_none=True)
    host_asset_tag = ma.fields.String(required=True)
    source = ma.fields.String(required=True)
    log_id = ma.fields.Integer(required=True, allow_none=True)
    log_drive_index = ma.fields.Integer(required=True, allow_none=True)
    notes = ma.fields.String(required=True)
    created_at = UtcDateTime(required=True)


class ValidatedRecordSchema(RecordSchema):
    validated = ma.fields.Function(lambda r: r.validation is not None, required=True)


RecordPage = page_schema(ValidatedRecordSchema, "RecordPage")


class RecordListArgs(CursorArgs):
    drive_id = Id()
    result = ma.fields.String(validate=validate.OneOf([r.value for r in Result]))
    source = ma.fields.String(validate=validate.OneOf(SOURCES))


class LogUploadSchema(ma.Schema):
    filename = Text(load_default="journal.log", validate=validate.Length(min=1, max=255))
    content = ma.fields.String(required=True, validate=validate.Length(min=1, max=MAX_LOG_CHARS),
                               metadata={"description": "Le journal nwipe tel qu’il a été écrit."})
    host_tag = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40),
                    metadata={"description": "Numéro d’inventaire de la machine où le journal a "
                              "été écrit : le seul disque que le journal n’identifie pas (sans "
                              "n° de série) y est rattaché, comme par un scan sur la page du "
                              "journal."})


class LogDriveSchema(ma.Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "Rang dans le journal."})
    device = ma.fields.String(required=True, metadata={"description": "Ex. /dev/sda"})
    model = ma.fields.String(required=True, allow_none=True)
    serial = ma.fields.String(required=True, allow_none=True)
    status = ma.fields.String(required=True)
    record = ma.fields.Nested(RecordSchema, required=True, allow_none=True)
    reason = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "Pourquoi ce disque n’est pas encore enregistré."})


class LogSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    sha256 = ma.fields.String(required=True)
    filename = ma.fields.String(required=True)
    size_bytes = ma.fields.Integer(required=True)
    tool = ma.fields.String(required=True)
    tool_version = ma.fields.String(required=True)
    drive_count = ma.fields.Integer(required=True)
    uploaded_at = UtcDateTime(required=True)
    web_url = ma.fields.Function(lambda log: url_for("wiping.show_log", log_id=log.id,
                                                     _external=True), required=True)


class ImportSchema(ma.Schema):
    created = ma.fields.Boolean(required=True, metadata={
        "description": "false : ce journal (même SHA-256) était déjà importé."})
    log = ma.fields.Nested(LogSchema, required=True)
    drives = ma.fields.List(ma.fields.Nested(LogDriveSchema), required=True)
    warnings = ma.fields.List(ma.fields.String(), required=True)


class AttachSchema(ma.Schema):
    tag = Text(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "Numéro d’inventaire de l’appareil ou du support retiré."})
    kind = ma.fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf([k.value for k in MediaKind]))


def _drive_line(index: int, found, record: WipeRecord | None, reason: str | None) -> dict:  # noqa: ANN001
    return {"index": index, "device": found.device, "model": found.model,
            "serial": found.serial, "status": found.status, "record": record, "reason": reason}


def _import_answer(outcome: log_import.ImportOutcome) -> dict:
    return {"created": outcome.created, "log": outcome.log,
            "drives": _log_lines(outcome.log, outcome.pending, outcome.created),
            "warnings": [translate(w) for w in outcome.warnings or outcome.log.warnings or []]}


def _log_lines(log: WipeLog, pending: list[log_import.PendingDrive] = (),
               fresh: bool = False) -> list[dict]:
    """Each drive of the log with its record, or why it has none yet."""
    reasons = {p.index: p.describe(translate) for p in pending}
    waiting = translate(ALREADY_IMPORTED)
    return [_drive_line(d.index, d.drive, d.record,
                        None if d.record is not None
                        else reasons.get(d.index, None if fresh else waiting))
            for d in overview.log_drives(log)]


def _actor() -> Actor:
    holder = caller()
    return Actor(holder.user_id, is_admin=holder.role == "admin")


def _attach_to_host(outcome: log_import.ImportOutcome, tag: str) -> None:
    """The one drive left pending goes to the host through the web's attach use case; with
    several left, which is which would be a guess: they stay pending."""
    if len(outcome.pending) != 1:
        return
    pending = outcome.pending[0]
    try:
        with db.session.begin_nested():
            record = log_import.attach_log_drive(outcome.log, pending.index, tag, None,
                                                 actor=_actor(), now=now())
    except DomainError as error:
        pending.reason, pending.details = error.msg, list(error.reasons)
        return
    outcome.pending.remove(pending)
    outcome.recorded.append(record)


@blp.route("/erasure-records")
@operation(scopes=("read",), roles=STAFF)
@blp.arguments(RecordListArgs, location="query")
@blp.response(200, RecordPage)
@blp.doc(**links(200, GetRecord=("get_record", {"record_id": "$response.body#/items/0/id"}),
                 GetDrive=("get_drive", {"drive_id": "$response.body#/items/0/drive_id"}),
                 GetLog=("get_log", {"log_id": "$response.body#/items/0/log_id"})))
def list_records(args):
    """Effacements enregistrés, les plus récents d’abord"""
    query = queries.list_records_query(args.get("result"), args.get("source"))
    if args.get("drive_id"):
        query = query.where(WipeRecord.drive_id == args["drive_id"])
    page = cursor_page(query, WipeRecord.id, args)
    return page, 200, link_header(page)


@blp.route(f"/erasure-records/{path_id('record_id')}")
@operation(scopes=("read",), roles=STAFF)
@blp.response(200, ValidatedRecordSchema)
def get_record(record_id: int):
    """Un effacement"""
    return queries.get_record(record_id) or abort(404)


@blp.route("/wipe-logs", methods=["POST"])
@operation(scopes=("write", "station"), roles=WORKSHOP, idempotent=True)
@blp.arguments(LogUploadSchema)
@blp.response(201, ImportSchema, description="Journal importé")
@blp.doc(**links(201, GetLog=("get_log", {"log_id": "$response.body#/log/id"}),
                 Attach=("attach_drive", {"log_id": "$response.body#/log/id",
                                          "index": "$response.body#/drives/0/index"})))
@blp.alt_response(200, schema=ImportSchema, description="Journal déjà importé (même contenu)")
def upload_log(values):
    """Envoyer un journal nwipe / ShredOS : chaque disque est rattaché à son support par son
    n° de série, comme à l’import de la page Effacement"""
    data = values["content"].encode("utf-8", errors="replace")
    outcome = log_import.import_nwipe_log(values["filename"], data, actor_id=caller_id(),
                                          now=now())
    if values["host_tag"] and outcome.created:
        _attach_to_host(outcome, values["host_tag"])
    location = {"Location": url_for("api_erasure.get_log", log_id=outcome.log.id)}
    return _import_answer(outcome), 201 if outcome.created else 200, location


@blp.route(f"/wipe-logs/{path_id('log_id')}")
@operation(scopes=("read", "station"), roles=STAFF)
@blp.response(200, ImportSchema)
def get_log(log_id: int):
    """Un journal importé, disque par disque"""
    log = get_or_404(WipeLog, log_id)
    return {"created": False, "log": log, "drives": _log_lines(log),
            "warnings": [translate(w) for w in log.warnings or []]}


@blp.route(f"/wipe-logs/{path_id('log_id')}/drives/<int(max=1000):index>/attach",
           methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.arguments(AttachSchema)
@blp.response(201, RecordSchema)
def attach_drive(values, log_id: int, index: int):
    """Rattacher un disque du journal resté en attente à un numéro d’inventaire scanné"""
    log = get_or_404(WipeLog, log_id)
    return log_import.attach_log_drive(log, index, values["tag"], values["kind"],
                                       actor=_actor(), now=now())
