"""The explanation's parts and working line agree with the QF the decision used, for any
household make-up and policy setting."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from refurb.core.eligibility import DEFAULT_POLICY, HouseholdFacts, evaluate, explain
from refurb.core.eligibility.policy import Policy


@settings(max_examples=150, deadline=None)
@given(adults=st.integers(1, 4), children=st.integers(0, 8), data=st.data(),
       single=st.booleans(), bonus=st.booleans(),
       income=st.decimals(0, 200000, places=2), benefits=st.decimals(0, 3000, places=2))
def test_parts_add_up_and_the_working_gives_the_decision_qf(adults, children, data, single,
                                                             bonus, income, benefits):
    disabled = data.draw(st.integers(0, children))
    facts = HouseholdFacts(commune="Fresnes-sur-Escaut", application_date=date(2025, 1, 1),
                           adults=adults, children=children, children_with_disability=disabled,
                           single_parent=single, income_basis="rfr", annual_income=income,
                           monthly_benefits=benefits)
    policy = Policy(**{**DEFAULT_POLICY.to_dict(), "single_parent_bonus": bonus})
    decision = evaluate(facts, policy, date(2025, 2, 1))
    x = decision.explanation
    assert x == explain(facts, policy)
    assert sum(line.shares for line in x.shares) == x.total_shares
    assert x.quotient == decision.quotient_familial
    assert x.working_line.endswith(decision.quotient_working[-1].split("= ")[-1])
    assert len(x.shares) == 1 + max(0, adults - 2) + children + disabled + (single and children > 0)


def test_no_income_document_says_so():
    facts = HouseholdFacts(commune="Fresnes-sur-Escaut", application_date=date(2025, 1, 1))
    x = evaluate(facts, DEFAULT_POLICY, date(2025, 2, 1)).explanation
    assert (x.basis, x.quotient, x.total_shares) == (None, None, None)
    assert "inconnu" in x.working_line and "Aucun justificatif" in x.basis_label
