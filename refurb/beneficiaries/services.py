"""What other domains (allocations, training, reports) use of beneficiary files, in one
place. Inside this domain, import the topic modules themselves:

- ``files``            create and edit a file, record a contact, ``public_view``;
- ``file_values``      what a social worker types, and its checking;
- ``workflow``         next steps, ``decide``, ``mark_served``, invariant 2;
- ``policy``           the versioned eligibility policy;
- ``evaluation``       a file's household facts evaluated by the core;
- ``document_checks``  documents seen; ``access_log`` who opened which file;
- ``gdpr``             retention, purge, anonymisation; ``export`` the subject-access export.
"""

from __future__ import annotations

from refurb import extension_points as _points
from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.file_values import FileValues
from refurb.beneficiaries.files import (
    PublicView,
    create_file,
    pseudonym_of,
    public_view,
    record_contact,
)
from refurb.beneficiaries.gdpr import (
    RETENTION_SETTING,
    anonymise,
)
from refurb.beneficiaries.labels import KIND_LABELS
from refurb.beneficiaries.policy import get_current_policy
from refurb.beneficiaries.workflow import (
    decide,
    display_status,
    is_approved_and_valid,
    mark_served,
    require_approved_and_valid,
)

# The registries themselves (see refurb.extension_points), for callers that inspect them.
PURGE_BLOCKERS = _points.purge_blockers
PERSONAL_DOCUMENT_SUBJECTS = _points.personal_documents

__all__ = [
    "KIND_LABELS",
    "PERSONAL_DOCUMENT_SUBJECTS",
    "PURGE_BLOCKERS",
    "RETENTION_SETTING",
    "FileValues",
    "PublicView",
    "anonymise",
    "create_file",
    "decide",
    "display_status",
    "get_current_policy",
    "is_approved_and_valid",
    "mark_served",
    "pseudonym_of",
    "public_view",
    "record_access",
    "record_contact",
    "require_approved_and_valid",
]
