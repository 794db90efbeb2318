"""Home page queue of the WEEE domain: the batches still open."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.extensions import db
from refurb.weee import queries
from refurb.weee.models import WeeeBatch


def _count(reader) -> int:
    return db.session.scalar(
        select(func.count()).select_from(WeeeBatch).where(WeeeBatch.state == "open")) or 0


def _preview(reader) -> list[Message]:
    batches = db.session.scalars(queries.list_batches_query("open").limit(5))
    return [Message(N_("Lot %(number)s"), {"number": batch.number}) for batch in batches]


OPEN_BATCHES = HomeQueue(
    "weee_open", N_("lots DEEE ouverts"), count=_count,
    link=lambda reader: url_for("weee.batches", state="open"), preview=_preview,
    hint=N_("Ajoutez-y les machines à recycler, clôturez-les à l’enlèvement."), order=60)
