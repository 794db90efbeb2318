"""Reservations and handovers, for social workers and admins (beneficiary names appear here:
technicians are refused, invariant 4). One blueprint (`bp`, in `blueprint.py` so the topic
modules can attach to it without importing this package); importing the topic modules below
attaches their routes."""

from refurb.allocations.views import (  # noqa: F401
    cohorts,
    handovers,
    reservations,
    schools,
    stock,
)
from refurb.allocations.views.blueprint import bp

__all__ = ["bp"]
