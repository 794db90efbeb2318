"""Who issues an erasure document: the workshop, with its identity as admins set it
(refurb.settings.workshop) and its logo."""

from __future__ import annotations

from dataclasses import dataclass

from refurb.core.workshop_identity import WorkshopIdentity
from refurb.documents.pdf import Letterhead


@dataclass(frozen=True)
class Issuer:
    identity: WorkshopIdentity
    logo: bytes | None = None

    @property
    def letterhead(self) -> Letterhead:
        i = self.identity
        return Letterhead(i.name, i.full_address, i.siret, i.contact, self.logo)

    def organisation(self) -> dict[str, str]:
        """As the payload states it (the logo is printed, not stated)."""
        i = self.identity
        return {"name": i.name, "legal_form": i.legal_form, "address": i.full_address,
                "city": i.city, "siret": i.siret, "contact": i.contact,
                "signatory": i.signatory}


def current_issuer() -> Issuer:
    """The workshop as it is now (needs an application context)."""
    from refurb.settings import workshop

    logo = workshop.logo()
    return Issuer(workshop.current(), logo.data if logo else None)
