"""Home page queues of the wiping domain: drives to erase, erasures to validate."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.wiping import queries

DRIVES_TO_WIPE = HomeQueue(
    "drives_to_wipe", N_("disques à effacer"),
    count=lambda reader: queries.count_drives_to_wipe(),
    link=lambda reader: url_for("wiping.list_drives", where="to_wipe"),
    hint=N_("Disques de machines à l’étape d’effacement, sans effacement réussi."), order=20)

TO_VALIDATE = HomeQueue(
    "wipes_to_validate", N_("effacements à valider"),
    count=lambda reader: queries.count_awaiting_validation(reader.user_id),
    link=lambda reader: url_for("wiping.list_records", awaiting="1"),
    hint=N_("Un second technicien, autre que l’opérateur, valide chaque effacement."),
    order=30)

CERTIFICATES_TO_ISSUE = HomeQueue(
    "certificates_to_issue", N_("certificats d’effacement de collecte à émettre"),
    count=lambda reader: queries.count_certificates_due(),
    link=lambda reader: url_for("wiping.certificates_due"),
    hint=N_("Chaque support de la collecte a un effacement validé : le donateur attend son "
            "certificat."),
    order=40)
