"""How long the warranty of a handover lasts: the programme's own length, else the settings;
a promise made at the handover never shrinks."""

from refurb.core.aftercare import effective_months, warranty_months


def test_programme_length_first_then_the_settings():
    assert warranty_months(24, in_programme=True, default_months=6,
                           school_default_months=12) == 24
    assert warranty_months(0, in_programme=True, default_months=6,
                           school_default_months=12) == 0  # "no warranty" is a choice
    assert warranty_months(None, in_programme=True, default_months=6,
                           school_default_months=12) == 12
    assert warranty_months(None, in_programme=False, default_months=6,
                           school_default_months=12) == 6


def test_a_promise_never_shrinks_but_a_longer_rule_applies():
    assert effective_months(24, 3) == 24
    assert effective_months(6, 12) == 12
    assert effective_months(None, 6) == 6  # handed over before promises were kept
