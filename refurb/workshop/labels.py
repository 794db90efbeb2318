"""The workshop's code → French label tables, for templates (`workshop_labels`, registered in
wiring): templates translate the label with _() when they show it."""

from __future__ import annotations

from refurb.core.profiles import OPERATING_SYSTEMS
from refurb.core.qa import CHECK_KINDS, GRADE_LABELS
from refurb.workshop.models import (
    DECISIONS,
    FAULTS,
    LOCATION_KINDS,
    MOVEMENT_KINDS,
    POWER_ON,
    SPARE_PART_CATEGORIES,
)

WORKSHOP_LABELS = {
    "power_on": POWER_ON,
    "faults": FAULTS,
    "decisions": DECISIONS,
    "grades": GRADE_LABELS,
    "os": OPERATING_SYSTEMS,
    "spare_parts": SPARE_PART_CATEGORIES,
    "movements": MOVEMENT_KINDS,
    "locations": LOCATION_KINDS,
    "check_kinds": CHECK_KINDS,
}
