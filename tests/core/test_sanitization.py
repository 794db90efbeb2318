"""NIST SP 800-88 rules: claims, drive status from records, nwipe mapping."""

from itertools import product
from pathlib import Path

import pytest

from refurb.core.errors import InvalidInput
from refurb.core.nwipe import NwipeDrive, parse_nwipe_log
from refurb.core.sanitization import (
    LABELS_FR,
    MediaKind,
    Outcome,
    RecordFacts,
    Result,
    SanitizationClaim,
    Technique,
    Verification,
    check_claim,
    drive_status,
    label_fr,
    max_outcome,
    nwipe_to_claim,
)

T, K, R, V = Technique, MediaKind, Result, Verification
C, P, D, X = Outcome.CLEAR, Outcome.PURGE, Outcome.DESTROY, None
KINDS = (K.HDD, K.SSD, K.NVME, K.EMMC, K.OTHER)

# Best outcome per technique, in KINDS order (X: erases nothing / not applicable there).
MAX_TABLE = {
    T.OVERWRITE: (C, C, C, C, C),
    T.ATA_SECURE_ERASE: (P, C, C, C, C),
    T.ATA_ENHANCED_ERASE: (P, P, X, X, X),
    T.NVME_FORMAT: (X, X, P, X, X),
    T.NVME_SANITIZE: (X, X, P, X, X),
    T.CRYPTO_ERASE: (P, P, P, P, P),
    T.SHRED: (D, D, D, D, D),
    T.CRUSH: (D, D, D, D, D),
    T.DRILL: (D, D, D, D, D),
    T.DEGAUSS: (P, X, X, X, P),
    T.VERIFY_ONLY: (X, X, X, X, X),
}


def test_table_covers_every_technique():
    assert set(MAX_TABLE) == set(Technique)


@pytest.mark.parametrize(
    ("technique", "kind", "best"),
    [(t, k, row[i]) for t, row in MAX_TABLE.items() for i, k in enumerate(KINDS)],
)
def test_max_outcome(technique, kind, best):
    assert max_outcome(technique, kind) is best


def claim(kind, technique, outcome, **kw):
    kw.setdefault("verification", V.LAST_PASS)
    kw.setdefault("verification_passed", True)
    return SanitizationClaim(kind=kind, technique=technique, outcome=outcome, **kw)


def should_accept(best, claimed):
    if best is None:
        return False
    if D in (best, claimed):
        return best is claimed
    return claimed is best or (claimed is C and best is P)


@pytest.mark.parametrize(("technique", "kind", "claimed"), list(product(Technique, KINDS, Outcome)))
def test_every_technique_kind_outcome(technique, kind, claimed):
    result = check_claim(claim(kind, technique, claimed))
    expected = should_accept(max_outcome(technique, kind), claimed)
    assert result.accepted is expected
    assert result.effective_outcome is (claimed if expected else None)
    if not expected:
        assert result.reasons  # always say why


@pytest.mark.parametrize(
    ("kind", "technique", "claimed", "accepted", "fragment"),
    [
        # Flash: overwrite / ATA Secure Erase are Clear only; the reason names it.
        (K.SSD, T.OVERWRITE, P, False, "Effacement (Clear)"),
        (K.NVME, T.OVERWRITE, P, False, "Effacement (Clear)"),
        (K.EMMC, T.ATA_SECURE_ERASE, P, False, "Effacement (Clear)"),
        (K.SSD, T.ATA_SECURE_ERASE, C, True, None),
        (K.HDD, T.ATA_SECURE_ERASE, P, True, None),
        (K.HDD, T.OVERWRITE, C, True, None),
        (K.HDD, T.OVERWRITE, P, False, "Effacement (Clear)"),
        (K.HDD, T.OVERWRITE, D, False, "pas une destruction"),
        # Purge-capable techniques on suitable media.
        (K.SSD, T.ATA_ENHANCED_ERASE, P, True, None),
        (K.NVME, T.NVME_SANITIZE, P, True, None),
        (K.NVME, T.NVME_FORMAT, P, True, None),
        (K.SSD, T.CRYPTO_ERASE, P, True, "chiffrées"),
        (K.SSD, T.NVME_SANITIZE, P, False, "ne s'applique pas"),
        (K.EMMC, T.ATA_ENHANCED_ERASE, P, False, "ne s'applique pas"),
        # Physical techniques: Destroy only.
        (K.HDD, T.SHRED, D, True, None),
        (K.HDD, T.DRILL, P, False, "Destruction"),
        (K.SSD, T.CRUSH, C, False, "Destruction"),
        (K.SSD, T.DRILL, D, True, "puce"),
        # Degauss: magnetic media only.
        (K.HDD, T.DEGAUSS, P, True, None),
        (K.SSD, T.DEGAUSS, P, False, "démagnétisation"),
        (K.NVME, T.DEGAUSS, C, False, "flash"),
        (K.HDD, T.DEGAUSS, D, False, "pas une destruction"),
        # Verification-only never counts.
        (K.HDD, T.VERIFY_ONLY, C, False, "ne l'efface pas"),
    ],
)
def test_named_claims(kind, technique, claimed, accepted, fragment):
    result = check_claim(claim(kind, technique, claimed))
    assert result.accepted is accepted
    if fragment:
        assert any(fragment.lower() in r.lower() for r in result.reasons), result.reasons


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"result": R.FAILED}, "échoué"),
        ({"result": R.ABORTED}, "interrompue"),
        ({"error_count": 3}, "doit être détruit"),
        ({"verification_passed": False}, "vérification a échoué"),
        ({"passes": 0}, "Aucune passe"),
    ],
)
def test_failed_runs_never_count(changes, fragment):
    result = check_claim(claim(K.HDD, T.OVERWRITE, C, **changes))
    assert result.accepted is False and result.effective_outcome is None
    assert any(fragment in r for r in result.reasons), result.reasons


