"""Cohorts (a school class, a season's distribution, an association call) and pack templates:
beneficiaries handled together, each receiving the same pack on the same terms, and the
parents' workshop their families follow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.allocations import queries
from refurb.allocations.models import (
    COHORT_KINDS,
    Cohort,
    CohortMember,
    PackTemplate,
    PackTemplateLine,
    SchoolProgramme,
)
from refurb.beneficiaries.models import Beneficiary
from refurb.core.applications import Status
from refurb.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, Message
from refurb.core.handover import MAX_FEE, Mode, PaymentMethod
from refurb.core.i18n import N_
from refurb.core.packs import check_device_types, parse_accessories
from refurb.core.siret import validate_uai
from refurb.extensions import db
from refurb.training import enrolments
from refurb.training import queries as training_queries
from refurb.training.models import Enrolment, Programme

COHORT_KIND_LABELS = {
    "school_class": N_("Classe d'école"),
    "season": N_("Distribution de saison"),
    "association_call": N_("Appel aux associations"),
}
_SPLIT = re.compile(r"[\s,;]+")


def _flush_unique(message: str, **params) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConcurrentChange(message, **params) from None


def _name(text: str, message: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise InvalidInput(message)
    if len(name) > 120:
        raise InvalidInput(N_("Nom trop long (120 caractères au plus)."))
    return name


# ------------------------------------------------------------------------- pack templates

@dataclass(frozen=True)
class PackValues:
    name: str
    device_types: dict[str, int]
    accessories: str = ""


def _pack_lines(values: PackValues) -> list[PackTemplateLine]:
    check_device_types(values.device_types)
    accessories = parse_accessories(values.accessories)
    return [*(PackTemplateLine(kind="device", device_type=t, label="", quantity=n)
              for t, n in values.device_types.items()),
            *(PackTemplateLine(kind="accessory", device_type=None, label=label, quantity=n)
              for label, n in accessories)]


def _pack_name(values: PackValues, pack_id: int | None) -> str:
    name = _name(values.name, N_("Le nom du pack est obligatoire."))
    same = queries.get_pack_by_name(name)
    if same is not None and same.id != pack_id:
        raise InvalidInput(N_("Un pack « %(name)s » existe déjà."), name=name)
    return name


def create_pack(values: PackValues, *, actor_id: int | None, now: datetime) -> PackTemplate:
    name = _pack_name(values, None)
    pack = PackTemplate(name=name, created_at=now, created_by_id=actor_id)
    pack.lines = _pack_lines(values)
    db.session.add(pack)
    _flush_unique(N_("Un pack « %(name)s » vient d'être créé."), name=name)
    return pack


def update_pack(pack: PackTemplate, values: PackValues) -> PackTemplate:
    """New name and contents for the next handovers; those already made keep the pack they
    received (Allocation.pack) and their agreements."""
    name = _pack_name(values, pack.id)
    lines = _pack_lines(values)
    pack.name = name
    pack.lines = lines  # the old lines go (delete-orphan): nothing else points to them
    _flush_unique(N_("Un pack « %(name)s » vient d'être créé."), name=name)
    return pack


def retire_pack(pack: PackTemplate, *, now: datetime) -> PackTemplate:
    """No longer offered to new cohorts; a cohort already using it keeps it."""
    if pack.retired_at is not None:
        raise InvalidInput(N_("Le pack « %(name)s » est déjà retiré."), name=pack.name)
    pack.retired_at = now
    db.session.flush()
    return pack


def pack_contents(pack: PackTemplate) -> dict:
    """The pack as handed over, kept on the allocation."""
    return {"name": pack.name,
            "devices": [[line.device_type, line.quantity] for line in pack.device_lines],
            "accessories": [[line.label, line.quantity] for line in pack.accessory_lines]}


def pack_types(pack: PackTemplate) -> dict[str, int]:
    """{device type: quantity} a member receives."""
    return {line.device_type: line.quantity for line in pack.device_lines}


# ------------------------------------------------------------------------- cohorts

@dataclass(frozen=True)
class CohortValues:
    kind: str
    name: str
    starts_on: date | None
    ends_on: date | None
    uai: str = ""
    school_name: str = ""
    pack_template_id: int | None = None
    mode: str = Mode.GIFT.value
    school_programme_id: int | None = None
    fee_amount: Decimal | None = None
    fee_method: str | None = None
    training_programme_id: int | None = None


def _clean(values: CohortValues, cohort_id: int | None) -> dict:
    if values.kind not in COHORT_KINDS:
        raise InvalidInput(N_("Choisissez le genre de cohorte."))
    name = _name(values.name, N_("Le nom de la cohorte est obligatoire."))
    same = queries.get_cohort_by_name(name)
    if same is not None and same.id != cohort_id:
        raise InvalidInput(N_("Une cohorte « %(name)s » existe déjà."), name=name)
    if values.starts_on is None or values.ends_on is None:
        raise InvalidInput(N_("Indiquez le début et la fin de la période."))
    if values.ends_on < values.starts_on:
        raise InvalidInput(N_("La fin de la période précède son début."))
    if values.mode not in {m.value for m in Mode}:
        raise InvalidInput(N_("Choisissez un don ou un prêt."))
    fee = values.fee_amount if values.fee_amount is not None else Decimal("0")
    if fee < 0 or fee > MAX_FEE:
        raise InvalidInput(N_("Participation : montant invalide."))
    method = values.fee_method or None
    if fee > 0 and method not in {m.value for m in PaymentMethod}:
        raise InvalidInput(N_("Participation : indiquez le moyen de paiement."))
    for model, key, message in (
        (PackTemplate, values.pack_template_id, N_("Pack inconnu.")),
        (SchoolProgramme, values.school_programme_id, N_("Dispositif scolaire inconnu ou clos.")),
        (Programme, values.training_programme_id, N_("Formation inconnue.")),
    ):
        if key and db.session.get(model, key) is None:
            raise InvalidInput(message)
    pack = db.session.get(PackTemplate, values.pack_template_id) \
        if values.pack_template_id else None
    current = db.session.get(Cohort, cohort_id) if cohort_id else None
    if pack is not None and pack.retired_at is not None and (
            current is None or current.pack_template_id != pack.id):
        raise InvalidInput(N_("Le pack « %(name)s » est retiré : choisissez-en un autre."),
                           name=pack.name)
    if values.school_programme_id and values.mode != Mode.LOAN:
        raise InvalidInput(N_("Un dispositif scolaire prête les machines : choisissez « prêt »."))
    return {
        "kind": values.kind, "name": name, "starts_on": values.starts_on,
        "ends_on": values.ends_on,
        "uai": validate_uai(values.uai) if (values.uai or "").strip() else None,
        "school_name": " ".join((values.school_name or "").split())[:200],
        "pack_template_id": values.pack_template_id or None, "mode": values.mode,
        "school_programme_id": values.school_programme_id or None,
        "fee_amount": fee.quantize(Decimal("0.01")), "fee_method": method if fee > 0 else None,
        "training_programme_id": values.training_programme_id or None,
    }


def create_cohort(values: CohortValues, *, actor_id: int | None, now: datetime) -> Cohort:
    cohort = Cohort(**_clean(values, None), created_at=now, created_by_id=actor_id)
    db.session.add(cohort)
    _flush_unique(N_("Une cohorte « %(name)s » vient d'être créée."), name=cohort.name)
    return cohort


def update_cohort(cohort: Cohort, values: CohortValues) -> Cohort:
    for key, value in _clean(values, cohort.id).items():
        setattr(cohort, key, value)
    _flush_unique(N_("Une cohorte « %(name)s » vient d'être créée."), name=cohort.name)
    return cohort


# ------------------------------------------------------------------------- members

def add_members(cohort: Cohort, text: str, *, now: datetime) -> list[CohortMember]:
    """File numbers typed or pasted: all are added, or none (every problem named at once)."""
    wanted = list(dict.fromkeys(t.strip().upper() for t in _SPLIT.split(text or "") if t.strip()))
    if not wanted:
        raise InvalidInput(N_("Indiquez au moins un numéro de dossier."))
    found = queries.beneficiaries_by_pseudonym(wanted)
    present = {m.beneficiary_id for m in cohort.members}
    reasons = []
    unknown = [p for p in wanted if p not in found]
    if unknown:
        reasons.append(Message(N_("Dossier(s) inconnu(s) : %(list)s."),
                               {"list": ", ".join(unknown)}))
    already = [p for p in wanted if p in found and found[p].id in present]
    if already:
        reasons.append(Message(N_("Déjà membre(s) de la cohorte : %(list)s."),
                               {"list": ", ".join(already)}))
    closed = [p for p in wanted if p in found and (found[p].anonymised_at is not None
                                                   or found[p].status == Status.CLOSED)]
    if closed:
        reasons.append(Message(N_("Dossier(s) clos ou anonymisé(s) : %(list)s."),
                               {"list": ", ".join(closed)}))
    if reasons:
        raise InvalidInput(N_("Aucun dossier n'a été ajouté."), reasons=reasons)
    position = db.session.scalar(select(func.max(CohortMember.position))
                                 .where(CohortMember.cohort_id == cohort.id)) or 0
    added = []
    for offset, pseudonym in enumerate(wanted, start=1):
        member = CohortMember(cohort=cohort, beneficiary=found[pseudonym],
                              position=position + offset, added_at=now)
        db.session.add(member)
        added.append(member)
    _flush_unique(N_("La cohorte vient d'être modifiée par quelqu'un d'autre : rechargez la "
                     "page."))
    return added


def remove_member(cohort: Cohort, member_id: int) -> Beneficiary:
    member = next((m for m in cohort.members if m.id == member_id), None)
    if member is None:
        raise InvalidInput(N_("Ce dossier ne fait pas partie de la cohorte."))
    if member.allocation_id is not None:
        raise IllegalTransition(N_("Le dossier %(pseudonym)s a déjà reçu son pack : il reste "
                                   "dans la cohorte."), pseudonym=member.beneficiary.pseudonym)
    beneficiary = member.beneficiary
    cohort.members.remove(member)
    db.session.delete(member)
    db.session.flush()
    return beneficiary


# ------------------------------------------------------------------------- parents' workshops

def enrol_many(programme: Programme, beneficiaries: list[Beneficiary], *, group_name: str,
               actor_id: int | None, now: datetime) -> list[Enrolment]:
    """Enrol every file through the single-enrol use case, all or nothing: the first refusal
    propagates and the caller's transaction drops every enrolment made before it. A file
    already following the programme is left as it is."""
    done = []
    for beneficiary in beneficiaries:
        current = training_queries.enrolment_of(programme.id, beneficiary.id)
        if current is not None and current.withdrawn_on is None:
            continue
        done.append(enrolments.enrol(programme, beneficiary, group_name=group_name,
                                     actor_id=actor_id, now=now))
    return done


def enrol_parents(cohort: Cohort, *, actor_id: int | None, now: datetime) -> list[Enrolment]:
    if cohort.training_programme is None:
        raise InvalidInput(N_("Choisissez d'abord l'atelier des parents de la cohorte."))
    if not cohort.members:
        raise InvalidInput(N_("La cohorte n'a encore aucun membre."))
    return enrol_many(cohort.training_programme, [m.beneficiary for m in cohort.members],
                      group_name=cohort.name[:80], actor_id=actor_id, now=now)
