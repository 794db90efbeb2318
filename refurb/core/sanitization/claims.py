"""What one sanitization record may claim: the best outcome a technique reaches on a medium,
and the check of a claim (refusals, or notes on an accepted one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from refurb.core.sanitization.vocabulary import (
    FLASH,
    PHYSICAL,
    MediaKind,
    Outcome,
    Result,
    Technique,
    Verification,
    label_fr,
)

RANK = {Outcome.CLEAR: 1, Outcome.PURGE: 2}


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
    refusals = _outcome_refusals(claim) + _run_refusals(claim)
    if refusals:
        return ClaimCheck(False, None, refusals)
    return ClaimCheck(True, claim.outcome, _notes(claim))


def _outcome_refusals(claim: SanitizationClaim) -> list[str]:
    """The claimed outcome against what the technique reaches on this medium."""
    t, kind, claimed = claim.technique, claim.kind, claim.outcome
    if t is Technique.VERIFY_ONLY:
        return [
            "Une vérification seule prouve que le support est vierge mais ne l'efface "
            "pas : ce n'est pas un effacement."
        ]
    best = max_outcome(t, kind)
    if best is None:
        if t is Technique.DEGAUSS:
            return [
                "La démagnétisation est sans effet sur la mémoire flash "
                f"({label_fr(kind)}) : elle n'efface rien."
            ]
        return [f"{label_fr(t)} ne s'applique pas à ce support ({label_fr(kind)})."]
    if claimed is None:
        return [f"Aucun niveau NIST revendiqué (au mieux « {label_fr(best)} »)."]
    if best is Outcome.DESTROY and claimed is not Outcome.DESTROY:
        return [
            f"{label_fr(t)} est une technique physique : elle donne une "
            f"« Destruction », pas « {label_fr(claimed)} »."
        ]
    if claimed is Outcome.DESTROY and best is not Outcome.DESTROY:
        return [
            f"{label_fr(t)} n'est pas une destruction physique : au mieux « {label_fr(best)} »."
        ]
    if claimed is not Outcome.DESTROY and RANK[claimed] > RANK[best]:
        return [
            f"Sur ce support ({label_fr(kind)}), {label_fr(t)} ne vaut qu'un "
            f"« {label_fr(best)} », pas une « {label_fr(claimed)} »."
        ]
    return []


def _run_refusals(claim: SanitizationClaim) -> list[str]:
    """How the run went: result, errors, verification, passes."""
    t = claim.technique
    refusals: list[str] = []
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
    return refusals


def _notes(claim: SanitizationClaim) -> list[str]:
    """What an accepted claim still leaves to know."""
    t, kind = claim.technique, claim.kind
    notes: list[str] = []
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
    return notes