def test_overwrite_without_verification_is_accepted_with_a_note():
    result = check_claim(
        claim(K.HDD, T.OVERWRITE, C, verification=V.NONE, verification_passed=None)
    )
    assert result.accepted and result.effective_outcome is C
    assert any("Aucune vérification" in r for r in result.reasons)


def test_verification_requested_but_unknown_is_noted():
    result = check_claim(claim(K.HDD, T.OVERWRITE, C, verification_passed=None))
    assert result.accepted and any("pas renseigné" in r for r in result.reasons)


def test_clean_overwrite_has_no_notes():
    result = check_claim(claim(K.HDD, T.OVERWRITE, C, passes=4, pattern="0x00"))
    assert result.accepted and result.reasons == []


def test_verify_only_errors_do_not_call_for_destruction():
    # A verify run "fails" on a healthy drive that is simply not blank.
    result = check_claim(
        claim(
            K.HDD,
            T.VERIFY_ONLY,
            None,
            error_count=16385,
            result=R.FAILED,
            verification_passed=False,
        )
    )
    assert not result.accepted
    assert not any("détruit" in r for r in result.reasons)


def test_missing_claimed_outcome_is_refused():
    result = check_claim(claim(K.HDD, T.OVERWRITE, None))
    assert not result.accepted and "Effacement (Clear)" in result.reasons[0]


# ------------------------------------------------------------------ drive status


def rec(
    technique=T.OVERWRITE, outcome=C, result=R.PASSED, errors=0, verified=True, validated=False
):
    return RecordFacts(
        technique=technique,
        outcome=outcome,
        result=result,
        error_count=errors,
        verification_passed=verified,
        validated=validated,
    )


PASS = rec()
ABORT = rec(result=R.ABORTED, verified=None)
FAIL_NO_ERRORS = rec(result=R.FAILED, verified=None)
FAIL_ERRORS = rec(result=R.FAILED, errors=12, verified=False)
ERRORS_BUT_PASSED = rec(errors=2)
BAD_VERIFY = rec(verified=False)
PURGE = rec(T.CRYPTO_ERASE, P)
DESTROY = rec(T.SHRED, D)
DESTROY_FAILED = rec(T.SHRED, D, result=R.FAILED, verified=None)
VERIFY_OK = rec(T.VERIFY_ONLY, None)
VERIFY_BAD = rec(T.VERIFY_ONLY, None, result=R.FAILED, errors=16385, verified=False)


