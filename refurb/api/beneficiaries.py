"""Beneficiary files, for social workers' and admins' tokens only (invariant 4), each file
opened written to the access log exactly as the file page does. Everyone else meets
beneficiaries only as pseudonyms, in device histories."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import SOCIAL
from refurb.api.auth import caller_id, links, operation
from refurb.api.pagination import cursor_page, link_header
from refurb.api.schemas import CursorArgs, UtcDateTime, page_schema, path_id
from refurb.beneficiaries import queries, workflow
from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.models import AccessAction, Beneficiary, Kind
from refurb.clock import local_date
from refurb.core.applications import Status
from refurb.database import will_write
from refurb.web import get_or_404, now, translate

blp = Blueprint("api_beneficiaries", __name__,
                description="Dossiers bénéficiaires (travailleurs sociaux et administrateurs)")

ACCESS_DETAIL = "api"  # the access log tells a file read through the API from its page


def _status(b: Beneficiary) -> str:
    return workflow.display_status(b, local_date(now()))[0]


def _status_label(b: Beneficiary) -> str:
    return translate(workflow.display_status(b, local_date(now()))[1])


class BeneficiarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    pseudonym = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    status = ma.fields.Function(_status, required=True)
    status_label = ma.fields.Function(_status_label, required=True)
    commune = ma.fields.String(required=True)
    priority = ma.fields.Integer(required=True)
    approved_until = ma.fields.Date(required=True, allow_none=True)
    anonymised = ma.fields.Function(lambda b: b.anonymised_at is not None, required=True)


class BeneficiaryDetailSchema(BeneficiarySchema):
    last_name = ma.fields.String(required=True)
    first_name = ma.fields.String(required=True)
    organisation_name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    phone = ma.fields.String(required=True)
    address_line = ma.fields.String(required=True)
    postal_code = ma.fields.String(required=True)
    adults = ma.fields.Integer(required=True)
    children = ma.fields.Integer(required=True)
    qf_band = ma.fields.String(required=True)
    situations = ma.fields.Function(lambda b: sorted(s.value for s in b.situations),
                                    required=True)
    submitted_on = ma.fields.Date(required=True, allow_none=True)
    approved_on = ma.fields.Date(required=True, allow_none=True)
    last_device_received_on = ma.fields.Date(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)


BeneficiaryPage = page_schema(BeneficiarySchema, "BeneficiaryPage")


class BeneficiaryListArgs(CursorArgs):
    status = ma.fields.String(validate=validate.OneOf([s.value for s in Status]))
    kind = ma.fields.String(validate=validate.OneOf([k.value for k in Kind]))


@blp.route("/beneficiaries")
@operation(scopes=("read",), roles=SOCIAL)
@blp.arguments(BeneficiaryListArgs, location="query")
@blp.response(200, BeneficiaryPage)
@blp.doc(**links(200, GetFile=("get_file",
                                {"beneficiary_id": "$response.body#/items/0/id"})))
def list_files(args):
    """Dossiers, les plus récents d’abord (comme la liste du site, sans journal d’accès)"""
    page = cursor_page(queries.list_files_query(args.get("status"), args.get("kind")),
                       Beneficiary.id, args)
    return page, 200, link_header(page)


@blp.route(f"/beneficiaries/{path_id('beneficiary_id')}")
@operation(scopes=("read",), roles=SOCIAL)
@blp.response(200, BeneficiaryDetailSchema)
def get_file(beneficiary_id: int):
    """Un dossier ; la consultation entre dans son journal d’accès"""
    will_write()  # the access-log row
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    record_access(beneficiary, AccessAction.VIEW, actor_id=caller_id(), now=now(),
                  detail=ACCESS_DETAIL)
    return beneficiary
