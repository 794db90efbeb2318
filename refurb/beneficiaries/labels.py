"""French names of a file's codes (kind, status, referrer, document, access, situation, QF
band): msgids, translated where they are shown."""

from __future__ import annotations

from refurb.beneficiaries.models import AccessAction, DocumentKind, Kind, Referrer
from refurb.core.applications import STATUS_LABELS
from refurb.core.eligibility import LABELS_FR
from refurb.core.i18n import N_
from refurb.core.needs import KIND_LABELS as NEED_KIND_LABELS
from refurb.core.quotient import QF_BAND_LABELS

KIND_LABELS = {
    Kind.HOUSEHOLD: N_("Foyer"),
    Kind.PUPIL: N_("Famille d'élève (dispositif scolaire)"),
    Kind.SCHOOL: N_("École"),
    Kind.ASSOCIATION: N_("Association"),
}
REFERRER_LABELS = {
    Referrer.CCAS: N_("CCAS"),
    Referrer.MISSION_LOCALE: N_("Mission locale"),
    Referrer.SCHOOL_SOCIAL_WORKER: N_("Assistante sociale scolaire"),
    Referrer.ASSOCIATION: N_("Association"),
    Referrer.SELF: N_("Démarche personnelle"),
    Referrer.OTHER: N_("Autre"),
}
DOCUMENT_LABELS = {
    DocumentKind.TAX_NOTICE: N_("Avis d'imposition"),
    DocumentKind.CAF_CERTIFICATE: N_("Attestation CAF (quotient familial)"),
    DocumentKind.PROOF_OF_ADDRESS: N_("Justificatif de domicile"),
    DocumentKind.OTHER: N_("Autre document"),
}
ACCESS_LABELS = {
    AccessAction.VIEW: N_("Consultation"),
    AccessAction.EDIT: N_("Modification"),
    AccessAction.EXPORT: N_("Export"),
    AccessAction.ANONYMISE: N_("Anonymisation"),
}
# An approval past its date shows as this pseudo-status (it is still "approved" in the table).
EXPIRED = "expired"
EXPIRED_LABEL = N_("Accord expiré")


def template_labels() -> dict[str, dict[str, str]]:
    """French labels by code, for pages and exports (translated by the caller)."""
    return {
        "kind": {k.value: v for k, v in KIND_LABELS.items()},
        "status": {k.value: v for k, v in STATUS_LABELS.items()} | {EXPIRED: EXPIRED_LABEL},
        "referrer": {k.value: v for k, v in REFERRER_LABELS.items()},
        "document": {k.value: v for k, v in DOCUMENT_LABELS.items()},
        "access": {k.value: v for k, v in ACCESS_LABELS.items()},
        "situation": {k.value: v for k, v in LABELS_FR.items()},
        "qf_band": dict(QF_BAND_LABELS),
        "need_kind": dict(NEED_KIND_LABELS),
    }
