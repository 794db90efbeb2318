"""What the GDPR purge of beneficiary files asks of allocations (registered in refurb.wiring)."""

from __future__ import annotations

from sqlalchemy import select

from refurb.allocations import queries
from refurb.allocations.models import Allocation
from refurb.beneficiaries.models import Beneficiary
from refurb.core.errors import Message
from refurb.core.handover import Mode
from refurb.core.i18n import N_
from refurb.extensions import db


def agreements_of(beneficiary: Beneficiary) -> list[str]:
    """Agreements name the person: they are erased with the file."""
    ids = db.session.scalars(select(Allocation.id).where(Allocation.beneficiary_id == beneficiary.id))
    return [f"allocation:{allocation_id}" for allocation_id in ids]


def keep_while_holding(beneficiary: Beneficiary) -> str | None:
    """A file holding a loaned machine or an open reservation is not purged (the reason is
    printed by the purge command, in French)."""
    if queries.get_active_reservation(beneficiary.id) is not None:
        return str(Message(N_("Réservation de matériel en cours.")))
    loan = db.session.scalar(
        select(Allocation).where(Allocation.beneficiary_id == beneficiary.id,
                                 Allocation.mode == Mode.LOAN.value,
                                 Allocation.status == "active").limit(1))
    if loan is not None:
        return str(Message(N_("Matériel en prêt (remise %(number)s)."), {"number": loan.number}))
    return None
