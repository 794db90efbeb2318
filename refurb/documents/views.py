"""Download of issued documents: staff see all; a donor only those of its own organisation."""

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user

from refurb.accounts.access import STAFF, roles_required
from refurb.accounts.models import Role
from refurb.documents.models import IssuedDocument
from refurb.documents.permissions import can_read_document
from refurb.extensions import db

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.get("/<int:document_id>/<path:filename>")
@roles_required(*STAFF, Role.DONOR)
def download(document_id: int, filename: str):
    document = db.session.get(IssuedDocument, document_id)
    # Another donor's document answers exactly like a missing one: ids reveal nothing.
    if (document is None or not can_read_document(current_user, document)
            or filename != document.filename):
        abort(404)
    if document.content_erased_at is not None:
        abort(410)  # erased at the end of its retention period
    return send_file(io.BytesIO(document.content), mimetype=document.media_type,
                     download_name=document.filename, as_attachment=False)
