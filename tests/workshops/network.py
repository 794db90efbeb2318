"""Two workshops of one network, each with the demo data (and workshop B with a row in every
domain besides), and what identifies B's rows: their ids per table and the texts only B has
(asset tags, serial numbers, numbers, names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

import refurb
from refurb.extensions import db
from refurb.workshops.context import NETWORK, use_workshop
from refurb.workshops.scoping import SharedReference, TenantScoped
from tests.factories import NOW

# Columns whose values name a row to a reader.
NAMING_COLUMNS = ("asset_tag", "serial", "number", "pseudonym", "last_name", "first_name",
                  "name", "title", "certificate_number", "public_id", "donor_inventory_number",
                  "pickup_site", "code")


@dataclass
class Network:
    a: int
    b: int
    b_ids: dict[str, list[int]] = field(default_factory=dict)
    b_texts: set[str] = field(default_factory=set)
    pages: list[str] = field(default_factory=list)


def _scoped_models():
    return [m.class_ for m in db.Model.registry.mappers
            if issubclass(m.class_, TenantScoped | SharedReference)]


def _texts(model, workshop_id: int) -> set[str]:
    table = model.__table__
    columns = [table.c[name] for name in NAMING_COLUMNS if name in table.c
               and isinstance(table.c[name].type, sa.String)]
    if not columns:
        return set()
    rows = db.session.execute(sa.select(*columns).where(table.c.workshop_id == workshop_id))
    return {str(value) for row in rows for value in row if value}


def build() -> Network:
    from refurb.demo import load_demo
    from refurb.workshops.services import create_workshop
    from tests.security import scene

    with use_workshop(1):
        load_demo(2026)
        db.session.commit()
    b = create_workshop("B2", "Atelier Bêta", "RB", now=NOW).id
    db.session.commit()
    with use_workshop(b):
        load_demo(4242)
        pages = scene.build()  # a row in every domain, through the real services
        db.session.commit()
    network = Network(a=1, b=b, pages=pages)
    with use_workshop(NETWORK):
        a_texts: set[str] = set()
        for model in _scoped_models():
            table = model.__table__
            if "id" in table.c:
                network.b_ids[table.name] = list(db.session.scalars(
                    sa.select(table.c.id).where(table.c.workshop_id == b)
                    .order_by(table.c.id)))
            network.b_texts |= _texts(model, b)
            a_texts |= _texts(model, 1)
    from refurb.workshops.models import Membership

    network.b_ids["users"] = list(db.session.scalars(
        sa.select(Membership.user_id).where(Membership.workshop_id == b)
        .order_by(Membership.user_id)))
    # Only what B alone has, and that cannot be a word of the interface: identifiers (with a
    # digit) and names of several words.
    network.b_texts = {t for t in network.b_texts - a_texts
                       if len(t) >= 6 and (any(c.isdigit() for c in t) or " " in t.strip())}
    # Examples the interface itself prints ("LOC-0001" as a placeholder) are not B's.
    interface = _interface_text()
    network.b_texts = {t for t in network.b_texts if t not in interface}
    db.session.expunge_all()
    return network


def _interface_text() -> str:
    root = Path(refurb.__file__).parent
    return "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for pattern in ("**/*.py", "**/*.html") for path in root.glob(pattern))


def leaks(body: str, network: Network) -> list[str]:
    return sorted(text for text in network.b_texts if text in body)
