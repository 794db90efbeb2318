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
    """Pages see NOW + 1 day (the files were approved on NOW); set ["now"] to move. The web
    layer's clock (refurb.web.now) is what every allocation page asks."""
    from refurb import web

    moment = {"now": NOW + timedelta(days=1)}
    monkeypatch.setattr(web, "utcnow", lambda: moment["now"])
    return moment
