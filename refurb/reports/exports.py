"""The report tables offered as CSV files."""

from __future__ import annotations

from collections.abc import Callable

from refurb.reports import funders
from refurb.reports.activity import lead_time_table, stock_table, throughput_tables
from refurb.reports.outcomes import key_figures_table, reuse_figures, served_tables, training_table
from refurb.reports.queries import Period
from refurb.reports.tables import Table

# name → (needs beneficiary access, builder)
EXPORTS: dict[str, tuple[bool, Callable[[Period], Table]]] = {
    "chiffres_cles": (False, lambda p: key_figures_table(p, with_people=False)),
    "stock": (False, lambda _p: stock_table()),
    "flux_mensuels": (False, lambda p: throughput_tables(p)[0]),
    "flux_hebdomadaires": (False, lambda p: throughput_tables(p)[1]),
    "delais": (False, lead_time_table),
    "reemploi": (False, lambda p: reuse_figures(p).by_type),
    "deee": (False, lambda p: reuse_figures(p).weee),
    "beneficiaires_kind": (True, lambda p: served_tables(p)[0]),
    "beneficiaires_commune": (True, lambda p: served_tables(p)[1]),
    "beneficiaires_situation": (True, lambda p: served_tables(p)[2]),
    "formation": (True, training_table),
    "financeurs_chiffres": (True, lambda p: funders.funder_figures(p).key),
    "financeurs_participations": (True, lambda p: funders.funder_figures(p).fees),
    "financeurs_budget": (True, lambda p: funders.funder_figures(p).budget),
    "financeurs_cohortes": (True, lambda p: funders.funder_figures(p).cohorts),
}


def export_table(name: str, period: Period, *, with_people: bool = False) -> Table:
    if name == "chiffres_cles":  # the same figures as the page shows this role
        return key_figures_table(period, with_people=with_people)
    return EXPORTS[name][1](period)


def csv_filename(table: Table, period: Period) -> str:
    return f"{table.name}_{period.start:%Y%m%d}_{period.end:%Y%m%d}.csv"
