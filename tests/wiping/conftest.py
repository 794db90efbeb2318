import pytest

from refurb.devices import services as device_services
from refurb.wiping import status


@pytest.fixture
def only_wiping_guard(monkeypatch):
    """Other domains' guards (QA checklist…) stay out of these tests: only invariant 1 runs."""
    monkeypatch.setattr(device_services, "FACT_PROVIDERS", [status.sanitization_facts])
