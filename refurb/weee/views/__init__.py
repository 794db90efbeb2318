"""WEEE pages, one module per topic, all on the `weee` blueprint: batches (filling),
closing (handover), partners (operators and carriers), register, rates.

Technicians open batches and fill them; admins manage operators and carriers, close batches
and correct the register.
"""

from refurb.weee.views import batches, closing, partners, rates, register  # noqa: F401
from refurb.weee.views.common import bp

__all__ = ["bp"]
