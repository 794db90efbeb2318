"""The subject-access export (GDPR art. 15), as JSON and PDF; each download is logged."""

from __future__ import annotations

import json

from flask import Response, current_app

from refurb.accounts.access import SOCIAL, roles_required
from refurb.beneficiaries import export
from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.models import AccessAction, Beneficiary
from refurb.beneficiaries.views.blueprint import bp
from refurb.database import writes_on_get
from refurb.documents.pdf import workshop_letterhead
from refurb.web import actor_id, get_or_404, now


@bp.get("/<int:beneficiary_id>/export.json")
@roles_required(*SOCIAL)
@writes_on_get
def export_json(beneficiary_id: int):
    data, pseudonym = _exported(beneficiary_id, "json")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(body.encode(), "application/json", f"{pseudonym}-donnees.json")


@bp.get("/<int:beneficiary_id>/export.pdf")
@roles_required(*SOCIAL)
@writes_on_get
def export_pdf(beneficiary_id: int):
    data, pseudonym = _exported(beneficiary_id, "pdf")
    content = export.render_pdf(data, workshop_letterhead(current_app.config))
    return _download(content, "application/pdf", f"{pseudonym}-donnees.pdf")


def _exported(beneficiary_id: int, detail: str) -> tuple[dict, str]:
    """The file's data, its download logged first so the export lists itself."""
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    record_access(beneficiary, AccessAction.EXPORT, actor_id=actor_id(), now=now(),
                  detail=detail)
    return export.subject_access_data(beneficiary, generated_at=now()), beneficiary.pseudonym


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    # Personal data: never cached by a browser or a proxy.
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })
