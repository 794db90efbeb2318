"""Download of issued documents (staff see all; a donor only those of its own organisation),
and the public verification page (no sign-in: refurb.documents.verification)."""

import io

from flask import Blueprint, abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import STAFF, roles_required
from refurb.accounts.models import Role
from refurb.documents import verification
from refurb.documents.forms import VerifyForm
from refurb.documents.models import IssuedDocument
from refurb.documents.permissions import can_read_document
from refurb.extensions import db
from refurb.workshops.context import network_wide

bp = Blueprint("documents", __name__, url_prefix="/documents")
public_bp = Blueprint("verification", __name__)


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


@public_bp.route("/verify", methods=["GET", "POST"])
@public_bp.route("/verify/<link>", methods=["GET", "POST"])
def verify(link: str = ""):
    """Public: is this document genuine? `link` is the token of a printed link; anything else
    (a bare number, a typo) answers exactly like no link at all. Network-wide: a document
    stays verifiable whichever workshop of the network issued it."""
    with network_wide():
        return _verify(link)


def _verify(link: str):
    expected = verification.document_for_token(link)
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        data, digest = form.upload(), form.sha256.data
        if data is None and not digest:
            form.sha256.errors = [_("Déposez le fichier PDF ou collez son empreinte.")]
        else:
            verdict = verification.verify(data=data, digest=digest, expected=expected)
    return render_template("documents/verify.html", form=form, verdict=verdict,
                           expected=expected,
                           expected_label=verification.KIND_LABELS.get(expected.kind, "")
                           if expected else "")
