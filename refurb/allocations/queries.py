"""Read side of allocations: the ready stock, reservations, loans due, the beneficiary panel,
and counts for reports (by beneficiary kind and commune, never by name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from refurb.allocations.models import (
    Allocation,
    Cohort,
    CohortMember,
    PackTemplate,
    ProgrammeSchool,
    Reservation,
    ReservationExtension,
    ReservationItem,
    SchoolProgramme,
)
from refurb.beneficiaries.models import Beneficiary
from refurb.core.handover import Mode, loan_due_status, month_bounds, reservation_expired
from refurb.core.lifecycle import State
from refurb.core.machine_words import MachineFacts, capacity, french, memory
from refurb.core.profiles import DRIVE_KIND_LABELS, OPERATING_SYSTEMS
from refurb.core.qa import GRADE_LABELS
from refurb.core.training import Presence
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.training.models import Attendance
from refurb.workshop.queries.software import latest_software_by_device

# ------------------------------------------------------------------------- configuration

@dataclass(frozen=True)
class DeviceConfig:
    """What a beneficiary is told about a machine: processor, memory, storage, system (French,
    as the agreement prints it), and its facts for a plain description in the reader's words."""

    cpu: str = ""
    ram: str = ""
    storage: str = ""
    os: str = ""
    grade: str = ""
    facts: MachineFacts | None = None

    @property
    def grade_label(self) -> str:
        """The grade's msgid ("A — comme neuf"), to translate; "" when not graded."""
        return GRADE_LABELS.get(self.grade, self.grade)

    def lines(self) -> list[tuple[str, str]]:
        grade = GRADE_LABELS.get(self.grade, self.grade)
        pairs = (("Processeur", self.cpu), ("Mémoire", self.ram), ("Stockage", self.storage),
                 ("Système", self.os), ("Grade esthétique", grade))
        return [(k, v) for k, v in pairs if v]

    @property
    def summary(self) -> str:
        return ", ".join(v for _k, v in self.lines())


def _latest_software(device_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(os label, version) per device from the workshop's software records."""
    return {
        device_id: (OPERATING_SYSTEMS.get(row.os_name, row.os_name), row.os_version or "")
        for device_id, row in latest_software_by_device(device_ids).items()
    }


def device_configs(devices: Iterable[Device]) -> dict[int, DeviceConfig]:
    """One query for the systems, whatever the number of devices (drives are preloaded)."""
    devices = list(devices)
    software = _latest_software({d.id for d in devices})
    configs = {}
    for d in devices:
        drives = ", ".join(
            f"{DRIVE_KIND_LABELS.get(drive.kind, drive.kind)} "
            f"{french(capacity(drive.capacity_bytes))}".strip()
            for drive in d.drives
        )
        os_name, os_version = software.get(d.id, ("", ""))
        system = f"{os_name} {os_version}".strip()
        configs[d.id] = DeviceConfig(
            cpu=d.cpu or "",
            ram=french(memory(d.ram_mib)),
            storage=drives,
            os=system,
            grade=d.grade or "",
            facts=MachineFacts(
                device_type=d.device_type, ram_mib=d.ram_mib,
                screen_inches=d.screen_inches,
                drives=tuple((drive.kind, drive.capacity_bytes) for drive in d.drives),
                system=os_name),
        )
    return configs


# ------------------------------------------------------------------------- ready stock

def ready_stock_query(device_type: str | None = None) -> Select:
    query = select(Device).where(Device.state == State.READY.value)
    if device_type:
        query = query.where(Device.device_type == device_type)
    return query.order_by(Device.device_type, Device.id)


def devices_by_ids(ids: Iterable[int]) -> list[Device]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(db.session.scalars(select(Device).where(Device.id.in_(wanted)).order_by(Device.id)))


def devices_by_tags(tags: Iterable[str]) -> dict[str, Device]:
    wanted = set(tags)
    if not wanted:
        return {}
    rows = db.session.scalars(select(Device).where(Device.asset_tag.in_(wanted)))
    return {d.asset_tag: d for d in rows}


# ------------------------------------------------------------------------- reservations

def get_active_reservation(beneficiary_id: int) -> Reservation | None:
    return db.session.scalar(
        select(Reservation).where(Reservation.beneficiary_id == beneficiary_id,
                                  Reservation.status == "active")
    )


def active_holds(device_ids: Iterable[int]) -> dict[int, ReservationItem]:
    """device id → the live item holding it (reserved or allocated)."""
    wanted = set(device_ids)
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(ReservationItem).options(joinedload(ReservationItem.reservation))
        .where(ReservationItem.device_id.in_(wanted), ReservationItem.active)
    )
    return {item.device_id: item for item in rows}


