"""Allocation fixtures. DEFAULT_POLICY asks for five training sessions before a handover
(FERIS); most tests are about something else and use a policy without that requirement."""

from datetime import timedelta

import pytest

from tests.beneficiaries.helpers import NOW, set_policy


@pytest.fixture
def no_training(db):
    policy = set_policy(min_training_sessions=0)
    db.session.commit()
    return policy


@pytest.fixture
def clock(monkeypatch):
    """Allocation pages see NOW + 1 day (the files were approved on NOW); set ["now"] to move."""
    from refurb.allocations import views

    moment = {"now": NOW + timedelta(days=1)}
    monkeypatch.setattr(views, "now", lambda: moment["now"])
    return moment
