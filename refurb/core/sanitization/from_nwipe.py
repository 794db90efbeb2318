"""The claim an nwipe log makes for one drive: nwipe's method names mapped to NIST
techniques, its verification and status words to ours; and the media kind a drive of the log
looks like."""

from __future__ import annotations

from typing import TYPE_CHECKING

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.sanitization.claims import SanitizationClaim, max_outcome
from refurb.core.sanitization.vocabulary import MediaKind, Result, Technique, Verification

if TYPE_CHECKING:
    from refurb.core.nwipe import NwipeDrive

# normalised nwipe label -> (pattern, passes per round); all are software overwrites.
NWIPE_OVERWRITES: dict[str, tuple[str, int | None]] = {
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
NWIPE_VERIFY_PATTERNS = {"verify zeros (0x00)": "0x00", "verify ones (0xff)": "0xFF"}
NWIPE_VERIFICATION = {
    "off": Verification.NONE,
    "last": Verification.LAST_PASS,
    "all": Verification.ALL_PASSES,
}
NWIPE_RESULT = {"erased": Result.PASSED, "failed": Result.FAILED, "aborted": Result.ABORTED}


def nwipe_to_claim(drive: NwipeDrive, kind: MediaKind) -> SanitizationClaim:
    """Claim for one drive of an nwipe log; the outcome is the best the technique reaches.

    Raises InvalidInput (a DomainError, French message) for a method this module cannot rate:
    the operator must then record the sanitization by hand.
    """
    method = " ".join((drive.method or "").split()).lower()
    pattern: str | None = None
    passes: int | None = None
    if method in NWIPE_VERIFY_PATTERNS:
        technique = Technique.VERIFY_ONLY
        pattern = NWIPE_VERIFY_PATTERNS[method]
        passes = 0
    elif method in NWIPE_OVERWRITES:
        technique = Technique.OVERWRITE
        pattern, per_round = NWIPE_OVERWRITES[method]
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
            N_("Méthode nwipe non reconnue : « %(method)s » ; enregistrer l'effacement à la "
               "main."), method=drive.method or "?")
    verification = NWIPE_VERIFICATION.get(drive.verify or "off", Verification.NONE)
    return SanitizationClaim(
        kind=kind,
        technique=technique,
        outcome=max_outcome(technique, kind),
        verification=verification,
        verification_passed=drive.verified,
        result=NWIPE_RESULT.get(drive.status, Result.ABORTED),
        error_count=drive.error_count,
        passes=passes,
        pattern=pattern,
    )


def guess_kind(found: NwipeDrive) -> MediaKind:
    """The media kind an nwipe drive looks like (bus, device name, SSD flag)."""
    device = found.device or ""
    bus = (found.bus or "").upper()
    if bus == "NVME" or "/nvme" in device:
        return MediaKind.NVME
    if bus == "MMC" or "/mmcblk" in device:
        return MediaKind.EMMC
    if found.is_ssd:
        return MediaKind.SSD
    if found.is_ssd is False:
        return MediaKind.HDD
    return MediaKind.OTHER