@pytest.mark.parametrize(
    ("records", "passing", "best", "must_destroy", "fragment"),
    [
        pytest.param([], False, None, False, "aucun effacement enregistré", id="nothing"),
        pytest.param([VERIFY_OK], False, None, False, "aucun effacement", id="verify-only"),
        pytest.param([PASS], True, C, False, None, id="pass"),
        pytest.param(
            [ABORT], False, None, False, "dernier effacement interrompu", id="abort-then-nothing"
        ),
        pytest.param(
            [FAIL_NO_ERRORS],
            False,
            None,
            False,
            "dernier effacement échoué",
            id="fail-then-nothing",
        ),
        pytest.param([ABORT, PASS], True, C, False, None, id="abort-then-pass"),
        pytest.param([FAIL_NO_ERRORS, PASS], True, C, False, None, id="fail-then-pass"),
        pytest.param([PASS, ABORT], False, None, False, "interrompu", id="pass-then-abort"),
        pytest.param(
            [FAIL_ERRORS], False, None, True, "doit être détruit après un échec", id="errors"
        ),
        pytest.param(
            [FAIL_ERRORS, PASS], False, None, True, "ne suffit plus", id="errors-then-overwrite"
        ),
        pytest.param(
            [ERRORS_BUT_PASSED, PASS, PURGE], False, None, True, "détruit", id="errors-then-purge"
        ),
        pytest.param([FAIL_ERRORS, DESTROY], True, D, False, None, id="errors-then-destroy"),
        pytest.param(
            [FAIL_ERRORS, DESTROY_FAILED],
            False,
            None,
            True,
            "détruit",
            id="errors-then-failed-destroy",
        ),
        pytest.param(
            [FAIL_ERRORS, DESTROY, PASS], True, D, False, None, id="destroyed-stays-destroyed"
        ),
        pytest.param([DESTROY], True, D, False, None, id="destroy"),
        pytest.param(
            [BAD_VERIFY], False, None, False, "vérification échouée", id="bad-verification"
        ),
        pytest.param([PASS, PURGE], True, P, False, None, id="best-outcome"),
        pytest.param([PURGE, PASS], True, P, False, None, id="best-outcome-kept"),
        pytest.param([PASS, VERIFY_OK], True, C, False, None, id="pass-then-verify"),
        pytest.param(
            [PASS, VERIFY_BAD],
            False,
            None,
            False,
            "vérification ultérieure",
            id="pass-then-failed-verify",
        ),
        pytest.param([VERIFY_BAD, PASS], True, C, False, None, id="failed-verify-then-pass"),
        pytest.param([PASS, VERIFY_BAD, PASS], True, C, False, None, id="rewipe"),
    ],
)
def test_drive_status(records, passing, best, must_destroy, fragment):
    status = drive_status(records)
    assert status.passing is passing
    assert status.best_outcome is best
    assert status.must_destroy is must_destroy
    if passing:
        assert status.reasons == []
    else:
        assert status.reasons
        assert any(fragment in r for r in status.reasons), status.reasons


def test_drive_status_accepts_any_iterable_and_reports_validation():
    status = drive_status(iter([rec(validated=True), rec(T.CRYPTO_ERASE, P)]))
    assert status.best_outcome is P and status.validated is False
    assert drive_status([rec(validated=True)]).validated is True
    assert drive_status([ABORT]).validated is False


# ------------------------------------------------------------------ labels


def test_every_enum_value_has_a_french_label():
    for enum in (Outcome, Technique, MediaKind, Verification, Result):
        for member in enum:
            assert LABELS_FR[member]
            assert LABELS_FR[member.value] == LABELS_FR[member]
    assert LABELS_FR[C] == "Effacement (Clear)"
    assert LABELS_FR[P] == "Purge"
    assert LABELS_FR[D] == "Destruction"
    assert label_fr(None) == "—"


def test_enum_codes_are_lowercase_strings():
    for enum in (Outcome, Technique, MediaKind, Verification, Result):
        for member in enum:
            assert isinstance(member, str) and member.value == member.value.lower()
    assert Technique("ata_secure_erase") is T.ATA_SECURE_ERASE


# ------------------------------------------------------------------ from nwipe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nwipe"


def fixture_drives(name):
    return parse_nwipe_log((FIXTURES / name).read_text(encoding="utf-8")).drives


@pytest.mark.parametrize(
    ("method", "technique", "pattern"),
    [
        ("Fill With Zeros", T.OVERWRITE, "0x00"),
        ("Fill With Ones", T.OVERWRITE, "0xFF"),
        ("DoD Short", T.OVERWRITE, "DoD"),
        ("DoD 5220.22-M", T.OVERWRITE, "DoD"),
        ("RCMP TSSIT OPS-II", T.OVERWRITE, "OPS-II"),
        ("Gutmann Wipe", T.OVERWRITE, "Gutmann"),
        ("PRNG Stream", T.OVERWRITE, "PRNG"),
        ("Verify Zeros (0x00)", T.VERIFY_ONLY, "0x00"),
        ("Verify Ones  (0xFF)", T.VERIFY_ONLY, "0xFF"),
    ],
)
def test_nwipe_method_mapping(method, technique, pattern):
    drive = NwipeDrive(
        device="/dev/sda",
        method=method,
        status="erased",
        verify="last",
        verified=True,
        rounds=1,
        blank=True,
    )
    result = nwipe_to_claim(drive, K.HDD)
    assert result.technique is technique
    assert pattern in result.pattern


