"""Counts for the reports engineer: by beneficiary kind and commune, never by name, and
still right after the GDPR purge (invariant 6: recomputed from records)."""

from datetime import date, datetime, timedelta

import pytest

from refurb.allocations import handover, loans, queries, reservations
from refurb.allocations.queries import AllocationCount
from refurb.beneficiaries import services as beneficiaries
from tests.allocations.helpers import approved_file, gift_values, loan_values, ready_device

pytestmark = pytest.mark.usefixtures("no_training")
MARCH = datetime(2026, 3, 2, 9)


def handed(family, types, values, when):
    reservation = reservations.reserve(family, [ready_device(t) for t in types], actor_id=None,
                                   now=when)
    return handover.hand_over(reservation, values, actor_id=None, now=when)[0]


def test_counts_by_kind_commune_and_mode_over_a_period(db):
    handed(approved_file(now=MARCH), ["laptop"], gift_values(), MARCH)
    loan = handed(approved_file(now=MARCH), ["laptop"], loan_values(date(2027, 3, 1)),
                  MARCH + timedelta(days=3))
    handed(approved_file("association", now=MARCH), ["desktop", "monitor", "printer"],
           gift_values(), MARCH + timedelta(days=10))
    handed(approved_file(now=datetime(2026, 4, 2, 9)), ["laptop"], gift_values(),
           datetime(2026, 4, 2, 9))  # outside the period
    loans.keep_loan(loan, actor_id=None, now=datetime(2026, 3, 20, 9))

    rows = queries.count_allocations(date(2026, 3, 1), date(2026, 3, 31))
    assert rows == [
        AllocationCount("association", "Besançon", "gift", 1, 3),
        AllocationCount("household", "Fresnes-sur-Escaut", "gift", 1, 1),
        # Kept by the family since, but it was a loan when handed over.
        AllocationCount("household", "Fresnes-sur-Escaut", "loan", 1, 1),
    ]
    assert queries.count_allocations_by_kind(date(2026, 3, 1), date(2026, 3, 31)) == {
        "association": {"allocations": 1, "devices": 3},
        "household": {"allocations": 2, "devices": 2},
    }
    assert queries.count_allocations_by_commune(date(2026, 3, 1), date(2026, 4, 30)) == {
        "Besançon": {"allocations": 1, "devices": 3},
        "Fresnes-sur-Escaut": {"allocations": 3, "devices": 3},
    }
    assert queries.count_loan_outcomes(date(2026, 3, 1), date(2026, 3, 31)) == {
        "kept": 1, "returned": 0}
    # Nothing in a row could name anyone.
    assert set(vars(rows[0])) == {"kind", "commune", "mode", "allocations", "devices"}


def test_counts_survive_the_anonymisation_of_the_file(db):
    family = approved_file(now=MARCH)
    handed(family, ["laptop"], gift_values(), MARCH)
    beneficiaries.anonymise(family, actor_id=None, now=MARCH + timedelta(days=800))
    assert queries.count_allocations_by_commune(date(2026, 3, 1), date(2026, 3, 31)) == {
        "Fresnes-sur-Escaut": {"allocations": 1, "devices": 1}}
