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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from refurb.core.errors import InvalidInput

if TYPE_CHECKING:
    from refurb.core.nwipe import NwipeDrive

__all__ = [
    "LABELS_FR",
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
    "label_fr",
    "max_outcome",
    "nwipe_to_claim",
]


class Outcome(StrEnum):
    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class Technique(StrEnum):
    OVERWRITE = "overwrite"
    ATA_SECURE_ERASE = "ata_secure_erase"
    ATA_ENHANCED_ERASE = "ata_enhanced_erase"
    NVME_FORMAT = "nvme_format"
    NVME_SANITIZE = "nvme_sanitize"
    CRYPTO_ERASE = "crypto_erase"
    SHRED = "shred"
    CRUSH = "crush"
    DRILL = "drill"
    DEGAUSS = "degauss"
    VERIFY_ONLY = "verify_only"


class MediaKind(StrEnum):
    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"
    EMMC = "emmc"
    OTHER = "other"


class Verification(StrEnum):
    NONE = "none"
    LAST_PASS = "last_pass"
    ALL_PASSES = "all_passes"


class Result(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ABORTED = "aborted"


# Enum values never collide across these enums, so one flat dict serves them all
# (StrEnum members hash like their value: LABELS_FR["clear"] works too).
LABELS_FR: dict[str, str] = {
    Outcome.CLEAR: "Effacement (Clear)",
    Outcome.PURGE: "Purge",
    Outcome.DESTROY: "Destruction",
    Technique.OVERWRITE: "Réécriture (écrasement des données)",
    Technique.ATA_SECURE_ERASE: "ATA Secure Erase",
    Technique.ATA_ENHANCED_ERASE: "ATA Enhanced Secure Erase",
    Technique.NVME_FORMAT: "Formatage NVMe sécurisé",
    Technique.NVME_SANITIZE: "NVMe Sanitize",
    Technique.CRYPTO_ERASE: "Effacement cryptographique",
    Technique.SHRED: "Broyage",
    Technique.CRUSH: "Écrasement mécanique (presse)",
    Technique.DRILL: "Perçage",
    Technique.DEGAUSS: "Démagnétisation",
    Technique.VERIFY_ONLY: "Vérification seule (sans effacement)",
    MediaKind.HDD: "Disque dur (HDD)",
    MediaKind.SSD: "SSD SATA",
    MediaKind.NVME: "SSD NVMe",
    MediaKind.EMMC: "Mémoire eMMC",
    MediaKind.OTHER: "Autre support",
    Verification.NONE: "Aucune vérification",
    Verification.LAST_PASS: "Vérification de la dernière passe",
    Verification.ALL_PASSES: "Vérification de toutes les passes",
    Result.PASSED: "Réussi",
    Result.FAILED: "Échoué",
    Result.ABORTED: "Interrompu",
}


def label_fr(value: str | None) -> str:
    if value is None:
        return "—"
    return LABELS_FR.get(value, str(value))


PHYSICAL = frozenset({Technique.SHRED, Technique.CRUSH, Technique.DRILL})
FLASH = frozenset({MediaKind.SSD, MediaKind.NVME, MediaKind.EMMC})
_RANK = {Outcome.CLEAR: 1, Outcome.PURGE: 2}


def max_outcome(technique: Technique, kind: MediaKind) -> Outcome | None:
    """Best outcome ``technique`` can reach on ``kind``; None when it erases nothing there."""
    if technique is Technique.VERIFY_ONLY:
        return None
    if technique in PHYSICAL:
        return Outcome.DESTROY
    if technique is Technique.DEGAUSS:
        return None if kind in FLASH else Outcome.PURGE
    if technique is Technique.OVERWRITE:
        return Outcome.CLEAR
    if technique is Technique.ATA_SECURE_ERASE:
        return Outcome.PURGE if kind is MediaKind.HDD else Outcome.CLEAR
    if technique is Technique.ATA_ENHANCED_ERASE:
        return Outcome.PURGE if kind in (MediaKind.HDD, MediaKind.SSD) else None
    if technique in (Technique.NVME_FORMAT, Technique.NVME_SANITIZE):
        return Outcome.PURGE if kind is MediaKind.NVME else None
    if technique is Technique.CRYPTO_ERASE:
        return Outcome.PURGE
    return None


@dataclass(frozen=True)
class SanitizationClaim:
    kind: MediaKind
    technique: Technique
    outcome: Outcome | None
    verification: Verification = Verification.NONE
    verification_passed: bool | None = None
    result: Result = Result.PASSED
    error_count: int = 0
    passes: int | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class ClaimCheck:
    """``reasons`` explains a refusal; on an accepted claim it holds notes (may be empty)."""

    accepted: bool
    effective_outcome: Outcome | None
    reasons: list[str] = field(default_factory=list)


def check_claim(claim: SanitizationClaim) -> ClaimCheck:
    refusals: list[str] = []
    notes: list[str] = []
    t, kind, claimed = claim.technique, claim.kind, claim.outcome

    if t is Technique.VERIFY_ONLY:
        refusals.append(
            "Une vérification seule prouve que le support est vierge mais ne l'efface "
            "pas : ce n'est pas un effacement."
        )
    else:
        best = max_outcome(t, kind)
        if best is None:
            if t is Technique.DEGAUSS:
                refusals.append(
                    "La démagnétisation est sans effet sur la mémoire flash "
                    f"({label_fr(kind)}) : elle n'efface rien."
                )
            else:
                refusals.append(f"{label_fr(t)} ne s'applique pas à ce support ({label_fr(kind)}).")
        elif claimed is None:
            refusals.append(f"Aucun niveau NIST revendiqué (au mieux « {label_fr(best)} »).")
        elif best is Outcome.DESTROY and claimed is not Outcome.DESTROY:
            refusals.append(
                f"{label_fr(t)} est une technique physique : elle donne une "
                f"« Destruction », pas « {label_fr(claimed)} »."
            )
        elif claimed is Outcome.DESTROY and best is not Outcome.DESTROY:
            refusals.append(
                f"{label_fr(t)} n'est pas une destruction physique : au mieux « {label_fr(best)} »."
            )
        elif claimed is not Outcome.DESTROY and _RANK[claimed] > _RANK[best]:
            refusals.append(
                f"Sur ce support ({label_fr(kind)}), {label_fr(t)} ne vaut qu'un "
                f"« {label_fr(best)} », pas une « {label_fr(claimed)} »."
            )

    if claim.result is Result.FAILED:
        refusals.append("L'opération a échoué : elle ne compte pas.")
    elif claim.result is Result.ABORTED:
        refusals.append("L'opération a été interrompue : elle ne compte pas.")
    if claim.error_count > 0:
        if t is Technique.VERIFY_ONLY:
            # A verify run "errors" on a drive that is simply not blank: not a faulty drive.
            refusals.append(
                f"La vérification a relevé {claim.error_count} erreur(s) : le "
                "support n'est pas vierge."
            )
        else:
            refusals.append(
                f"L'outil a signalé {claim.error_count} erreur(s) : l'effacement ne "
                "compte pas et le support doit être détruit."
            )
    if claim.verification_passed is False and t is not Technique.VERIFY_ONLY:
        refusals.append("La vérification a échoué : l'effacement ne compte pas.")
    if t is Technique.OVERWRITE and claim.passes is not None and claim.passes < 1:
        refusals.append("Aucune passe d'écriture enregistrée.")

    if refusals:
        return ClaimCheck(False, None, refusals)

    if t not in PHYSICAL:
        if claim.verification is Verification.NONE:
            notes.append(
                "Aucune vérification : effacement accepté, mais NIST SP 800-88 recommande "
                "de vérifier (au moins la dernière passe)."
            )
        elif claim.verification_passed is None:
            notes.append("Vérification demandée mais son résultat n'est pas renseigné.")
    if t is Technique.CRYPTO_ERASE:
        notes.append(
            "Valable seulement si toutes les données étaient chiffrées par le support "
            "(disque auto-chiffrant)."
        )
    if t is Technique.DEGAUSS and kind is MediaKind.OTHER:
        notes.append("La démagnétisation ne vaut que pour un support magnétique.")
    if t in (Technique.DRILL, Technique.CRUSH) and kind in FLASH:
        notes.append("Sur de la mémoire flash, chaque puce doit être percée ou brisée.")
    return ClaimCheck(True, claimed, notes)


# ----------------------------------------------------------------- status of one drive


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
    return 3 if o is Outcome.DESTROY else _RANK[o]


def drive_status(records: Iterable[RecordFacts]) -> DriveSanitizationStatus:
    """Status of one drive from its records, given in chronological order."""
    must_destroy = False
    passing = False
    best: Outcome | None = None
    validated = False
    sanitized_once = False
    verify_seen = False
    verify_failed_after = False
    last: RecordFacts | None = None

    for r in records:
        if r.technique is Technique.VERIFY_ONLY:
            verify_seen = True
            bad = (
                r.result is not Result.PASSED or r.error_count > 0 or r.verification_passed is False
            )
            if passing and bad:
                passing, best, validated = False, None, False
                verify_failed_after = True
            continue
        sanitized_once = True
        last = r
        verify_failed_after = False
        if r.error_count > 0 and not _is_destroy(r):
            must_destroy = True
        if not _record_ok(r):
            passing, best, validated = False, None, False
            continue
        if _is_destroy(r):
            must_destroy = False
        if must_destroy:
            passing, best, validated = False, None, False
            continue
        outcome = Outcome.DESTROY if _is_destroy(r) else r.outcome  # not None: _record_ok
        if not passing or best is None or _outcome_rank(outcome) > _outcome_rank(best):
            best, validated = outcome, r.validated
        elif outcome is best:
            validated = validated or r.validated
        passing = True

    reasons: list[str] = []
    if not passing:
        if not sanitized_once:
            reasons.append("aucun effacement enregistré")
            if verify_seen:
                reasons.append("une vérification seule n'efface pas le support")
        elif must_destroy:
            reasons.append(
                "doit être détruit après un échec : l'outil a signalé des erreurs "
                "(support défectueux)"
            )
            if last is not None and _record_ok(last) and not _is_destroy(last):
                reasons.append(
                    "un effacement réussi ne suffit plus : seule une destruction est acceptée"
                )
        elif verify_failed_after:
            reasons.append("une vérification ultérieure a échoué : refaire l'effacement")
        elif last is not None:
            if last.result is Result.FAILED:
                reasons.append("dernier effacement échoué")
            elif last.result is Result.ABORTED:
                reasons.append("dernier effacement interrompu")
            elif last.verification_passed is False:
                reasons.append("dernière vérification échouée")
            elif last.outcome is None:
                reasons.append("dernier effacement sans niveau NIST reconnu")
    return DriveSanitizationStatus(
        passing, best if passing else None, must_destroy, reasons, validated if passing else False
    )


# ----------------------------------------------------------------------- from nwipe

# normalised nwipe label -> (pattern, passes per round); all are software overwrites.
_NWIPE_OVERWRITES: dict[str, tuple[str, int | None]] = {
    "fill with zeros": ("0x00", 1),
    "quick erase": ("0x00", 1),  # nwipe < 0.25 called the zero fill "Quick Erase"
    "fill with ones": ("0xFF", 1),
    "dod short": ("DoD 5220.22-M court (3 passes)", 3),
    "dod 5220.22-m": ("DoD 5220.22-M (7 passes)", 7),
    "rcmp tssit ops-ii": ("RCMP TSSIT OPS-II (8 passes + motif aléatoire)", 8),
    "gutmann wipe": ("Gutmann (35 passes)", 35),
    "prng stream": ("flux pseudo-aléatoire (PRNG)", 1),
    "hmg is5 enhanced": ("HMG IS5 renforcé", 3),
    "bruce schneier 7-pass": ("Schneier (7 passes)", 7),
    "bmb21-2019": ("BMB21-2019", None),
    "sanitize overwrite (ata/scsi/nvme)": ("Sanitize Overwrite (micrologiciel)", None),
}
_NWIPE_VERIFY_PATTERNS = {"verify zeros (0x00)": "0x00", "verify ones (0xff)": "0xFF"}
_NWIPE_VERIFICATION = {
    "off": Verification.NONE,
    "last": Verification.LAST_PASS,
    "all": Verification.ALL_PASSES,
}
_NWIPE_RESULT = {"erased": Result.PASSED, "failed": Result.FAILED, "aborted": Result.ABORTED}


def nwipe_to_claim(drive: NwipeDrive, kind: MediaKind) -> SanitizationClaim:
    """Claim for one drive of an nwipe log; the outcome is the best the technique reaches.

    Raises InvalidInput (a DomainError, French message) for a method this module cannot rate:
    the operator must then record the sanitization by hand.
    """
    method = " ".join((drive.method or "").split()).lower()
    pattern: str | None = None
    passes: int | None = None
    if method in _NWIPE_VERIFY_PATTERNS:
        technique = Technique.VERIFY_ONLY
        pattern = _NWIPE_VERIFY_PATTERNS[method]
        passes = 0
    elif method in _NWIPE_OVERWRITES:
        technique = Technique.OVERWRITE
        pattern, per_round = _NWIPE_OVERWRITES[method]
        per_round = drive.passes or per_round
        if per_round is not None:
            passes = per_round * (drive.rounds or 1)
            # The final blanking pass is one more full write (OPS-II ends with random instead).
            if drive.blank and method != "rcmp tssit ops-ii":
                passes += 1
    elif method.startswith("secure erase"):
        technique = Technique.NVME_FORMAT if kind is MediaKind.NVME else Technique.ATA_SECURE_ERASE
    elif method.startswith("sanitize crypto erase"):
        technique = Technique.CRYPTO_ERASE
    elif method.startswith("sanitize block erase") and kind is MediaKind.NVME:
        technique = Technique.NVME_SANITIZE
    else:
        raise InvalidInput(
            f"Méthode nwipe non reconnue : « {drive.method or '?'} » ; "
            "enregistrer l'effacement à la main."
        )
    verification = _NWIPE_VERIFICATION.get(drive.verify or "off", Verification.NONE)
    return SanitizationClaim(
        kind=kind,
        technique=technique,
        outcome=max_outcome(technique, kind),
        verification=verification,
        verification_passed=drive.verified,
        result=_NWIPE_RESULT.get(drive.status, Result.ABORTED),
        error_count=drive.error_count,
        passes=passes,
        pattern=pattern,
    )
