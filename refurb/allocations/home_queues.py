"""Home page queues of allocations: the waiting list against the ready stock, reservations
about to end, handovers waiting for training, loans due back."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy.orm import lazyload

from refurb.allocations import handover, matching, queries, reservations
from refurb.beneficiaries import queries as beneficiary_queries
from refurb.beneficiaries.models import Beneficiary
from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.extensions import db
from refurb.templating import when

PREVIEW = 5


def _waiting_preview(reader) -> list[Message]:
    """The first files with the ready machines fitting each one's needs (two queries)."""
    files = list(db.session.scalars(beneficiary_queries.waiting_list_query().limit(PREVIEW)
                                    .options(lazyload(Beneficiary.situation_rows))))
    fits = matching.fitting_counts(files)
    return [Message(N_("%(file)s (priorité %(priority)s) : %(n)s machine(s) prête(s) "
                       "adaptée(s) à ses besoins"),
                    {"file": b.pseudonym, "priority": b.priority, "n": fits[b.id].count})
            for b in files]


WAITING_LIST = HomeQueue(
    "waiting_list", N_("dossiers en liste d’attente"),
    count=lambda reader: beneficiary_queries.count_waiting(),
    link=lambda reader: url_for("beneficiaries.waiting_list"), preview=_waiting_preview,
    hint=N_("Réservez une machine prête pour les premiers de la liste."), order=30)


def _expiring_by(reader):
    return reader.today + timedelta(days=reservations.expiry_warning_days())


def _expiring_preview(reader) -> list[Message]:
    rows = queries.reservation_lines(PREVIEW, expiring_by=_expiring_by(reader))
    return [Message(N_("Réservation n° %(number)s (%(file)s) : jusqu’au %(date)s"),
                    {"number": r.id, "file": r.pseudonym, "date": when(r.expires_on)})
            for r in rows]


EXPIRING = HomeQueue(
    "reservations_expiring", N_("réservations qui se terminent bientôt"),
    count=lambda reader: queries.count_reservations(expiring_by=_expiring_by(reader)),
    link=lambda reader: url_for("allocations.reservations", expiring="1"),
    preview=_expiring_preview,
    hint=N_("Remettez les machines ou prévenez la personne avant la fin de la réservation."),
    order=40)


def _training_count(reader) -> int:
    required = handover.required_sessions()
    return queries.count_reservations(training_below=required) if required else 0


def _training_preview(reader) -> list[Message]:
    required = handover.required_sessions()
    return [Message(N_("Réservation n° %(number)s (%(file)s) : %(done)s séance(s) sur "
                       "%(required)s"), {"number": r.id, "file": r.pseudonym,
                                         "done": r.attended, "required": required})
            for r in queries.reservation_lines(PREVIEW, training_below=required)]


TRAINING_BLOCKED = HomeQueue(
    "handover_training", N_("remises bloquées par la formation"),
    count=_training_count,
    link=lambda reader: url_for("allocations.reservations", training="short"),
    preview=_training_preview,
    hint=N_("Inscrivez ces personnes aux prochaines séances de formation."), order=50)

LOANS_DUE = HomeQueue(
    "loans_due", N_("prêts à récupérer (en retard ou dus ce mois-ci)"),
    count=lambda reader: queries.count_loans(reader.today, "due"),
    link=lambda reader: url_for("allocations.loans", scope="due"),
    hint=N_("Contactez les familles pour le retour ou la prolongation."), order=60)
