"""Is a log entry about the tracked drive? Serial, capacity within 1 %, whole-device coverage;
model and capacity when serials cannot be compared."""

import pytest

from refurb.core.sanitization.matching import (
    LoggedDrive,
    TrackedDrive,
    compare,
    format_bytes,
    models_match,
)

TB = 10**12
LOOP_16MB = LoggedDrive(serial="", model="Loopback device", size_bytes=16777216,
                        size_exact=True, bytes_erased=16777216)
EVO_1TB = TrackedDrive(serial="S4EWNX0R123456", model="Samsung SSD 970 EVO 1TB",
                       capacity_bytes=TB)


def reasons(check) -> str:
    return " | ".join(str(d) for d in check.differences)


def test_a_16_mb_loop_device_is_not_a_1_tb_ssd():
    check = compare(LOOP_16MB, EVO_1TB)
    assert not check.matches
    text = reasons(check)
    assert "capacité différente : 16,8 Mo dans le journal, 1 To pour le support" in text
    assert "modèle différent : Loopback device dans le journal" in text


def test_a_different_serial_is_refused_even_with_the_same_size():
    logged = LoggedDrive(serial="S4EWNX0R999999", model="Samsung SSD 970 EVO 1TB",
                         size_bytes=TB, size_exact=True, bytes_erased=TB)
    check = compare(logged, EVO_1TB)
    assert reasons(check) == ("n° de série différent : S4EWNX0R999999 dans le journal, "
                              "S4EWNX0R123456 pour le support")


@pytest.mark.parametrize(("size", "ok"), [
    (TB, True), (int(TB * 1.0099), True), (int(TB * 0.991), True),
    (int(TB * 1.011), False), (int(TB * 0.98), False),
])
def test_capacity_within_one_percent(size, ok):
    logged = LoggedDrive(serial="s4ewnx0r 123456", size_bytes=size, size_exact=True,
                         bytes_erased=size)
    assert compare(logged, EVO_1TB).matches is ok


def test_a_log_that_wrote_less_than_the_whole_device_is_refused():
    logged = LoggedDrive(serial="S4EWNX0R123456", size_bytes=TB, size_exact=True,
                         bytes_erased=TB // 2)
    assert "journal partiel : 500 Go effacés sur 1 To du périphérique" in reasons(
        compare(logged, EVO_1TB))
    # An interrupted run wrote less, and says so: it is recorded as interrupted, not refused.
    aborted = LoggedDrive(serial="S4EWNX0R123456", size_bytes=TB, size_exact=True,
                          bytes_erased=TB // 2, claims_success=False)
    assert compare(aborted, EVO_1TB).matches
    # A verification-only run or a firmware erase writes nothing: no coverage to compare.
    verify = LoggedDrive(serial="S4EWNX0R123456", size_bytes=TB, size_exact=True,
                         bytes_erased=0, overwrite=False)
    assert compare(verify, EVO_1TB).matches


def test_blank_serials_attach_only_when_model_and_capacity_match():
    usb = LoggedDrive(serial="", model="Samsung SSD 970 EVO 1TB", size_bytes=TB,
                      size_exact=True, bytes_erased=TB)
    assert compare(usb, EVO_1TB).matches
    assert compare(usb, TrackedDrive(model="Samsung SSD 970 EVO 1TB", capacity_bytes=TB)).matches
    unknown_capacity = TrackedDrive(serial="S4EWNX0R123456", model="Samsung SSD 970 EVO 1TB")
    assert "capacité inconnue" in reasons(compare(usb, unknown_capacity))
    no_model = LoggedDrive(serial="", size_bytes=TB, size_exact=True, bytes_erased=TB)
    assert "pas de n° de série dans le journal et modèle inconnu" in reasons(
        compare(no_model, EVO_1TB))
    masked = LoggedDrive(serial="XXXXXXXXXXXXXXX", serial_masked=True, model="Loopback device",
                         size_bytes=TB, size_exact=True, bytes_erased=TB)
    assert "n° de série masqué dans le journal et modèle différent" in reasons(
        compare(masked, EVO_1TB))


def test_models_match_loosely_but_not_anything():
    assert models_match("ATA Samsung SSD 970 EVO 1TB", "samsung ssd 970 evo 1tb")
    assert models_match("WDC WD5000AAKX-08U6AA0", "WD5000AAKX")
    assert not models_match("Loopback device", "Samsung SSD 970 EVO 1TB")
    assert not models_match("ST", "ST500DM002")  # too short to say anything


def test_bytes_read_as_drive_makers_count():
    assert [format_bytes(v) for v in (16777216, TB, 500_107_862_016, 999)] == [
        "16,8 Mo", "1 To", "500,1 Go", "999 o"]
