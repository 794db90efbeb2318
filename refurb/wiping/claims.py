"""What a wipe record claims, as plain values (from a form, a log or the wiping station), and
its check against the rules of refurb.core.sanitization. No database here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.sanitization import (
    MediaKind,
    Outcome,
    Result,
    SanitizationClaim,
    Technique,
    Verification,
    check_claim,
)
from refurb.wiping.models import WipeRecord


@dataclass(frozen=True)
class WipeInput:
    """What was done to a drive, as plain values (from a form, a log or the station)."""

    technique: str
    outcome: str | None
    verification: str = Verification.NONE.value
    verification_passed: bool | None = None
    result: str = Result.PASSED.value
    pattern: str = ""
    passes: int | None = None
    tool: str = ""
    tool_version: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    pass_errors: int = 0
    verify_errors: int = 0
    fsync_errors: int = 0
    notes: str = ""


def media_kind(value: str) -> MediaKind:
    try:
        return MediaKind(value)
    except ValueError:
        raise InvalidInput(N_("Type de support inconnu : %(value)s"), value=value) from None


def _enum(cls, value, label: str):
    try:
        return cls(value)
    except ValueError:
        raise InvalidInput(N_("%(field)s inconnu(e) : %(value)s"), field=Message(label),
                           value=value) from None


def claim_for(kind: MediaKind, values: WipeInput) -> SanitizationClaim:
    technique = _enum(Technique, values.technique, N_("Technique"))
    outcome = None
    if technique is not Technique.VERIFY_ONLY and values.outcome:
        outcome = _enum(Outcome, values.outcome, N_("Niveau NIST"))
    verification = _enum(Verification, values.verification, N_("Vérification"))
    return SanitizationClaim(
        kind=kind,
        technique=technique,
        outcome=outcome,
        verification=verification,
        verification_passed=(
            None if verification is Verification.NONE and technique is not Technique.VERIFY_ONLY
            else values.verification_passed
        ),
        result=_enum(Result, values.result, N_("Résultat")),
        error_count=values.pass_errors + values.verify_errors + values.fsync_errors,
        passes=values.passes,
        pattern=values.pattern or None,
    )


def check_consistency(claim: SanitizationClaim) -> list[str]:
    """Refusals about what is claimed (outcome vs technique vs media), whatever the result.

    A failed or aborted attempt is still recorded (it is history, and errors mean the drive
    must be destroyed); a claim that could never be true is not.
    """
    if claim.technique is Technique.VERIFY_ONLY:
        return []
    as_if_passed = replace(claim, result=Result.PASSED, error_count=0, verification_passed=None)
    verdict = check_claim(as_if_passed)
    return [] if verdict.accepted else verdict.reasons


def input_of(record: WipeRecord) -> WipeInput:
    return WipeInput(
        technique=record.technique,
        outcome=record.outcome,
        verification=record.verification,
        verification_passed=record.verification_passed,
        result=record.result,
        passes=record.passes,
        pattern=record.pattern,
        pass_errors=record.pass_errors,
        verify_errors=record.verify_errors,
        fsync_errors=record.fsync_errors,
    )


def verdict_of(record: WipeRecord):
    """What a stored record is worth under the rules (refurb.core.sanitization.ClaimCheck)."""
    return check_claim(claim_for(MediaKind(record.media_kind), input_of(record)))
