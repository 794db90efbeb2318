"""Training pages: admins and social workers only, since every list of participants names
beneficiaries (invariant 4). One blueprint (`bp`, in `blueprint.py` so the topic modules can
attach to it without importing this package); importing the topic modules below attaches their
routes."""

from refurb.training.views import (  # noqa: F401
    attendance,
    enrolments,
    programmes,
    series,
    sessions,
)
from refurb.training.views.blueprint import bp

__all__ = ["bp"]
