"""Words of the device history for what data sanitization records (registered in
refurb.wiring)."""

from __future__ import annotations

KINDS = {
    "wipe_recorded": "Effacement enregistré",
    "wipe_validated": "Effacement validé",
    "drive_added": "Support de stockage ajouté",
    "drive_removed": "Support de stockage retiré",
}
DETAILS = {
    "drive": "Support",
    "outcome": "Niveau NIST",
    "technique": "Technique",
    "result": "Résultat",
    "record": "Enregistrement n°",
    "tag": "N° d'inventaire",
    "media": "Type de support",
    "override": "Rattachement forcé, motif",
    "differences": "Écarts acceptés",
}
