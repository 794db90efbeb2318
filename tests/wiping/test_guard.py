"""Invariant 1: no device leaves (ready, reserved, allocated, disposed) while one of its drives
lacks a passing sanitization record. Runs on SQLite and on PostgreSQL (scripts/test)."""

from datetime import timedelta

import pytest

from refurb.core.errors import IllegalTransition
from refurb.devices import services as devices
from refurb.wiping import drives, status
from tests.factories import NOW, make_device, make_user
from tests.wiping.helpers import device_in_wiping, make_drive, wipe

pytestmark = pytest.mark.usefixtures("only_wiping_guard")
LATER = NOW + timedelta(days=1)


def go(device, *targets):
    for target in targets:
        devices.transition(device, target, actor_id=None, now=LATER)


def refused_reasons(device, target) -> str:
    with pytest.raises(IllegalTransition) as refused:
        devices.transition(device, target, actor_id=None, now=LATER)
    return " ".join(refused.value.reasons)


def test_ready_refused_without_record_then_allowed_after_passing_wipe(db):
    device = device_in_wiping()
    drive = make_drive(device, serial="WD-BLOCK-1")
    reasons = refused_reasons(device, "ready")
    assert "WD-BLOCK-1" in reasons and "aucun effacement enregistré" in reasons
    wipe(drive)
    go(device, "ready")
    assert device.state == "ready"


@pytest.mark.parametrize("target", ["reserved", "allocated"])
def test_reserved_and_allocated_refused_when_a_drive_lacks_a_passing_record(db, target):
    device = device_in_wiping()
    wipe(make_drive(device))
    go(device, "ready")
    # A drive found later (or a wipe whose verification failed) blocks again.
    late = make_drive(device, kind="ssd", serial="S3Z-LATE")
    assert "S3Z-LATE" in refused_reasons(device, target)
    wipe(late)
    go(device, target)
    assert device.state == target


def test_disposed_refused_until_drive_destroyed(db):
    device = make_device()
    drive = make_drive(device, serial="WD-WEEE")
    go(device, "to_dispose")  # not leaving yet: no erasure needed
    assert "WD-WEEE" in refused_reasons(device, "disposed")
    wipe(drive, technique="shred", outcome="destroy", verification="none",
         verification_passed=None, passes=None, tool="broyeur")
    go(device, "disposed")
    assert device.state == "disposed"


def test_device_without_drive_leaves_freely(db):
    device = device_in_wiping()
    go(device, "ready")
    assert device.state == "ready"


def test_failed_wipe_then_passing_wipe_passes(db):
    device = device_in_wiping()
    drive = make_drive(device)
    wipe(drive, result="failed", verification_passed=None)  # tool crash: no errors reported
    assert "dernier effacement échoué" in refused_reasons(device, "ready")
    wipe(drive)
    assert status.drive_is_sanitized(drive)
    go(device, "ready")


def test_aborted_after_passing_blocks_again(db):
    device = device_in_wiping()
    drive = make_drive(device)
    wipe(drive)
    wipe(drive, result="aborted", verification_passed=None)
    assert "dernier effacement interrompu" in refused_reasons(device, "ready")


def test_wipe_with_errors_means_destroy(db):
    device = device_in_wiping()
    drive = make_drive(device, serial="WD-BAD")
    wipe(drive, result="failed", errors=12)
    reasons = refused_reasons(device, "ready")
    assert "WD-BAD" in reasons and "doit être détruit" in reasons
    # Recorded by hand, another overwrite is refused outright…
    with pytest.raises(Exception, match="destruction"):
        wipe(drive)
    # …and only a destruction lets the machine go (without its drive's data).
    wipe(drive, technique="drill", outcome="destroy", verification="none",
         verification_passed=None, passes=None)
    go(device, "ready")


def test_failed_wipe_and_nothing_else_is_shown_on_the_device_page(client, login_as, db):
    login_as("technician")
    device = device_in_wiping()
    wipe(make_drive(device, model="Samsung SSD 860 EVO", serial="S3Z9NB0K1", kind="ssd"),
         result="failed", verification_passed=None)
    make_drive(device, model="WDC WD5000", serial="WD-OK")
    wipe(device.drives[1])
    db.session.commit()
    html = client.get(f"/devices/{device.id}").get_data(as_text=True)
    # The lifecycle options say why "ready" is unavailable: which drive, and why.
    assert "Support non effacé : Samsung SSD 860 EVO (S/N S3Z9NB0K1) : dernier effacement échoué" in html
    assert "WD-OK" not in html.split("Étapes suivantes")[1].split("Historique")[0]


def test_device_panel_names_the_blocking_drive(app, db, login_as):
    from flask import render_template

    from refurb.wiping.views.device_panel import device_panel

    user = login_as("technician")
    device = device_in_wiping()
    wipe(make_drive(device, serial="WD-PANEL"), result="aborted", verification_passed=None)
    db.session.commit()
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        html = render_template("wiping/_device_panel.html", panel=device_panel(device))
    assert "WD-PANEL" in html and "dernier effacement interrompu" in html
    assert "Cet appareil ne peut pas sortir" in html


def test_removed_drive_follows_the_same_rule(db):
    tech = make_user("technician")
    device = device_in_wiping()
    drive = make_drive(device, serial="WD-OUT")
    removal = drives.remove_drive(drive, prefix="RF", destination="stock pièces",
                                  actor_id=tech.id, now=LATER)
    assert drive.device_id is None and drive.asset_tag == removal.asset_tag
    assert drive.asset_tag.startswith(f"RF-{LATER.year}-")
    go(device, "ready")  # the machine no longer holds it…
    assert not status.drive_is_sanitized(drive)  # …but the drive itself cannot leave
    assert "WD-OUT" in status.unsanitized_lines_for_drives([drive])[0]
    wipe(drive, technique="crush", outcome="destroy", verification="none",
         verification_passed=None, passes=None)
    assert status.drive_is_sanitized(drive)
