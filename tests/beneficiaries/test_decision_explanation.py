"""A decision explains its QF on its own: the parts one by one with their reason, the income
basis and the working line, in the CLI output and in the stored record. The tests redo the
arithmetic from the output alone, with their own reading of DOMAIN.md §5."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from refurb.core.eligibility import DEFAULT_POLICY
from tests.beneficiaries.helpers import make_file, set_policy, submit

CENT = Decimal("0.01")


def caf_parts_by_hand(children: int, disabled: int, single_parent: bool, bonus: bool) -> Decimal:
    """DOMAIN.md §5: the couple or the lone parent 2; 1st and 2nd child 0.5, 3rd 1, then 0.5;
    +0.5 per child with a disability; +0.5 lone parent when the policy grants it."""
    parts = Decimal(2)
    for rank in range(1, children + 1):
        parts += Decimal(1) if rank == 3 else Decimal("0.5")
    parts += Decimal("0.5") * disabled
    if single_parent and bonus and children:
        parts += Decimal("0.5")
    return parts


def french_number(text: str) -> Decimal:
    return Decimal(re.sub(r"[\s\u202f\u00a0€]", "", text).replace(",", "."))


def redo_from_output(out: dict) -> tuple[Decimal, Decimal]:
    """Parts and QF from the printed parts and working line only."""
    parts = sum((Decimal(line["parts"]) for line in out["parts"]), Decimal(0))
    match = re.fullmatch(r"\(?(?P<income>[\d\s\u202f,]+)\u00a0€ / 12"
                         r"(?: \+ (?P<benefits>[\d\s\u202f,]+)\u00a0€\))? / "
                         r"(?P<parts>[\d,]+) parts? = (?P<qf>[\d\s\u202f,]+)\u00a0€",
                         out["working_line"])
    assert match, out["working_line"]
    assert french_number(match["parts"]) == parts
    income = french_number(match["income"])
    benefits = french_number(match["benefits"]) if match["benefits"] else Decimal(0)
    qf = ((income / 12 + benefits) / parts).quantize(CENT, rounding=ROUND_HALF_UP)
    assert french_number(match["qf"]) == qf
    return parts, qf


def write(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


CASES = [
    # adults, children, disabled, single parent, bonus, income, benefits
    (2, 3, 0, False, False, "24000", "300"),
    (1, 3, 1, True, False, "22200", "0"),
    (1, 2, 0, True, True, "18000", "150.40"),
    (3, 5, 2, False, False, "41000", "612"),
    (1, 0, 0, False, False, "9100", "0"),
]


@pytest.mark.parametrize(("adults", "children", "disabled", "single", "bonus", "income",
                          "benefits"), CASES)
def test_cli_output_lets_anyone_redo_parts_and_qf(app, tmp_path, adults, children, disabled,
                                                   single, bonus, income, benefits):
    facts = {"commune": "Fresnes-sur-Escaut", "application_date": "2025-01-10",
             "adults": adults, "children": children, "children_with_disability": disabled,
             "single_parent": single, "income_basis": "rfr", "annual_income": income,
             "monthly_benefits": benefits}
    policy = {**DEFAULT_POLICY.to_dict(), "single_parent_bonus": bonus, "version": 4}
    result = app.test_cli_runner().invoke(args=[
        "beneficiaries", "evaluate", "--policy", write(tmp_path / "p.json", policy),
        "--today", "2025-02-01", write(tmp_path / "f.json", facts)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)

    parts, qf = redo_from_output(out)
    assert parts == caf_parts_by_hand(children, disabled, single, bonus)
    expected_qf = ((Decimal(income) / 12 + Decimal(benefits)) / parts).quantize(
        CENT, rounding=ROUND_HALF_UP)
    assert qf == expected_qf == Decimal(out["quotient_familial"])
    assert out["income_basis"] == "rfr_caf"
    assert Decimal(out["annual_income"]) == Decimal(income)
    reasons = [line["reason"] for line in out["parts"]]
    assert sum("enfant" in r and "handicap" not in r for r in reasons) == children
    assert sum("handicap" in r for r in reasons) == disabled
    if children >= 3:
        assert {"parts": "1", "reason": "3e enfant"} in out["parts"]
    if single and children:
        lone = next(line for line in out["parts"] if line["reason"].startswith("Parent isolé"))
        assert lone["parts"] == ("0.5" if bonus else "0")
        assert "v4" in lone["reason"]


def test_cli_tells_the_basis_for_tax_notice_and_caf_figures(app, tmp_path):
    runner = app.test_cli_runner()
    base = {"commune": "Fresnes-sur-Escaut", "application_date": "2025-01-10"}
    tax = write(tmp_path / "tax.json", {**base, "adults": 2, "children": 1,
                                         "income_basis": "rfr", "annual_income": "1850",
                                         "tax_shares": "2.5"})
    out = json.loads(runner.invoke(args=["beneficiaries", "evaluate", tax]).output)
    assert out["income_basis"] == "rfr_tax"
    assert out["working_line"] == "1\u202f850,00\u00a0€ / 12 / 2,5 parts = 61,67\u00a0€"
    assert redo_from_output(out) == (Decimal("2.5"), Decimal("61.67"))

    caf = write(tmp_path / "caf.json", {**base, "income_basis": "caf", "stated_quotient": "612.5"})
    out = json.loads(runner.invoke(args=["beneficiaries", "evaluate", caf]).output)
    assert (out["income_basis"], out["parts"], out["parts_total"]) == ("caf", [], None)
    assert out["working_line"] == "Quotient familial indiqué par la CAF = 612,50\u00a0€"
    assert "attestation CAF" in out["income_basis_label"]


def test_decision_record_keeps_the_parts_of_the_policy_then_in_force(db):
    set_policy(single_parent_bonus=True)
    beneficiary = make_file(adults=1, children=2, single_parent=True,
                            annual_income=Decimal("18000"), monthly_benefits=Decimal("0"))
    row = submit(beneficiary)
    db.session.flush()
    stored = row.evaluation
    parts, qf = redo_from_output(stored)
    assert parts == Decimal("3.5") and qf == Decimal("428.57")
    assert stored["quotient_familial"] == "428.57"
    assert {"parts": "0.5", "reason": "Parent isolé (politique v2)"} in stored["parts"]

    # A later policy without the half-part changes today's evaluation, not the record.
    set_policy(single_parent_bonus=False)
    db.session.expire_all()
    assert row.evaluation["parts_total"] == "3.5"


def test_file_page_shows_parts_and_working_line(login_as, client, db):
    worker = login_as("social_worker")
    beneficiary = make_file(actor_id=worker.id, adults=1, children=3,
                            children_with_disability=1)
    submit(beneficiary, actor_id=worker.id)
    db.session.commit()
    html = client.get(f"/beneficiaries/{beneficiary.id}").get_data(as_text=True)
    assert "3e enfant" in html and "Enfant en situation de handicap (1/1)" in html
    line = "(24\u202f000,00\u00a0€ / 12 + 300,00\u00a0€) / 4,5 parts = 511,11\u00a0€"
    # Once for today's evaluation, once per recorded decision (creation and submission).
    assert html.count(line) == 3