def expired_reservations_query(today: date) -> Select:
    return (
        select(Reservation)
        .where(Reservation.status == "active", Reservation.expires_on < today)
        .order_by(Reservation.id)
    )


def active_reservations_query(expiring_by: date | None = None,
                              training_below: int | None = None) -> Select:
    """Reservations in progress; `expiring_by`: only those ending that day or before;
    `training_below`: only those whose beneficiary attended fewer sessions (the handover
    waits for the training the policy requires)."""
    query = (
        select(Reservation)
        .options(joinedload(Reservation.beneficiary))
        .where(Reservation.status == "active")
        .order_by(Reservation.expires_on, Reservation.id)
    )
    if expiring_by is not None:
        query = query.where(Reservation.expires_on <= expiring_by)
    if training_below:
        query = query.where(sessions_attended_sql() < training_below)
    return query


def sessions_attended_sql():
    """Sessions the reservation's beneficiary attended, as a correlated count (as
    training.progress.sessions_attended counts them)."""
    return (select(func.count(func.distinct(Attendance.session_id)))
            .where(Attendance.beneficiary_id == Reservation.beneficiary_id,
                   Attendance.presence == Presence.PRESENT.value)
            .correlate(Reservation).scalar_subquery())


def count_reservations(expiring_by: date | None = None, training_below: int | None = None
                       ) -> int:
    query = active_reservations_query(expiring_by, training_below).options()
    return db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0


@dataclass(frozen=True)
class ReservationLine:
    """A reservation in a few words, for the home page (no object graph loaded)."""

    id: int
    pseudonym: str
    expires_on: date
    attended: int


def reservation_lines(limit: int, expiring_by: date | None = None,
                      training_below: int | None = None) -> list[ReservationLine]:
    query = (active_reservations_query(expiring_by, training_below)
             .with_only_columns(Reservation.id, Beneficiary.pseudonym, Reservation.expires_on,
                                sessions_attended_sql())
             .join(Beneficiary, Beneficiary.id == Reservation.beneficiary_id)
             .limit(limit))
    return [ReservationLine(*row) for row in db.session.execute(query)]


def reservation_extensions(reservation_id: int) -> list[ReservationExtension]:
    """A reservation's extensions, oldest first, with who made them."""
    return list(db.session.scalars(
        select(ReservationExtension).options(joinedload(ReservationExtension.actor))
        .where(ReservationExtension.reservation_id == reservation_id)
        .order_by(ReservationExtension.occurred_at, ReservationExtension.id)))


def get_allocation_for_reservation(reservation_id: int) -> Allocation | None:
    return db.session.scalar(select(Allocation).where(Allocation.reservation_id == reservation_id))


# ------------------------------------------------------------------------- loans

LOAN_SCOPES = ("due", "month", "overdue", "all")


def loans_query(today: date, scope: str = "due", programme_id: int | None = None) -> Select:
    """Open loans. ``due``: overdue or due by the end of this month; ``month``: due this
    month; ``overdue``: past their date; ``all``: every open loan."""
    first, last = month_bounds(today)
    query = (
        select(Allocation)
        .options(joinedload(Allocation.beneficiary), joinedload(Allocation.programme))
        .where(Allocation.mode == Mode.LOAN.value, Allocation.status == "active")
    )
    if scope == "month":
        query = query.where(Allocation.due_on >= first, Allocation.due_on <= last)
    elif scope == "overdue":
        query = query.where(Allocation.due_on < today)
    elif scope != "all":
        query = query.where(Allocation.due_on <= last)
    if programme_id:
        query = query.where(Allocation.programme_id == programme_id)
    return query.order_by(Allocation.due_on, Allocation.id)


def count_loans(today: date, scope: str = "due") -> int:
    query = loans_query(today, scope).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def allocations_query(beneficiary_id: int | None = None) -> Select:
    query = select(Allocation).options(joinedload(Allocation.beneficiary))
    if beneficiary_id is not None:
        query = query.where(Allocation.beneficiary_id == beneficiary_id)
    return query.order_by(Allocation.handed_over_at.desc(), Allocation.id.desc())


