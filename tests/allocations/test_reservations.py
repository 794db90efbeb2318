"""Reservations: invariant 2 (approved and unexpired file, one holder per device), packs,
expiry (CLI, lazily before a new reservation), cancellation."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.allocations import cli, reservations
from refurb.allocations.models import Reservation, ReservationItem
from refurb.core.errors import IllegalTransition, InvalidInput, NotEligible
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.settings import services as settings
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import NOW, make_file
from tests.factories import make_device


def events_of(db, device):
    return list(db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)
                                   .order_by(DeviceEvent.id)))


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_pack_is_one_reservation_holding_each_device(db):
    worker_id = None
    family = approved_file(actor_id=worker_id)
    pack = [ready_device(t) for t in ("desktop", "monitor", "keyboard_mouse", "printer")]
    reservation = reservations.reserve(family, pack, actor_id=worker_id, now=NOW)
    db.session.commit()
    assert reservation.status == "active"
    assert reservation.expires_on == date(2026, 3, 16)  # 14 days by default
    assert [i.device_id for i in reservation.active_items] == [d.id for d in pack]
    for device in pack:
        last = events_of(db, device)[-1]
        assert (last.from_state, last.to_state) == ("ready", "reserved")
        assert last.details == {"beneficiary": family.pseudonym}


def test_the_reservation_length_is_a_setting(db):
    settings.set_value(reservations.RESERVATION_DAYS, "3", actor_id=None, now=NOW)
    reservation = reservations.reserve(approved_file(), [ready_device()], actor_id=None, now=NOW)
    assert reservation.expires_on == date(2026, 3, 5)


def test_an_expired_approval_refuses_the_reservation(db):
    family = approved_file()  # approved 2 March 2026 until 2 September 2026
    device = ready_device()
    db.session.commit()
    with pytest.raises(NotEligible) as refused:
        reservations.reserve(family, [device], actor_id=None, now=datetime(2026, 9, 3, 10))
    assert "a expiré le 02/09/2026" in refused.value.message
    db.session.rollback()
    assert device.state == "ready"
    assert count(db, Reservation) == 0


def test_a_file_not_approved_cannot_reserve(db):
    draft = make_file()
    with pytest.raises(NotEligible, match="n'est pas validé"):
        reservations.reserve(draft, [ready_device()], actor_id=None, now=NOW)


def test_a_device_not_ready_is_refused_with_its_state(db):
    device = make_device()
    devices.transition(device, "diagnosis", actor_id=None, now=NOW)
    with pytest.raises(IllegalTransition) as refused:
        reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    assert refused.value.message == (
        f"{device.asset_tag} n'est pas disponible : en diagnostic. Choisissez une autre machine.")


def test_a_reserved_device_is_already_reserved(db):
    device = ready_device()
    reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    db.session.commit()
    with pytest.raises(IllegalTransition, match="déjà réservé"):
        reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)


def test_invariant_1_still_applies_to_a_reservation(db, monkeypatch):
    device = ready_device()
    monkeypatch.setattr(devices, "FACT_PROVIDERS", [
        lambda d: {"unsanitized_drives": ("SSD 256 Go (SN X1) : aucun effacement",)}])
    with pytest.raises(IllegalTransition) as refused:
        reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    assert "X1" in " ".join(refused.value.reasons)


def test_reserving_again_for_a_file_adds_to_its_open_reservation(db):
    family = approved_file()
    first = reservations.reserve(family, [ready_device()], actor_id=None, now=NOW)
    second = reservations.reserve(family, [ready_device("monitor")], actor_id=None,
                              now=NOW + timedelta(days=1))
    assert second is first and len(first.active_items) == 2
    assert first.expires_on == date(2026, 3, 16)


def test_the_database_refuses_a_second_live_hold_on_a_device(db):
    device = ready_device()
    reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    db.session.commit()
    other = Reservation(beneficiary_id=approved_file().id, status="active", reserved_at=NOW,
                        expires_on=NOW.date(), close_reason="")
    db.session.add(other)
    db.session.flush()
    db.session.add(ReservationItem(reservation_id=other.id, device_id=device.id, active=True,
                                   added_at=NOW, release_reason=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_two_open_reservations_for_a_file(db):
    family = approved_file()
    reservations.reserve(family, [ready_device()], actor_id=None, now=NOW)
    db.session.commit()
    db.session.add(Reservation(beneficiary_id=family.id, status="active", reserved_at=NOW,
                               expires_on=NOW.date(), close_reason=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_tags_are_read_as_typed_or_scanned(db):
    a, b = ready_device(), ready_device("monitor")
    found = reservations.resolve_devices(f" {a.asset_tag.lower()},\n{b.asset_tag} ; {a.asset_tag}")
    assert found == [a, b]
    with pytest.raises(InvalidInput, match="inconnu"):
        reservations.resolve_devices("RF-2026-999999")
    with pytest.raises(InvalidInput, match="invalide"):
        reservations.resolve_devices("ordinateur")
    with pytest.raises(InvalidInput, match="au moins un"):
        reservations.resolve_devices("  ")


# --- expiry ---------------------------------------------------------------------------------


def assert_freed(db, device, reservation):
    db.session.expire_all()
    assert device.state == "ready"
    last = events_of(db, device)[-1]
    assert (last.from_state, last.to_state, last.reason) == (
        "reserved", "ready", "réservation expirée")
    assert last.details == {"reservation": reservation.id}
    assert reservation.status == "expired"
    assert not any(item.active for item in reservation.items)


def test_the_cli_expires_reservations_for_cron(app, db, monkeypatch):
    device = ready_device()
    reservation = reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    db.session.commit()
    # The last day is the workshop's local day (Paris, UTC+1 in March).
    monkeypatch.setattr(cli, "utcnow", lambda: datetime(2026, 3, 16, 22, 0))  # 23:00 local
    result = app.test_cli_runner().invoke(args=["allocations", "expire-reservations"])
    assert result.exit_code == 0 and "0 réservation(s) expirée(s)" in result.output
    monkeypatch.setattr(cli, "utcnow", lambda: datetime(2026, 3, 16, 23, 5))  # 00:05 local
    result = app.test_cli_runner().invoke(args=["allocations", "expire-reservations"])
    assert result.exit_code == 0 and "1 réservation(s) expirée(s)" in result.output
    assert_freed(db, device, reservation)


def test_a_new_reservation_first_frees_an_expired_one(db):
    device = ready_device()
    stale = reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    db.session.commit()
    other = approved_file(now=NOW + timedelta(days=20))
    fresh = reservations.reserve(other, [device], actor_id=None, now=NOW + timedelta(days=20))
    db.session.commit()
    assert fresh.id != stale.id and device.state == "reserved"
    transitions = [(e.from_state, e.to_state, e.reason) for e in events_of(db, device)][-2:]
    assert transitions == [("reserved", "ready", "réservation expirée"),
                           ("ready", "reserved", "")]
    assert stale.status == "expired"


def test_a_file_whose_reservation_expired_can_reserve_again(db):
    family = approved_file()
    first = reservations.reserve(family, [ready_device()], actor_id=None, now=NOW)
    second = reservations.reserve(family, [ready_device()], actor_id=None,
                              now=NOW + timedelta(days=30))
    assert second.id != first.id and first.status == "expired"


def test_a_guard_keeping_a_device_from_ready_is_reported_not_fatal(db, monkeypatch):
    blocked, free = ready_device(), ready_device()
    stuck = reservations.reserve(approved_file(), [blocked], actor_id=None, now=NOW)
    fine = reservations.reserve(approved_file(), [free], actor_id=None, now=NOW)
    db.session.commit()
    monkeypatch.setattr(devices, "FACT_PROVIDERS", [
        lambda d: {"qa_missing": ("Batterie",)} if d.id == blocked.id else {}])
    report = reservations.expire_reservations(now=NOW + timedelta(days=15))
    db.session.commit()
    assert report.expired == [fine.id]
    assert report.skipped[0][0] == stuck.id and "Batterie" in report.skipped[0][1]
    assert (stuck.status, blocked.state) == ("active", "reserved")
    assert (fine.status, free.state) == ("expired", "ready")


def test_cancelling_needs_a_reason_and_frees_the_devices(db):
    device = ready_device()
    reservation = reservations.reserve(approved_file(), [device], actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="pourquoi"):
        reservations.cancel_reservation(reservation, reason=" ", actor_id=None, now=NOW)
    reservations.cancel_reservation(reservation, reason="La famille a déménagé", actor_id=None,
                                now=NOW)
    assert (reservation.status, device.state) == ("cancelled", "ready")
    assert events_of(db, device)[-1].reason == "réservation annulée : La famille a déménagé"
    with pytest.raises(IllegalTransition, match="n'est plus en cours"):
        reservations.cancel_reservation(reservation, reason="encore", actor_id=None, now=NOW)
