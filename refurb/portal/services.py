"""Donor portal use cases: a donor's impact figures, and the mécénat gift receipt (Cerfa 16216
fields) issued when a cost-price value is declared for a collection.

For other domains: `impact_for_donor(donor_id) -> Impact`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from refurb.clock import local_date
from refurb.core.amount_words import MAX_AMOUNT, euros_in_figures, euros_in_words
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.impact import Impact, impact
from refurb.core.workshop_identity import LABELS as IDENTITY_LABELS
from refurb.core.workshop_identity import Gap
from refurb.counters import next_number
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead
from refurb.documents.services import issue_document
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.portal import queries
from refurb.portal.gift_receipt import render_gift_receipt
from refurb.portal.models import GiftValuation
from refurb.reports.outcomes import co2_assumptions, training_hours
from refurb.settings import workshop as workshop_identity
from refurb.settings.services import get as get_setting

GIFT_KIND = "gift_receipt"
PURPOSE = "mecenat.organisation_purpose"
ORGANISATION_TYPE = "mecenat.organisation_type"
SIGNATORY = "mecenat.signatory_name"
SIGNATORY_ROLE = "mecenat.signatory_role"
GIFT_SECTION = N_("Reçus fiscaux (mécénat)")
SETTINGS = (
    Definition(PURPOSE, N_("Reçu fiscal (mécénat) : objet de l'organisme bénéficiaire"), "str",
               "Réemploi solidaire de matériel informatique au profit de personnes et de "
               "structures en difficulté, et formation à son usage.",
               help=N_("Cerfa 16216 : objet de l'organisme qui reçoit le don."),
               section=GIFT_SECTION),
    Definition(ORGANISATION_TYPE, N_("Reçu fiscal (mécénat) : qualité de l'organisme bénéficiaire"),
               "str", "Organisme d'intérêt général (article 238 bis du CGI)",
               help=N_("Cerfa 16216 : type d'organisme (à vérifier avec votre service juridique)."),
               section=GIFT_SECTION),
    Definition(SIGNATORY, N_("Reçu fiscal (mécénat) : nom du signataire"), "str", "",
               help=N_("Obligatoire pour émettre un reçu fiscal."),
               section=GIFT_SECTION),
    Definition(SIGNATORY_ROLE, N_("Reçu fiscal (mécénat) : qualité du signataire"), "str", "",
               help=N_("Par exemple : Président(e) du CCAS, directeur(rice)."),
               section=GIFT_SECTION),
)

NATURE_OF_GOODS = "Matériel informatique et équipements électroniques d'occasion"
FORM_OF_GIFT = "Acte sous seing privé"
NATURE_OF_GIFT = "Don en nature"
VALUATION_METHOD = "Valeur au prix de revient, déclarée par l'entreprise donatrice"


# --- impact -------------------------------------------------------------------------------


def impact_for_donor(donor_id: int) -> Impact:
    """The figures a donor sees, all from records through the donor's tallies (a few rows
    whatever the stock): devices by fate, weights, CO2e, who was equipped (counts by kind
    only) and the training hours of those people."""
    rows = queries.donor_tallies(donor_id)
    reused_by_type, reused_kg = queries.reused(rows)
    return impact(
        state_counts=queries.state_counts(rows),
        reused_by_type=reused_by_type,
        reused_kg=reused_kg,
        recycled_kg=queries.recycled_kg(rows),
        equipped=queries.donor_equipped_by_kind(donor_id),
        training_hours=training_hours(queries.donor_recipients(donor_id)),
        assumptions=co2_assumptions(),
    )


# --- mécénat ------------------------------------------------------------------------------


def parse_amount(text: str | None) -> Decimal:
    """"1 234,50", "1234.5", "1 234,50 €" → Decimal("1234.50"); no value, no receipt."""
    cleaned = (text or "").replace("€", "").replace("\u202f", "").replace("\u00a0", "")
    cleaned = cleaned.replace(" ", "").replace(",", ".").strip()
    if not cleaned:
        raise InvalidInput(N_("Sans valeur déclarée, pas de reçu : indiquez la valeur du don "
                              "au prix de revient."))
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(N_("Valeur « %(text)s » illisible : écrivez par exemple 1 234,50."),
                           text=text) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(N_("La valeur du don doit être supérieure à zéro."))
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(N_("La valeur du don s'écrit en euros, avec deux décimales au plus."))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Signatory:
    name: str
    role: str


def signatory() -> Signatory:
    """The receipts' signatory; the workshop identity's signatory when none is set here."""
    identity = workshop_identity.current()
    return Signatory(str(get_setting(SIGNATORY) or identity.signatory_name or "").strip(),
                     str(get_setting(SIGNATORY_ROLE) or identity.signatory_title or "").strip())


def _gift_date(collection: Collection) -> date:
    return (collection.collected_on or collection.received_on or collection.planned_on
            or collection.created_at.date())


def _type_label(kind: str) -> str:
    try:
        return DEVICE_TYPE_LABELS[DeviceType(kind)]
    except ValueError:
        return kind


def identity_gaps() -> list[Gap]:
    """What the workshop must fill in before any gift receipt (its identity, the signatory):
    the page shows it up front, with links for admins."""
    gaps = workshop_identity.missing_for("gift_receipt")
    who = signatory()
    for key, value in (("signatory_name", who.name), ("signatory_title", who.role)):
        if not value:
            gaps.append(Gap(key, IDENTITY_LABELS[key]))
    return gaps


def identity_blockers() -> list[Message]:
    gaps = identity_gaps()
    blockers = [Message(N_("Identité de l'atelier : %(field)s à renseigner (Réglages → "
                           "Identité de l'atelier)."), {"field": Message(gap.label)})
                for gap in gaps if not gap.key.startswith("signatory_")]
    if any(gap.key.startswith("signatory_") for gap in gaps):
        blockers.append(Message(N_("Le nom et la qualité du signataire des reçus fiscaux ne "
                                   "sont pas renseignés (Réglages → Identité de l'atelier).")))
    return blockers


def _blockers(collection: Collection, counts: dict[str, int], letterhead: Letterhead,
              who: Signatory) -> list[Message]:
    donor = collection.donor
    blockers = identity_blockers()
    if not counts:
        blockers.append(Message(N_("Aucun appareil n'est encore enregistré dans cette collecte : "
                                   "la description des biens donnés serait vide.")))
    if not (donor.siret or "").strip():
        blockers.append(Message(N_("Le SIREN de l'entreprise donatrice n'est pas renseigné "
                                   "(fiche du donateur, à compléter par l'atelier).")))
    if not (donor.address or "").strip():
        blockers.append(Message(N_("L'adresse de l'entreprise donatrice n'est pas renseignée.")))
    return blockers


def gift_payload(collection: Collection, amount: Decimal, *, number: str, workshop: Letterhead,
                 who: Signatory, declared_on: date) -> dict:
    donor = collection.donor
    counts = queries.type_counts(collection.id)
    order = [t.value for t in DeviceType]
    goods = [[_type_label(kind), counts[kind]]
             for kind in sorted(counts, key=lambda k: order.index(k) if k in order else 99)]
    return {
        "number": number,
        "organisation": {
            "name": workshop.name, "address": workshop.address, "siret": workshop.siret,
            "contact": workshop.contact, "purpose": str(get_setting(PURPOSE) or ""),
            "type": str(get_setting(ORGANISATION_TYPE) or ""),
        },
        "donor": {
            "name": donor.name, "legal_form": donor.legal_form or "",
            "siren": (donor.siret or "").strip()[:9],
            "address": ", ".join(p for p in (donor.address, " ".join(
                p for p in (donor.postal_code, donor.city) if p)) if p),
        },
        "collection": collection.number,
        "gift_date": _gift_date(collection).strftime("%d/%m/%Y"),
        "nature_of_goods": NATURE_OF_GOODS,
        "goods": goods,
        "total_devices": sum(counts.values()),
        "amount": str(amount),
        "amount_figures": euros_in_figures(amount),
        "amount_words": euros_in_words(amount),
        "valuation_method": VALUATION_METHOD,
        "declared_on": declared_on.strftime("%d/%m/%Y"),
        "form": FORM_OF_GIFT,
        "nature": NATURE_OF_GIFT,
        "signatory": {"name": who.name, "role": who.role},
    }


def declare_gift_value(collection: Collection, raw_amount: str | None, *, workshop: Letterhead,
                       actor_id: int | None, now: datetime) -> tuple[GiftValuation, IssuedDocument]:
    """Record the value the donor declares (append-only) and issue the gift receipt: a first
    value takes a number `RF-MEC-YYYY-NNNN`, a new value a new version of the same receipt."""
    amount = parse_amount(raw_amount)
    latest = queries.latest_valuation(collection.id)
    if latest is not None and latest.amount == amount:
        raise InvalidInput(N_("Cette valeur est déjà déclarée : le reçu %(number)s reste "
                              "valable."), number=latest.receipt_number)
    who = signatory()
    blockers = _blockers(collection, queries.type_counts(collection.id), workshop, who)
    if blockers:
        raise InvalidInput(N_("Le reçu fiscal ne peut pas encore être émis."), reasons=blockers)
    number = queries.receipt_number_for(collection.id) or (
        f"RF-MEC-{now.year}-{next_number(f'mecenat:{now.year}'):04d}")
    payload = gift_payload(collection, amount, number=number, workshop=workshop, who=who,
                           declared_on=local_date(now))
    document, _created = issue_document(
        kind=GIFT_KIND,
        number=number,
        subject=f"collection:{collection.id}",
        payload=payload,
        render=render_gift_receipt,
        filename_stem=f"recu-fiscal-{number}",
        actor_id=actor_id,
        now=now,
        donor_id=collection.donor_id,
        summary={"amount": str(amount), "collection": collection.number},
    )
    valuation = GiftValuation(collection_id=collection.id, amount=amount,
                              declared_by_id=actor_id, declared_at=now,
                              receipt_number=number, document_id=document.id)
    db.session.add(valuation)
    db.session.flush()
    return valuation, document
