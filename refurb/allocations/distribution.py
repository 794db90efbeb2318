"""The distribution day of a cohort: machines are scanned in turn, each going to the next
member still waiting for that type; a member whose pack is complete is handed over at once on
the cohort's terms, with one agreement (the ordinary reservation and handover use cases).
Each scan is its own request, hence its own transaction: a refused scan changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from refurb.allocations import handover, queries
from refurb.allocations.cohorts import pack_contents, pack_types
from refurb.allocations.models import Allocation, Cohort, CohortMember, Reservation
from refurb.allocations.reservations import reserve
from refurb.core import packs
from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import InvalidInput
from refurb.core.handover import FeeStatus, Mode
from refurb.core.i18n import N_
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead
from refurb.extensions import db


@dataclass(frozen=True)
class MemberState:
    member: CohortMember
    reservation: Reservation | None
    devices: list[Device]

    @property
    def waiting(self) -> bool:
        return self.member.allocation_id is None


@dataclass(frozen=True)
class DayState:
    """The distribution page's ready data."""

    cohort: Cohort
    pack: dict[str, int]
    members: list[MemberState]
    progress: packs.Progress
    next_member: MemberState | None
    expected: list[str]


def _rules_view(states: list[MemberState], pack: dict[str, int]) -> list[packs.Member]:
    """Served members count as complete: the pack may have been edited since their handover
    (they keep what they received)."""
    whole = tuple(t for t, n in pack.items() for _ in range(n))
    return [packs.Member(s.member.id, s.waiting,
                         tuple(d.device_type for d in s.devices) if s.waiting else whole)
            for s in states]


def day_state(cohort: Cohort) -> DayState:
    pack = pack_types(cohort.pack_template) if cohort.pack_template else {}
    open_ = queries.active_reservations_of(m.beneficiary_id for m in cohort.members
                                           if m.allocation_id is None)
    states = []
    for member in cohort.members:
        if member.allocation_id is not None:
            held = [i.device for i in member.allocation.reservation.items]
            states.append(MemberState(member, member.allocation.reservation, held))
        else:
            reservation = open_.get(member.beneficiary_id)
            held = [i.device for i in reservation.active_items] if reservation else []
            states.append(MemberState(member, reservation, held))
    rules = _rules_view(states, pack)
    served = sum(1 for s in states if not s.waiting)
    following = packs.next_member(pack, rules) if pack else None
    next_state = next((s for s in states if following and s.member.id == following.key), None)
    expected = sorted(packs.missing_types(pack, following.held)) if following else []
    return DayState(cohort, pack, states, packs.progress(pack, rules, served), next_state,
                    expected)


@dataclass(frozen=True)
class ScanResult:
    member: CohortMember
    device: Device
    allocation: Allocation | None
    document: IssuedDocument | None


def _device(text: str) -> Device:
    tag = normalise_scan(text or "")
    if not tag:
        raise InvalidInput(N_("Scannez l'étiquette d'une machine."))
    if parse_tag(tag) is None:
        raise InvalidInput(N_("Numéro(s) d'inventaire invalide(s) : %(tags)s."), tags=tag)
    device = queries.devices_by_tags([tag]).get(tag)
    if device is None:
        raise InvalidInput(N_("Numéro(s) d'inventaire inconnu(s) : %(tags)s."), tags=tag)
    return device


def _already_given(state: DayState, device: Device) -> None:
    """A machine scanned twice: said plainly, nothing changes."""
    for s in state.members:
        if any(d.id == device.id for d in s.devices):
            raise InvalidInput(N_("%(tag)s est déjà attribué à %(pseudonym)s dans cette "
                                  "cohorte : rien n'a changé."), tag=device.asset_tag,
                               pseudonym=s.member.beneficiary.pseudonym)


def handover_values(cohort: Cohort, member: CohortMember) -> handover.HandoverValues:
    """The cohort's terms for one member. A paid fee's receipt is numbered from the cohort and
    the member's place in it; a loan outside a school programme ends with the cohort's
    period."""
    paid = cohort.fee_amount > 0
    return handover.HandoverValues(
        mode=cohort.mode,
        fee_status=FeeStatus.PAID.value if paid else FeeStatus.WAIVED.value,
        fee_amount=cohort.fee_amount if paid else Decimal("0"),
        fee_method=cohort.fee_method if paid else None,
        receipt_number=f"C{cohort.id}-{member.position:03d}" if paid else "",
        due_on=cohort.ends_on if cohort.mode == Mode.LOAN and not cohort.school_programme_id
        else None,
        programme_id=cohort.school_programme_id,
    )


def scan(cohort: Cohort, text: str, *, actor_id: int | None, now: datetime,
         workshop: Letterhead | None = None, signed_for_workshop: str = "") -> ScanResult:
    """One scanned machine → reserved for the next member waiting for its type; that member's
    pack complete → handed over with its agreement."""
    if cohort.pack_template is None:
        raise InvalidInput(N_("Choisissez d'abord le pack de la cohorte."))
    device = _device(text)
    state = day_state(cohort)
    _already_given(state, device)
    chosen = packs.assign(state.pack, _rules_view(state.members, state.pack),
                          device.device_type)
    member_state = next(s for s in state.members if s.member.id == chosen.key)
    member = member_state.member
    reservation = reserve(member.beneficiary, [device], actor_id=actor_id, now=now)
    held = [d.device_type for d in member_state.devices] + [device.device_type]
    if not packs.complete(state.pack, held):
        return ScanResult(member, device, None, None)
    allocation, document = handover.hand_over(
        reservation, handover_values(cohort, member), actor_id=actor_id, now=now,
        workshop=workshop, signed_for_workshop=signed_for_workshop,
        pack=pack_contents(cohort.pack_template))
    member.allocation_id = allocation.id
    member.allocation = allocation
    db.session.flush()
    return ScanResult(member, device, allocation, document)
