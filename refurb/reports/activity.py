"""Activity on the workshop floor: stock by state and type, monthly and weekly flows, time
spent in each state."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel import gettext as _

from refurb.core.impact import LeadTime, hours_as_days, lead_times
from refurb.core.lifecycle import State
from refurb.reports import queries, svg
from refurb.reports.periods import MONTHS, month_label
from refurb.reports.queries import Period
from refurb.reports.tables import Table, numeric_columns, state_label, type_label, type_order


def stock_table() -> Table:
    rows = queries.stock_by_state_and_type()
    types = sorted({kind for _s, kind, _n in rows}, key=type_order)
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for state, kind, n in rows:
        grid[state][kind] = n
    header = [_("État"), *(type_label(k) for k in types), _("Total")]
    body = []
    for state in State:
        counts = grid.get(state.value, {})
        values = [counts.get(k, 0) for k in types]
        body.append([state_label(state.value), *values, sum(values)])
    body.append([_("Total"), *(sum(grid[s].get(k, 0) for s in grid) for k in types),
                 sum(n for *_x, n in rows)])
    table = Table("stock", _("Stock actuel par état et par type"), header, body,
                  numeric_columns(header))
    table.chart = svg.bar_chart(
        chart_id="chart-stock", title=table.title,
        desc=_("Nombre d'appareils dans chaque état, tous types confondus."),
        labels=[r[0] for r in body[:-1]], values=[r[-1] for r in body[:-1]],
        unit=_("appareils"))
    return table


# --- throughput ---------------------------------------------------------------------------


def _months(period: Period) -> list[tuple[int, int]]:
    months, cursor = [], date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        months.append((cursor.year, cursor.month))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def _weeks(period: Period) -> list[date]:
    monday = period.start - timedelta(days=period.start.weekday())
    weeks = []
    while monday <= period.end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def throughput_tables(period: Period) -> tuple[Table, Table]:
    states = queries.THROUGHPUT_STATES
    by_month: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    by_week: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    for state, day, n in queries.transitions_by_day(period):
        by_month[(day.year, day.month)][state] += n
        by_week[day - timedelta(days=day.weekday())][state] += n
    names = [state_label(s) for s in states]
    header = [_("Mois"), *names]
    months = _months(period)
    month_rows = [[month_label(y, m), *(by_month[(y, m)][s] for s in states)] for y, m in months]
    one_year = len({y for y, _m in months}) == 1
    month_axis = [MONTHS[m - 1] if one_year else f"{MONTHS[m - 1]} {y % 100:02d}"
                  for y, m in months]
    month_rows.append([_("Total"), *(sum(r[i + 1] for r in month_rows) for i in range(len(states)))])
    monthly = Table("flux_mensuels", _("Flux par mois"), header, month_rows, numeric_columns(header),
                    wide=True)
    monthly.chart = svg.column_chart(
        chart_id="chart-months", title=monthly.title,
        desc=_("Appareils reçus, prêts, attribués et recyclés chaque mois de la période."),
        categories=month_axis,
        series=[(name, [r[i + 1] for r in month_rows[:-1]]) for i, name in enumerate(names)],
        y_label=_("appareils"))
    week_header = [_("Semaine (lundi)"), *names]
    weeks = _weeks(period)
    week_rows = [[monday, *(by_week[monday][s] for s in states)] for monday in weeks]
    weekly = Table("flux_hebdomadaires", _("Flux par semaine"), week_header, week_rows,
                   numeric_columns(week_header), wide=True)
    weekly.chart = svg.column_chart(
        chart_id="chart-weeks", title=weekly.title, style="line",
        desc=_("Appareils reçus, prêts, attribués et recyclés chaque semaine (semaines "
               "commençant le lundi)."),
        categories=[f"S{m.isocalendar()[1]:02d}" for m in weeks],
        series=[(name, [r[i + 1] for r in week_rows]) for i, name in enumerate(names)],
        y_label=_("appareils"))
    return monthly, weekly


# --- lead times ---------------------------------------------------------------------------


def lead_time_lines(period: Period) -> list[LeadTime]:
    return lead_times(queries.stay_histograms(period))


def lead_time_table(period: Period) -> Table:
    lines = lead_time_lines(period)
    header = [_("État"), _("Séjours terminés"), _("Médiane (jours)"), _("90e centile (jours)")]
    rows = [[state_label(line.state), line.stays, hours_as_days(line.median_hours),
             hours_as_days(line.p90_hours)] for line in lines]
    table = Table("delais", _("Temps passé dans chaque état"), header, rows, numeric_columns(header),
                  wide=True)
    table.chart = svg.column_chart(
        chart_id="chart-lead", title=table.title,
        desc=_("Médiane et 90e centile du temps passé dans chaque état, en jours, pour les "
               "séjours terminés dans la période."),
        categories=[r[0] for r in rows],
        series=[(_("Médiane"), [r[2] or 0 for r in rows]),
                (_("90e centile"), [r[3] or 0 for r in rows])],
        y_label=_("jours"))
    return table
