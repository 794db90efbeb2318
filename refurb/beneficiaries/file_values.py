"""What a social worker types about a file, as plain values, and their checking: a msgid
naming the first problem, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from refurb.beneficiaries.models import Kind, Referrer
from refurb.core.eligibility import Situation
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.needs import clean_needs
from refurb.core.siret import validate_rna, validate_uai


@dataclass(frozen=True)
class FileValues:
    """Everything a social worker types about a file, as plain values."""

    commune: str
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    address_line: str = ""
    postal_code: str = ""
    organisation_name: str = ""
    uai: str | None = None
    rna: str | None = None
    school_level: str = ""
    programme: str | None = None
    adults: int = 1
    children: int = 0
    children_with_disability: int = 0
    single_parent: bool = False
    member_with_disability: bool = False
    income_basis: str | None = None
    stated_quotient: Decimal | None = None
    annual_income: Decimal | None = None
    tax_shares: Decimal | None = None  # the tax notice's "parts fiscales"
    monthly_benefits: Decimal | None = None
    non_taxable: bool = False
    situations: frozenset[str] = field(default_factory=frozenset)
    has_computer: bool = False
    qpv: bool = False
    last_device_received_on: date | None = None
    referred_by: str = ""
    referrer_detail: str = ""
    notes: str = ""
    # What the household or school needs (refurb.core.needs); memory in GiB as typed.
    need_kind: str | None = None
    need_min_ram_gib: int | None = None
    need_webcam: bool = False
    need_notes: str = ""


# Erased by the GDPR purge.
PERSONAL_TEXT = ("last_name", "first_name", "email", "phone", "address_line", "referrer_detail",
                 "notes", "need_notes")

# Beyond these, a figure is a typing error (and would overflow the database columns).
MAX_PEOPLE = 30
PEOPLE_COUNTS = {
    "adults": N_("d'adultes"),
    "children": N_("d'enfants"),
    "children_with_disability": N_("d'enfants en situation de handicap"),
}
AMOUNT_LIMITS = {
    "stated_quotient": (N_("Le quotient familial CAF"), Decimal("100000")),
    "annual_income": (N_("Le revenu fiscal de référence"), Decimal("1000000000")),
    "tax_shares": (N_("Le nombre de parts fiscales"), Decimal("50")),
    "monthly_benefits": (N_("Les prestations mensuelles"), Decimal("100000")),
}


def clean(values: FileValues, kind: Kind) -> dict[str, Any]:
    """``values`` checked and normalised for a file of ``kind``: the model's attributes, plus
    ``situations`` as a set of Situation."""
    data = {
        name: (getattr(values, name) or "").strip()
        for name in (*PERSONAL_TEXT, "postal_code", "organisation_name", "school_level")
    }
    data["commune"] = " ".join((values.commune or "").split())
    _check_identity(data, kind)
    data["uai"], data["rna"] = _identifiers(values, kind)
    if kind == Kind.PUPIL and not data["school_level"]:
        raise InvalidInput(N_("La classe de l'élève est obligatoire (par exemple CE2)."))
    if values.referred_by and values.referred_by not in {r.value for r in Referrer}:
        raise InvalidInput(N_("Orienteur inconnu : %(referrer)s."), referrer=values.referred_by)
    situations = _situations(values)
    _check_ranges(values)
    basis = values.income_basis or None
    data.update(
        birth_date=values.birth_date,
        programme=(values.programme or "").strip() or None,
        adults=values.adults,
        children=values.children,
        children_with_disability=values.children_with_disability,
        single_parent=values.single_parent,
        member_with_disability=values.member_with_disability,
        income_basis=basis,
        # Only the figures of the chosen basis are kept: the others were not checked.
        stated_quotient=values.stated_quotient if basis == "caf" else None,
        annual_income=values.annual_income if basis == "rfr" else None,
        tax_shares=values.tax_shares if basis == "rfr" else None,
        monthly_benefits=values.monthly_benefits if basis == "rfr" else None,
        has_computer=values.has_computer,
        qpv=bool(values.qpv),
        last_device_received_on=values.last_device_received_on,
        referred_by=values.referred_by or "",
        situations=situations,
    )
    needs = clean_needs(values.need_kind, values.need_min_ram_gib, values.need_webcam,
                        values.need_notes)
    data.update(need_kind=needs.kind, need_min_ram_mib=needs.min_ram_mib,
                need_webcam=needs.webcam, need_notes=needs.notes)
    return data


def _check_identity(data: dict[str, Any], kind: Kind) -> None:
    if not data["commune"]:
        raise InvalidInput(N_("La commune est obligatoire."))
    if kind in (Kind.HOUSEHOLD, Kind.PUPIL) and not (data["last_name"] and data["first_name"]):
        raise InvalidInput(N_("Le nom et le prénom du demandeur sont obligatoires."))
    if kind in (Kind.SCHOOL, Kind.ASSOCIATION) and not data["organisation_name"]:
        raise InvalidInput(N_("Le nom de l'école ou de l'association est obligatoire."))


def _identifiers(values: FileValues, kind: Kind) -> tuple[str | None, str | None]:
    """(UAI, RNA): a school's or a pupil's school code, an association's register number."""
    uai = (values.uai or "").strip()
    rna = (values.rna or "").strip()
    if kind in (Kind.SCHOOL, Kind.PUPIL) and not uai:
        raise InvalidInput(N_("Le code UAI de l'école est obligatoire."))
    checked_uai = validate_uai(uai) if uai else None
    if kind != Kind.ASSOCIATION:
        return checked_uai, None
    if not rna:
        raise InvalidInput(N_("Le numéro RNA de l'association est obligatoire."))
    return checked_uai, validate_rna(rna)


def _situations(values: FileValues) -> set[Situation]:
    try:
        situations = {Situation(s) for s in values.situations}
    except ValueError:
        raise InvalidInput(N_("Situation inconnue.")) from None
    situations.discard(Situation.NON_TAXABLE)  # comes from the "non imposable" box
    if values.non_taxable:
        situations.add(Situation.NON_TAXABLE)
    return situations


def _check_ranges(values: FileValues) -> None:
    for name, what in PEOPLE_COUNTS.items():
        count = getattr(values, name)
        if isinstance(count, int) and count > MAX_PEOPLE:
            raise InvalidInput(N_("Le nombre %(what)s ne peut pas dépasser %(maximum)s."),
                               what=Message(what), maximum=MAX_PEOPLE)
    for name, (label, limit) in AMOUNT_LIMITS.items():
        amount = getattr(values, name)
        if isinstance(amount, Decimal | int) and amount >= limit:
            raise InvalidInput(N_("%(what)s semble erroné : %(amount)s (maximum %(maximum)s)."),
                               what=Message(label), amount=amount, maximum=limit - 1)
