"""Read side of aftercare: the requests list, a device's panel data."""

from __future__ import annotations

from sqlalchemy import case, select

from refurb.aftercare.models import SupportRequest
from refurb.extensions import db


def requests_query():
    still_open = case((SupportRequest.status == "closed", 1), else_=0)
    return select(SupportRequest).order_by(still_open, SupportRequest.id.desc())


def requests_for_device(device_id: int) -> list[SupportRequest]:
    return list(db.session.scalars(select(SupportRequest).where(
        (SupportRequest.device_id == device_id)
        | (SupportRequest.replacement_device_id == device_id)).order_by(SupportRequest.id)))
