"""The words of sanitization: NIST outcomes, techniques, media, verification, results, and
their French labels (msgids: pages translate them when they show them)."""

from __future__ import annotations

from enum import StrEnum

from refurb.core.i18n import N_


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
    Outcome.CLEAR: N_("Effacement (Clear)"),
    Outcome.PURGE: N_("Purge"),
    Outcome.DESTROY: N_("Destruction"),
    Technique.OVERWRITE: N_("Réécriture (écrasement des données)"),
    Technique.ATA_SECURE_ERASE: N_("ATA Secure Erase"),
    Technique.ATA_ENHANCED_ERASE: N_("ATA Enhanced Secure Erase"),
    Technique.NVME_FORMAT: N_("Formatage NVMe sécurisé"),
    Technique.NVME_SANITIZE: N_("NVMe Sanitize"),
    Technique.CRYPTO_ERASE: N_("Effacement cryptographique"),
    Technique.SHRED: N_("Broyage"),
    Technique.CRUSH: N_("Écrasement mécanique (presse)"),
    Technique.DRILL: N_("Perçage"),
    Technique.DEGAUSS: N_("Démagnétisation"),
    Technique.VERIFY_ONLY: N_("Vérification seule (sans effacement)"),
    MediaKind.HDD: N_("Disque dur (HDD)"),
    MediaKind.SSD: N_("SSD SATA"),
    MediaKind.NVME: N_("SSD NVMe"),
    MediaKind.EMMC: N_("Mémoire eMMC"),
    MediaKind.OTHER: N_("Autre support"),
    Verification.NONE: N_("Aucune vérification"),
    Verification.LAST_PASS: N_("Vérification de la dernière passe"),
    Verification.ALL_PASSES: N_("Vérification de toutes les passes"),
    Result.PASSED: N_("Réussi"),
    Result.FAILED: N_("Échoué"),
    Result.ABORTED: N_("Interrompu"),
}


def label_fr(value: str | None) -> str:
    if value is None:
        return "—"
    return LABELS_FR.get(value, str(value))


# Techniques that destroy the media, and media where overwriting cannot reach every cell.
PHYSICAL = frozenset({Technique.SHRED, Technique.CRUSH, Technique.DRILL})
FLASH = frozenset({MediaKind.SSD, MediaKind.NVME, MediaKind.EMMC})