@pytest.mark.parametrize(
    ("method", "passes_per_round", "rounds", "blank", "total"),
    [
        ("Fill With Zeros", None, 1, True, 2),
        ("DoD Short", 3, 2, True, 7),
        ("DoD 5220.22-M", None, 1, False, 7),
        ("Gutmann Wipe", 35, 1, True, 36),
        ("RCMP TSSIT OPS-II", 8, 1, True, 8),
    ],
)
def test_nwipe_passes(method, passes_per_round, rounds, blank, total):
    drive = NwipeDrive(
        device="/dev/sda", method=method, passes=passes_per_round, rounds=rounds, blank=blank
    )
    assert nwipe_to_claim(drive, K.HDD).passes == total


def test_nwipe_fixture_claims():
    (zero,) = fixture_drives("nwipe01_zero_verifylast_blank.txt")
    hdd = nwipe_to_claim(zero, K.HDD)
    assert (hdd.technique, hdd.outcome, hdd.verification) == (T.OVERWRITE, C, V.LAST_PASS)
    assert hdd.verification_passed is True and hdd.result is R.PASSED and hdd.passes == 2
    assert check_claim(hdd).accepted
    # The same zero fill on an SSD is still only a Clear.
    ssd = nwipe_to_claim(zero, K.SSD)
    assert ssd.outcome is C and check_claim(ssd).accepted

    (aborted,) = fixture_drives("nwipe08_aborted_sigint_dod522022m_512M.txt")
    claim_aborted = nwipe_to_claim(aborted, K.HDD)
    assert claim_aborted.result is R.ABORTED
    assert not check_claim(claim_aborted).accepted

    ok, failed = fixture_drives("nwipe10_multi2_verify_one_mixed_result.txt")
    for drive in (ok, failed):
        c = nwipe_to_claim(drive, K.HDD)
        assert c.technique is T.VERIFY_ONLY and c.outcome is None
        assert not check_claim(c).accepted
    assert nwipe_to_claim(failed, K.HDD).error_count == 16385


def test_nwipe_records_feed_drive_status():
    (zero,) = fixture_drives("nwipe01_zero_verifylast_blank.txt")
    (aborted,) = fixture_drives("nwipe08_aborted_sigint_dod522022m_512M.txt")

    def as_record(drive):
        c = nwipe_to_claim(drive, K.HDD)
        return RecordFacts(
            technique=c.technique,
            outcome=c.outcome,
            result=c.result,
            error_count=c.error_count,
            verification_passed=c.verification_passed,
            finished_at=drive.finished,
        )

    assert drive_status([as_record(aborted)]).passing is False
    assert drive_status([as_record(aborted), as_record(zero)]).passing is True


@pytest.mark.parametrize(
    ("method", "kind", "technique"),
    [
        ("Secure Erase (ATA/NVMe)", K.SSD, T.ATA_SECURE_ERASE),
        ("Secure Erase (ATA/NVMe)", K.NVME, T.NVME_FORMAT),
        ("Sanitize Crypto Erase (ATA/SCSI/NVMe)", K.SSD, T.CRYPTO_ERASE),
        ("Sanitize Block Erase (ATA/SCSI/NVMe)", K.NVME, T.NVME_SANITIZE),
    ],
)
def test_newer_nwipe_firmware_methods(method, kind, technique):
    drive = NwipeDrive(device="/dev/x", method=method, status="erased")
    assert nwipe_to_claim(drive, kind).technique is technique


@pytest.mark.parametrize(
    "method", [None, "Unknown Method (FIXME)", "Sanitize Block Erase (ATA/SCSI/NVMe)"]
)
def test_unknown_nwipe_method_is_a_domain_error(method):
    with pytest.raises(InvalidInput, match="non reconnue"):
        nwipe_to_claim(NwipeDrive(device="/dev/sda", method=method), K.SSD)
