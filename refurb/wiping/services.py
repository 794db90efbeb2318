"""The wiping domain as other domains use it (WEEE asks whether a loose drive may leave; tests
of other domains add drives and records). Inside the domain, import the topic modules:
`drives`, `records`, `claims`, `status`, `log_import`, `station`, `overview`, `certificates`.
"""

from __future__ import annotations

from refurb.wiping.claims import WipeInput
from refurb.wiping.drives import NewDrive, add_drive, remove_drive
from refurb.wiping.records import record_wipe, validate_record
from refurb.wiping.status import (
    drive_is_sanitized,
    drive_label,
    statuses,
    unsanitized_drive_lines,
    unsanitized_lines_for_drives,
)

__all__ = [
    "NewDrive",
    "WipeInput",
    "add_drive",
    "drive_is_sanitized",
    "drive_label",
    "record_wipe",
    "remove_drive",
    "statuses",
    "unsanitized_drive_lines",
    "unsanitized_lines_for_drives",
    "validate_record",
]
