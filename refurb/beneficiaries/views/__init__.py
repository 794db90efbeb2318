"""Beneficiary files' pages: social workers and admins only (invariant 4). Every opening of a
file (page, edit form, export) writes an access-log row in the same transaction.

- ``files``      lists, the waiting list, creating, editing and showing a file;
- ``decisions``  a file's next status and its document checks;
- ``exports``    the subject-access export (JSON, PDF);
- ``policy``     the eligibility policy: the version in force, its history, the admin's form.
"""

from __future__ import annotations

from refurb.beneficiaries.views import decisions, exports, files, policy
from refurb.beneficiaries.views.blueprint import bp

__all__ = ["bp", "decisions", "exports", "files", "policy"]
