"""What a drive's records add up to: passing or blocked, the best outcome reached, whether it
must now be destroyed, and why it is blocked (French lines shown as they are)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from refurb.core.sanitization.claims import RANK
from refurb.core.sanitization.vocabulary import PHYSICAL, Outcome, Result, Technique


@dataclass(frozen=True)
class RecordFacts:
    """One stored sanitization record of a drive (what ``drive_status`` needs of it)."""

    technique: Technique
    outcome: Outcome | None
    result: Result
    error_count: int = 0
    verification_passed: bool | None = None
    finished_at: datetime | None = None
    validated: bool = False


@dataclass(frozen=True)
class DriveSanitizationStatus:
    """``validated``: the record giving ``best_outcome`` was validated (NIST Rev.2)."""

    passing: bool
    best_outcome: Outcome | None
    must_destroy: bool
    reasons: list[str] = field(default_factory=list)
    validated: bool = False


def _record_ok(r: RecordFacts) -> bool:
    return (
        r.result is Result.PASSED
        and r.error_count == 0
        and r.verification_passed is not False
        and r.outcome is not None
    )


def _is_destroy(r: RecordFacts) -> bool:
    return r.technique in PHYSICAL or r.outcome is Outcome.DESTROY


def _outcome_rank(o: Outcome) -> int:
    return 3 if o is Outcome.DESTROY else RANK[o]


def drive_status(records: Iterable[RecordFacts]) -> DriveSanitizationStatus:
    """Status of one drive from its records, given in chronological order."""
    history = _History()
    for record in records:
        history.add(record)
    return history.status()


class _History:
    """The records of one drive, read in order: the latest attempt decides."""

    def __init__(self) -> None:
        self.must_destroy = False
        self.passing = False
        self.best: Outcome | None = None
        self.validated = False
        self.sanitized_once = False
        self.verify_seen = False
        self.verify_failed_after = False
        self.last: RecordFacts | None = None

    def _block(self) -> None:
        self.passing, self.best, self.validated = False, None, False

    def add(self, r: RecordFacts) -> None:
        if r.technique is Technique.VERIFY_ONLY:
            self._verification(r)
            return
        self.sanitized_once = True
        self.last = r
        self.verify_failed_after = False
        if r.error_count > 0 and not _is_destroy(r):
            self.must_destroy = True
        if not _record_ok(r):
            self._block()
            return
        if _is_destroy(r):
            self.must_destroy = False
        if self.must_destroy:
            self._block()
            return
        outcome = Outcome.DESTROY if _is_destroy(r) else r.outcome  # not None: _record_ok
        if (not self.passing or self.best is None
                or _outcome_rank(outcome) > _outcome_rank(self.best)):
            self.best, self.validated = outcome, r.validated
        elif outcome is self.best:
            self.validated = self.validated or r.validated
        self.passing = True

    def _verification(self, r: RecordFacts) -> None:
        """A verification-only run: it never passes a drive, a bad one un-passes it."""
        self.verify_seen = True
        bad = r.result is not Result.PASSED or r.error_count > 0 or r.verification_passed is False
        if self.passing and bad:
            self._block()
            self.verify_failed_after = True

    def status(self) -> DriveSanitizationStatus:
        passing = self.passing
        return DriveSanitizationStatus(
            passing, self.best if passing else None, self.must_destroy,
            [] if passing else self._reasons(), self.validated if passing else False,
        )

    def _reasons(self) -> list[str]:
        last = self.last
        if not self.sanitized_once:
            reasons = ["aucun effacement enregistré"]
            if self.verify_seen:
                reasons.append("une vérification seule n'efface pas le support")
            return reasons
        if self.must_destroy:
            reasons = ["doit être détruit après un échec : l'outil a signalé des erreurs "
                       "(support défectueux)"]
            if last is not None and _record_ok(last) and not _is_destroy(last):
                reasons.append(
                    "un effacement réussi ne suffit plus : seule une destruction est acceptée"
                )
            return reasons
        if self.verify_failed_after:
            return ["une vérification ultérieure a échoué : refaire l'effacement"]
        if last is None:
            return []
        if last.result is Result.FAILED:
            return ["dernier effacement échoué"]
        if last.result is Result.ABORTED:
            return ["dernier effacement interrompu"]
        if last.verification_passed is False:
            return ["dernière vérification échouée"]
        if last.outcome is None:
            return ["dernier effacement sans niveau NIST reconnu"]
        return []
