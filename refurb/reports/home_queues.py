"""Home page queue of reports: last year's annual report, due from 1 January."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.reports.annual import annual_report_due

ANNUAL_REPORT_DUE = HomeQueue(
    "annual_report_due", N_("rapport d’activité de l’année passée à émettre"),
    count=lambda reader: annual_report_due(reader.today.year - 1),
    link=lambda reader: url_for("reports.annual", year=reader.today.year - 1),
    hint=N_("L’année est close : ses chiffres peuvent être arrêtés dans le rapport annuel."),
    order=50)
