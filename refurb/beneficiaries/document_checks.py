"""That a document was seen (tax notice, CAF certificate…), when and by whom. The document
itself is never stored."""

from __future__ import annotations

from datetime import date, datetime

from refurb.beneficiaries.files import flush_file, require_open
from refurb.beneficiaries.models import Beneficiary, DocumentCheck, DocumentKind
from refurb.clock import local_date
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db


def record_document_check(
    beneficiary: Beneficiary,
    kind: str,
    *,
    checked_on: date,
    actor_id: int | None,
    now: datetime,
    label: str = "",
) -> DocumentCheck:
    require_open(beneficiary)
    if kind not in {k.value for k in DocumentKind}:
        raise InvalidInput(N_("Type de document inconnu : %(kind)s."), kind=kind)
    label = (label or "").strip()
    if kind == DocumentKind.OTHER and not label:
        raise InvalidInput(N_("Précisez quel document a été vérifié."))
    if checked_on > local_date(now):
        raise InvalidInput(N_("La date de vérification ne peut pas être dans le futur."))
    check = DocumentCheck(
        beneficiary_id=beneficiary.id,
        kind=kind,
        label=label if kind == DocumentKind.OTHER else "",
        checked_on=checked_on,
        checked_by_id=actor_id,
        recorded_at=now,
    )
    db.session.add(check)
    beneficiary.last_contact_at = max(beneficiary.last_contact_at, now)
    flush_file(beneficiary)
    return check
