"""Who issues a certificate (the workshop's letterhead) and where certificates are checked."""

from __future__ import annotations

from dataclasses import dataclass

from refurb.documents.pdf import Letterhead


@dataclass(frozen=True)
class Issuer:
    """The workshop issuing the certificate, and where certificates are verified."""

    name: str
    address: str = ""
    siret: str = ""
    contact: str = ""
    base_url: str = ""

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(self.name, self.address, self.siret, self.contact)


def issuer_from_config(config) -> Issuer:
    return Issuer(
        name=config["WORKSHOP_NAME"],
        address=config.get("WORKSHOP_ADDRESS", ""),
        siret=config.get("WORKSHOP_SIRET", ""),
        contact=config.get("WORKSHOP_CONTACT", ""),
        base_url=config.get("PUBLIC_BASE_URL", ""),
    )


def verify_url(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{number}"
