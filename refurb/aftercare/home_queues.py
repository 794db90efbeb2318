"""The social workers' home: follow-up calls due a month after each handover."""

from __future__ import annotations

from flask import url_for

from refurb.aftercare.followups import followups_due
from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue

FOLLOWUPS_DUE = HomeQueue(
    "followups_due", N_("appels de suivi à passer"),
    count=lambda reader: len(followups_due(reader.today)),
    link=lambda reader: url_for("aftercare.followups_list"),
    hint=N_("Appelez la famille un mois après la remise et notez ce qu’elle en dit."), order=70)
