"""Data sanitization rules (NIST SP 800-88): what a wipe or destruction is worth.

Outcomes are Clear < Purge (logical, then lab-proof) and Destroy (physical). What a technique can
reach depends on the media: on flash (SSD, NVMe, eMMC) an overwrite or an ATA Secure Erase only
reaches Clear, because of wear levelling and spare blocks; physical techniques give Destroy and
nothing else; degaussing does nothing to flash.

Decisions taken here (documented because the standard leaves them to the organisation):

- A claim above what the technique reaches is *refused* (not silently downgraded): the record
  must say the truth, e.g. an overwrite of an SSD is recorded as "Effacement (Clear)".
- An overwrite without verification is accepted, with a note in ``reasons``: NIST recommends
  verification, but a completed overwrite is still a Clear.
- A verification-only run (nwipe "Verify Zeros/Ones") never counts: it proves blankness, it
  does not erase. A failed one after a passing wipe cancels "passing" (the drive is no longer
  shown blank) without requiring destruction: wipe again.
- Failed or aborted runs never count. Reconciling "a failed wipe then a passing one: the drive
  passes" with "a drive with a failed wipe can only be destroyed":
  * a failed/aborted run that reported **no errors** (operator abort, power loss, tool crash)
    may be retried; a later passing wipe makes the drive pass;
  * a run that reported **errors** (pass, verification or fsync errors: the media is faulty)
    means the drive must be destroyed; only a later passing destroy record makes it pass.
- Among records, the latest attempt decides: a passing wipe followed by an aborted one leaves
  the drive blocked until a new wipe passes.

The package reads in topics: `vocabulary` (outcomes, techniques, media and their French
labels), `claims` (what one record may claim), `status` (what a drive's records add up to),
`from_nwipe` (the claim an nwipe log makes).
"""

from __future__ import annotations

from refurb.core.sanitization.claims import ClaimCheck, SanitizationClaim, check_claim, max_outcome
from refurb.core.sanitization.from_nwipe import guess_kind, nwipe_to_claim
from refurb.core.sanitization.status import DriveSanitizationStatus, RecordFacts, drive_status
from refurb.core.sanitization.vocabulary import (
    FLASH,
    LABELS_FR,
    PHYSICAL,
    MediaKind,
    Outcome,
    Result,
    Technique,
    Verification,
    label_fr,
)

__all__ = [
    "FLASH",
    "LABELS_FR",
    "PHYSICAL",
    "ClaimCheck",
    "DriveSanitizationStatus",
    "MediaKind",
    "Outcome",
    "RecordFacts",
    "Result",
    "SanitizationClaim",
    "Technique",
    "Verification",
    "check_claim",
    "drive_status",
    "guess_kind",
    "label_fr",
    "max_outcome",
    "nwipe_to_claim",
]