# ------------------------------------------------------------------------- programmes

def programmes_query() -> Select:
    return select(SchoolProgramme).order_by(SchoolProgramme.active.desc(),
                                            SchoolProgramme.due_on, SchoolProgramme.name)


def programme_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(
        select(SchoolProgramme).where(SchoolProgramme.active).order_by(SchoolProgramme.name))
    return [(p.id, p.name) for p in rows]


def get_programme_by_name(name: str | None) -> SchoolProgramme | None:
    if not name:
        return None
    return db.session.scalar(select(SchoolProgramme).where(SchoolProgramme.name == name.strip()))


def programme_counts(programme_ids: Iterable[int], today: date) -> dict[int, dict[str, int]]:
    """Per programme: open loans, overdue ones, kept (converted) and returned."""
    wanted = set(programme_ids)
    if not wanted:
        return {}
    open_loan = (Allocation.mode == Mode.LOAN.value) & (Allocation.status == "active")
    rows = db.session.execute(
        select(
            Allocation.programme_id,
            func.sum(case((open_loan, 1), else_=0)),
            func.sum(case((open_loan & (Allocation.due_on < today), 1), else_=0)),
            func.sum(case((Allocation.converted_at.is_not(None), 1), else_=0)),
            func.sum(case((Allocation.status == "returned", 1), else_=0)),
        )
        .where(Allocation.programme_id.in_(wanted))
        .group_by(Allocation.programme_id)
    )
    return {
        pid: {"open": int(o or 0), "overdue": int(late or 0), "kept": int(kept or 0),
              "returned": int(back or 0)}
        for pid, o, late, kept, back in rows
    }


def school_in_programme(programme: SchoolProgramme, uai: str | None) -> bool:
    """A programme without listed schools accepts every school."""
    if not programme.schools:
        return True
    return bool(uai) and any(s.uai == uai for s in programme.schools)


def programme_school_exists(programme_id: int, uai: str) -> bool:
    return db.session.scalar(
        select(func.count()).select_from(ProgrammeSchool)
        .where(ProgrammeSchool.programme_id == programme_id, ProgrammeSchool.uai == uai)
    ) > 0


# ------------------------------------------------------------------------- beneficiary panel

@dataclass(frozen=True)
class PanelReservation:
    reservation: Reservation
    devices: list[Device]
    expired: bool


@dataclass(frozen=True)
class PanelAllocation:
    allocation: Allocation
    devices: list[Device]
    due_status: str  # "overdue", "this_month", "later" or "" (see core.handover)


@dataclass(frozen=True)
class BeneficiaryPanel:
    reservations: list[PanelReservation] = field(default_factory=list)
    allocations: list[PanelAllocation] = field(default_factory=list)
    can_reserve: bool = False  # set by the page (a permission and the approval)

    @property
    def loans_due(self) -> list[PanelAllocation]:
        return [a for a in self.allocations
                if a.allocation.is_open_loan and a.due_status in ("overdue", "this_month")]


def beneficiary_panel(beneficiary: Beneficiary, today: date) -> BeneficiaryPanel:
    """Two queries (plus the preloaded items): open reservations and every allocation."""
    reservations = list(db.session.scalars(
        select(Reservation)
        .where(Reservation.beneficiary_id == beneficiary.id, Reservation.status == "active")
        .order_by(Reservation.id)
    ))
    allocations = list(db.session.scalars(
        select(Allocation)
        .options(selectinload(Allocation.reservation).selectinload(Reservation.items))
        .where(Allocation.beneficiary_id == beneficiary.id)
        .order_by(Allocation.handed_over_at.desc())
    ))
    return BeneficiaryPanel(
        reservations=[
            PanelReservation(r, [i.device for i in r.active_items],
                             reservation_expired(r.expires_on, today))
            for r in reservations
        ],
        allocations=[
            PanelAllocation(
                a,
                [i.device for i in a.reservation.items],
                loan_due_status(a.due_on, today) if a.is_open_loan else "",
            )
            for a in allocations
        ],
    )


# ------------------------------------------------------------------------- reports

