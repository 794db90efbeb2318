"""The workshop's tests start from the default QA checklist on both engines (the migration
seeds it; the PostgreSQL reset truncates every table, so it is restored here)."""

import pytest

from refurb.repair import services


@pytest.fixture(autouse=True)
def default_checklist(db):
    services.seed_default_checklist()
    db.session.commit()
