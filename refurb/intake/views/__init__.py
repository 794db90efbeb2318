"""Intake pages: collections, and the three ways machines come in at the bench (form,
hardware reports, donor CSV). One blueprint; each topic module attaches its routes."""

from refurb.intake.views import asset_lists, bench, collections  # noqa: F401  (attach routes)
from refurb.intake.views.blueprint import bp

__all__ = ["bp"]
