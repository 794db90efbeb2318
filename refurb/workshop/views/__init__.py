"""Workshop floor pages, one module per topic, all on the `workshop` blueprint: a device's
workshop page and panel, diagnosis, work orders, spare parts, software, quality control,
locations, the ready stock, build profiles and batch scanning."""

from __future__ import annotations

# Importing a topic module attaches its routes to bp.
from refurb.workshop.views import (  # noqa: F401
    batch,
    device,
    diagnosis,
    locations,
    part_needs,
    profiles,
    qa,
    software,
    spare_parts,
    stock,
    work_orders,
)
from refurb.workshop.views.blueprint import bp

__all__ = ["bp"]
