"""The GDPR purge: files with no contact for the retention period are anonymised — names,
contacts, address line, birth date, exact income and free text erased; kind, commune,
composition, QF band, situations, decisions and the access log kept for statistics.

Other domains keep a file out of the purge (a device still on loan) through
``extension_points.purge_blockers`` and name the issued documents that carry the person's
identity through ``extension_points.personal_documents``; both are registered in refurb.wiring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from refurb import extension_points as points
from refurb.beneficiaries import queries
from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.file_values import PERSONAL_TEXT
from refurb.beneficiaries.files import flush_file
from refurb.beneficiaries.models import AccessAction, Beneficiary
from refurb.clock import local_date
from refurb.core.eligibility import add_months
from refurb.core.i18n import N_
from refurb.documents.services import erase_personal_content
from refurb.extension_points import Definition
from refurb.settings.services import get as get_setting

RETENTION_SETTING = "beneficiaries.retention_months"
RETENTION = Definition(
    RETENTION_SETTING,
    N_("Conservation des dossiers sans contact (mois)"),
    "int",
    24,
    help=N_("Au-delà, le dossier est anonymisé par la purge RGPD automatique de chaque nuit "
            "(CNIL, délibération 2023-095 : 2 ans après le dernier contact)."),
    minimum=1,
    section=N_("Bénéficiaires et RGPD"),
)




@dataclass(frozen=True)
class PurgeCandidate:
    beneficiary: Beneficiary
    kept_because: str | None  # a blocker's reason; None: anonymised (or would be)


def retention_cutoff(now: datetime) -> datetime:
    months = int(get_setting(RETENTION_SETTING))
    return datetime.combine(add_months(local_date(now), -months), now.time())


def purge_inactive(*, now: datetime, dry_run: bool = False) -> list[PurgeCandidate]:
    """Anonymise files with no contact since the retention cutoff; ``dry_run`` changes nothing."""
    results = []
    for beneficiary in queries.stale_files(retention_cutoff(now)):
        kept = next((r for r in (b(beneficiary) for b in points.purge_blockers) if r), None)
        if kept is None and not dry_run:
            anonymise(beneficiary, actor_id=None, now=now)
        results.append(PurgeCandidate(beneficiary, kept))
    return results


def anonymise(beneficiary: Beneficiary, *, actor_id: int | None, now: datetime) -> None:
    """Erase what identifies the person (see the module's docstring); keep the rest."""
    for name in PERSONAL_TEXT:
        setattr(beneficiary, name, "")
    beneficiary.birth_date = None
    beneficiary.notify_channel, beneficiary.notify_consent_at = "none", None
    beneficiary.stated_quotient = beneficiary.annual_income = None
    beneficiary.tax_shares = beneficiary.monthly_benefits = None
    for check in queries.get_document_checks(beneficiary.id):
        check.label = ""
    subjects = [f"beneficiary:{beneficiary.id}"]
    for finder in points.personal_documents:
        subjects.extend(finder(beneficiary))
    erase_personal_content(subjects, now=now)
    beneficiary.anonymised_at = now
    beneficiary.updated_at = now
    record_access(beneficiary, AccessAction.ANONYMISE, actor_id=actor_id, now=now)
    flush_file(beneficiary)