@dataclass(frozen=True)
class AllocationCount:
    """Handovers in a period for one beneficiary kind, commune and mode (at handover)."""

    kind: str
    commune: str
    mode: str
    allocations: int
    devices: int


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    """Inclusive dates → [start 00:00, end + 1 day 00:00)."""
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def _mode_at_handover():
    # A loan converted to a gift was a loan when handed over.
    return case((Allocation.converted_at.is_not(None), Mode.LOAN.value), else_=Allocation.mode)


def _device_counts():
    return (
        select(ReservationItem.reservation_id.label("reservation_id"),
               func.count().label("devices"))
        .group_by(ReservationItem.reservation_id)
        .subquery()
    )


def count_allocations(start: date, end: date) -> list[AllocationCount]:
    """Handovers between ``start`` and ``end`` (inclusive), by kind, commune and mode. Uses
    only what the GDPR purge keeps (kind, commune): figures survive anonymisation."""
    begin, finish = _period(start, end)
    items = _device_counts()
    mode = _mode_at_handover().label("mode")
    rows = db.session.execute(
        select(Beneficiary.kind, Beneficiary.commune, mode, func.count(Allocation.id),
               func.coalesce(func.sum(items.c.devices), 0))
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .outerjoin(items, items.c.reservation_id == Allocation.reservation_id)
        .where(Allocation.handed_over_at >= begin, Allocation.handed_over_at < finish)
        .group_by(Beneficiary.kind, Beneficiary.commune, mode)
        .order_by(Beneficiary.kind, Beneficiary.commune, mode)
    )
    return [AllocationCount(k, c, m, int(n), int(d)) for k, c, m, n, d in rows]


def _totals(rows: list[AllocationCount], key: str) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = totals.setdefault(getattr(row, key), {"allocations": 0, "devices": 0})
        entry["allocations"] += row.allocations
        entry["devices"] += row.devices
    return totals


def count_allocations_by_kind(start: date, end: date) -> dict[str, dict[str, int]]:
    """{kind: {"allocations": n, "devices": n}} for handovers in the period."""
    return _totals(count_allocations(start, end), "kind")


def count_allocations_by_commune(start: date, end: date) -> dict[str, dict[str, int]]:
    """{commune: {"allocations": n, "devices": n}} for handovers in the period."""
    return _totals(count_allocations(start, end), "commune")


def count_loan_outcomes(start: date, end: date) -> dict[str, int]:
    """Loans that ended in the period: kept by the family (converted) or returned."""
    begin, finish = _period(start, end)
    kept = db.session.scalar(
        select(func.count()).select_from(Allocation)
        .where(Allocation.converted_at >= begin, Allocation.converted_at < finish))
    returned = db.session.scalar(
        select(func.count()).select_from(Allocation)
        .where(Allocation.returned_at >= begin, Allocation.returned_at < finish,
               _mode_at_handover() == Mode.LOAN.value))
    return {"kept": int(kept or 0), "returned": int(returned or 0)}


# ------------------------------------------------------------------------- cohorts and packs

def cohorts_query() -> Select:
    return select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)


def get_cohort_by_name(name: str) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(func.lower(Cohort.name) == name.lower()))


def pack_templates() -> list[PackTemplate]:
    return list(db.session.scalars(select(PackTemplate).order_by(PackTemplate.name)))


def get_pack_by_name(name: str) -> PackTemplate | None:
    return db.session.scalar(select(PackTemplate)
                             .where(func.lower(PackTemplate.name) == name.lower()))


def beneficiaries_by_pseudonym(pseudonyms: Iterable[str]) -> dict[str, Beneficiary]:
    wanted = [p.upper() for p in pseudonyms]
    if not wanted:
        return {}
    rows = db.session.scalars(select(Beneficiary).where(func.upper(Beneficiary.pseudonym)
                                                        .in_(wanted)))
    return {b.pseudonym.upper(): b for b in rows}


def active_reservations_of(beneficiary_ids: Iterable[int]) -> dict[int, Reservation]:
    ids = list(beneficiary_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(Reservation).where(Reservation.beneficiary_id.in_(ids),
                                                        Reservation.status == "active"))
    return {r.beneficiary_id: r for r in rows}


def cohorts_of_beneficiary(beneficiary_id: int) -> list[CohortMember]:
    return list(db.session.scalars(
        select(CohortMember).join(Cohort).where(CohortMember.beneficiary_id == beneficiary_id)
        .options(joinedload(CohortMember.cohort)).order_by(Cohort.starts_on.desc())))
