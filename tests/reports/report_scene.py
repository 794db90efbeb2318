"""A small year (2025) of two donors, built through the real services of every domain, with
its figures computed by hand below (the tests compare the pages and the PDF with them).

Donor A "Banque du Nord", collection A1 (10/01/2025):
  L1 laptop  3 kg  received 10/01 09:00 → diagnosis +24 h → wiping +6 h → ready +48 h
                   → reserved +504 h (21 d) → allocated +48 h to household H1 (gift)
  L2 laptop  3 kg  received 10/01 09:00 → diagnosis +48 h → wiping +12 h → ready +48 h
                   → reserved 03/03 21:00 (+1152 h, 48 d) → allocated +48 h to school S1
  D1 desktop 10 kg received 10/01 09:00 → diagnosis +72 h → to_dispose +24 h → disposed 30/06
  M1 monitor 5 kg  received 10/01 09:00 → diagnosis +24 h → parts +24 h
Donor B "Mutuelle de l'Escaut", collection B1 (05/03/2025):
  L3 laptop  3 kg  received 05/03 10:00 → diagnosis +24 h → wiping +6 h → ready +24 h
                   → reserved 01/04 16:00 (+600 h, 25 d) → allocated +48 h to household H2 (loan)
  D2 desktop 10 kg received 05/03 10:00 (still there)
  W1 monitor 5 kg  received as waste 05/03 10:00 → to_dispose +2 h → disposed 30/06
WEEE batch closed 30/06/2025 15:00: D1 (cat. 6, 10 kg) and W1 (cat. 2, 5 kg).
Training "Prise en main" (5 × 2 h, 14:00–16:00), five sessions in 2025: H1 present 5 times,
H2 present 3 times, absent once, excused once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from refurb.allocations.handover import hand_over
from refurb.allocations.reservations import reserve
from refurb.demo.workshop import demo_qa_hook
from refurb.devices import services as devices
from refurb.extensions import db
from refurb.training import attendance, enrolments, programmes
from refurb.training import sessions as training_sessions
from refurb.weee import batches as weee_batches
from refurb.weee import closing as weee_closing
from tests.allocations.helpers import WORKSHOP, approved_file, gift_values, loan_values
from tests.beneficiaries.helpers import set_policy
from tests.factories import make_collection, make_device, make_donor
from tests.weee.helpers import configure_site, handover, make_carrier, make_operator
from tests.wiping.helpers import make_drive, wipe

# Surnames found nowhere else, so "absent from the page" means something.
H1_NAME, H2_NAME = "Quetzalbrindille", "Ornithoclaque"
H1_FIRST, H2_FIRST = "Anaximandre", "Philibertine"
SCHOOL_NAME = "École Zéphyrin Tournesol"
H2_COMMUNE = "Fresnes-sur-Escaut"
DISPOSAL = datetime(2025, 6, 30, 15, 0)
D = Decimal

# --- the figures, by hand ------------------------------------------------------------------
EXPECTED_MONTHS = {  # (received, ready, allocated, disposed) per month of 2025
    1: (4, 2, 0, 0), 2: (0, 0, 1, 0), 3: (3, 1, 1, 0), 4: (0, 0, 1, 0), 6: (0, 0, 0, 2),
}
EXPECTED_TOTALS = (7, 3, 3, 2)
# state: (stays ended in 2025, median days, 90th percentile days) — nearest rank, to the hour
EXPECTED_LEAD = {
    "received": (6, D("1.0"), D("3.0")),     # 2, 24, 24, 24, 48, 72 h
    "diagnosis": (5, D("0.5"), D("1.0")),    # 6, 6, 12, 24, 24 h
    "wiping": (3, D("2.0"), D("2.0")),       # 24, 48, 48 h
    "ready": (3, D("25.0"), D("48.0")),      # 504, 600, 1152 h
    "reserved": (3, D("2.0"), D("2.0")),     # 48, 48, 48 h
    "to_dispose": (2, D("117.1"), D("167.3")),  # 2811, 4014 h
}
EXPECTED_REUSE = {"reused": 3, "reused_kg": D("9.00"), "recycled": 2, "recycled_kg": D("15.00"),
                  "by_count": D("0.6"), "by_weight": D("0.375")}
EXPECTED_WEEE = {2: D("5.00"), 6: D("10.00")}
EXPECTED_CO2E = D("243")  # 3 laptops × 27 kg × 3 years
EXPECTED_SERVED_KIND = {"household": (2, 2), "school": (1, 1)}
EXPECTED_SERVED_COMMUNE = {"Besançon": (1, 1), "Fresnes-sur-Escaut": (2, 2)}
EXPECTED_SERVED_SITUATION = {"job_seeker": (1, 1), "non_taxable": (2, 2)}
# sessions, participants, present, absent, excused, hours, followed, complete
EXPECTED_TRAINING = (5, 2, 8, 1, 1, D("16.00"), 2, 1)
# donor portal
EXPECTED_A = {"devices": 4, "reused": 2, "parts": 1, "recycled": 1, "in_progress": 0,
              "equipped": {"household": 1, "school": 1}, "kg_kept": D("6.0"),
              "kg_recycled": D("10.0"), "co2e": D("162"), "hours": D("10.00")}
EXPECTED_B = {"devices": 3, "reused": 1, "parts": 0, "recycled": 1, "in_progress": 1,
              "equipped": {"household": 1}, "kg_kept": D("3.0"), "kg_recycled": D("5.0"),
              "co2e": D("81"), "hours": D("6.00")}


@dataclass
class Scene:
    donor_a: object
    donor_b: object
    collection_a: object
    collection_b: object
    devices: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    batch: object = None


def _at(day: str, clock: str = "09:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock))


def _walk(device, steps, *, drive: bool = False):
    """steps: (target, hours after the previous step); a drive is wiped before `ready`."""
    moment = device.created_at
    for target, hours in steps:
        moment += timedelta(hours=hours)
        if target == "ready":
            if drive:
                wipe(make_drive(device, kind="hdd"), when=moment - timedelta(minutes=30))
            demo_qa_hook(device, "ready", None, moment)
        devices.transition(device, target, actor_id=None, now=moment)
    return moment


def _give(device, family, *, reserved_at: datetime, values=None):
    reservation = reserve(family, [device], actor_id=None, now=reserved_at)
    hand_over(reservation, values or gift_values(), actor_id=None,
              now=reserved_at + timedelta(hours=48), workshop=WORKSHOP,
              signed_for_workshop="Camille Travailleuse")


def build() -> Scene:
    set_policy(min_training_sessions=0, now=_at("2024-12-01"))
    donor_a = make_donor("Banque du Nord", siret="48774196900033")
    donor_a.address, donor_a.postal_code, donor_a.city = "1 place du Marché", "59300", \
        "Valenciennes"
    donor_a.legal_form = "SA coopérative"
    donor_b = make_donor("Mutuelle de l'Escaut", siret="83033936200022")
    collection_a = make_collection(donor_a, number="COL-2025-0001")
    collection_a.planned_on = collection_a.collected_on = date(2025, 1, 10)
    collection_b = make_collection(donor_b, number="COL-2025-0002")
    collection_b.planned_on = collection_b.collected_on = date(2025, 3, 5)
    scene = Scene(donor_a, donor_b, collection_a, collection_b)
    d = scene.devices

    jan, mar = _at("2025-01-10"), _at("2025-03-05", "10:00")
    d["L1"] = make_device("laptop", collection=collection_a, now=jan, serial="SN-L1")
    d["L2"] = make_device("laptop", collection=collection_a, now=jan, serial="SN-L2")
    d["D1"] = make_device("desktop", collection=collection_a, now=jan, serial="SN-D1")
    d["M1"] = make_device("monitor", collection=collection_a, now=jan, serial="SN-M1")
    d["L3"] = make_device("laptop", collection=collection_b, now=mar, serial="SN-L3")
    d["D2"] = make_device("desktop", collection=collection_b, now=mar, serial="SN-D2")
    d["W1"] = make_device("monitor", collection=collection_b, now=mar, serial="SN-W1",
                          legal_status="waste")

    ready_l1 = _walk(d["L1"], [("diagnosis", 24), ("wiping", 6), ("ready", 48)], drive=True)
    ready_l2 = _walk(d["L2"], [("diagnosis", 48), ("wiping", 12), ("ready", 48)])
    _walk(d["D1"], [("diagnosis", 72), ("to_dispose", 24)])
    _walk(d["M1"], [("diagnosis", 24), ("parts", 24)])
    ready_l3 = _walk(d["L3"], [("diagnosis", 24), ("wiping", 6), ("ready", 24)], drive=True)
    _walk(d["W1"], [("to_dispose", 2)])

    people = scene.people
    people["H1"] = approved_file(now=ready_l1 + timedelta(days=20), last_name=H1_NAME,
                                 first_name=H1_FIRST, non_taxable=True)
    _give(d["L1"], people["H1"], reserved_at=ready_l1 + timedelta(hours=504))
    people["S1"] = approved_file("school", now=ready_l2 + timedelta(days=40),
                                 organisation_name=SCHOOL_NAME)
    _give(d["L2"], people["S1"], reserved_at=ready_l2 + timedelta(hours=1152))
    people["H2"] = approved_file(now=ready_l3 + timedelta(days=20), last_name=H2_NAME,
                                 first_name=H2_FIRST, commune=H2_COMMUNE,
                                 non_taxable=True, situations=frozenset({"job_seeker"}))
    _give(d["L3"], people["H2"], reserved_at=ready_l3 + timedelta(hours=600),
          values=loan_values(date(2026, 6, 30)))

    configure_site()
    operator, carrier = make_operator(), make_carrier()
    batch = weee_batches.open_batch(container="pallet", actor_id=None, now=_at("2025-06-01"))
    for key in ("D1", "W1"):
        weee_batches.add_device(batch, d[key], actor_id=None, now=_at("2025-06-02"))
    scene.batch, _doc = weee_closing.close_batch(
        batch, handover(operator, [carrier], handover_date=DISPOSAL.date()), actor_id=None,
        now=DISPOSAL)

    programme = programmes.create_programme(programmes.ProgrammeValues(
        title="Prise en main — 5 séances de 2 h", planned_sessions=5,
        hours_per_session=D("2"), competences=frozenset({"1.1"})), actor_id=None,
        now=_at("2025-01-02"))
    sessions = [training_sessions.create_session(training_sessions.SessionValues(
        programme_id=programme.id, session_date=date(2025, 1, 20) + timedelta(weeks=i),
        start_time=time(14, 0), end_time=time(16, 0), break_minutes=0, place="CCAS",
        trainer_id=None, trainer_name="Claire Formatrice", topics="", group_name="",
        competences=frozenset({"1.1"})), actor_id=None, now=_at("2025-01-02"))
        for i in range(5)]
    for person in ("H1", "H2"):
        enrolments.enrol(programme, people[person], actor_id=None, now=_at("2025-01-15"))
    marks = {"H1": ["present"] * 5, "H2": ["present", "absent", "present", "excused", "present"]}
    for index, session in enumerate(sessions):
        attendance.record_attendance(session, [
            attendance.ParticipantMarks(people[p].id, {"afternoon": marks[p][index]}, {})
            for p in ("H1", "H2")], actor_id=None, now=datetime.combine(session.session_date,
                                                                       time(16, 30)))
    db.session.commit()
    return scene


# --- another workshop of the network, with a different year ---------------------------------
# Workshop B "Atelier Bêta" (2025), through the same services, in its own scope:
#   5 laptops received 03/02/2025 from Banque du Nord (a donor of both workshops); B1-B3 go to
#   ready; B1 handed over to household HB (gift); B4 diagnosis → to_dispose → disposed in a
#   WEEE batch closed 30/09/2025 (category 6 as a laptop); B5 stays received.
#   Training: one 2 h session (15/09/2025), HB present.
OTHER_EXPECTED = {"received": 5, "ready": 3, "allocated": 1, "disposed": 1, "served": 1,
                  "hours": D("2.0")}
OTHER_NAME = "Brindacorne"
OTHER_OPERATOR_SIRET = "39123456700009"


def build_other_workshop(scene: Scene) -> int:
    """Workshop B and its year (above); returns its id. Workshop A's figures must not move."""
    from refurb.workshops.context import use_workshop
    from refurb.workshops.services import create_workshop
    from tests.weee.helpers import CARRIER2_SIRET

    other = create_workshop("B2", "Atelier Bêta", "RB", now=_at("2024-12-01")).id
    db.session.flush()
    with use_workshop(other):
        set_policy(min_training_sessions=0, now=_at("2024-12-01"))
        collection = make_collection(scene.donor_a, number="COL-2025-0007")
        collection.planned_on = collection.collected_on = date(2025, 2, 3)
        feb = _at("2025-02-03")
        b = {f"B{n}": make_device("laptop", collection=collection, now=feb, serial=f"SN-B{n}")
             for n in range(1, 6)}
        ready_b1 = _walk(b["B1"], [("diagnosis", 24), ("wiping", 6), ("ready", 24)])
        _walk(b["B2"], [("diagnosis", 24), ("wiping", 6), ("ready", 30)])
        _walk(b["B3"], [("diagnosis", 48), ("wiping", 6), ("ready", 24)])
        _walk(b["B4"], [("diagnosis", 24), ("to_dispose", 24)])
        person = approved_file(now=ready_b1 + timedelta(days=2), last_name=OTHER_NAME,
                               first_name="Gaspardine", non_taxable=True)
        _give(b["B1"], person, reserved_at=ready_b1 + timedelta(days=3))
        configure_site()
        operator = make_operator(OTHER_OPERATOR_SIRET)
        carrier = make_carrier(CARRIER2_SIRET)
        batch = weee_batches.open_batch(container="pallet", actor_id=None,
                                        now=_at("2025-09-01"))
        weee_batches.add_device(batch, b["B4"], actor_id=None, now=_at("2025-09-02"))
        weee_closing.close_batch(batch, handover(operator, [carrier],
                                                 handover_date=date(2025, 9, 30)),
                                 actor_id=None, now=_at("2025-09-30", "15:00"))
        programme = programmes.create_programme(programmes.ProgrammeValues(
            title="Premiers pas", planned_sessions=1, hours_per_session=D("2"),
            competences=frozenset({"1.1"})), actor_id=None, now=_at("2025-09-01"))
        session = training_sessions.create_session(training_sessions.SessionValues(
            programme_id=programme.id, session_date=date(2025, 9, 15), start_time=time(9, 0),
            end_time=time(11, 0), break_minutes=0, place="Local B", trainer_id=None,
            trainer_name="Claire Formatrice", topics="", group_name="",
            competences=frozenset({"1.1"})), actor_id=None, now=_at("2025-09-01"))
        enrolments.enrol(programme, person, actor_id=None, now=_at("2025-09-01"))
        attendance.record_attendance(session, [attendance.ParticipantMarks(
            person.id, {"morning": "present"}, {})], actor_id=None, now=_at("2025-09-15", "11:30"))
    db.session.commit()
    return other
