"""Home page queues of beneficiary files: drafts to complete, files waiting for a decision."""

from __future__ import annotations

from flask import url_for

from refurb.beneficiaries import queries
from refurb.beneficiaries.policy import get_current_policy
from refurb.core.applications import Status
from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue


def _decidable_by(reader) -> tuple[int, bool]:
    return reader.user_id, get_current_policy().four_eyes


DRAFTS = HomeQueue(
    "files_incomplete", N_("dossiers incomplets (brouillons)"),
    count=lambda reader: queries.count_files(Status.DRAFT.value),
    link=lambda reader: url_for("beneficiaries.list_files", status=Status.DRAFT.value),
    hint=N_("Complétez-les et déposez-les pour décision."), order=10)

TO_DECIDE = HomeQueue(
    "files_to_decide", N_("dossiers déposés en attente de votre validation"),
    count=lambda reader: queries.count_files(decidable_by=_decidable_by(reader)),
    link=lambda reader: url_for("beneficiaries.list_files", decide="1"),
    hint=N_("Avec la double validation, un dossier est validé par une autre personne que "
            "celle qui l’a créé."), order=20)
