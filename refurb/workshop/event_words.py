"""French words for what the workshop writes in a device's history (registered in wiring)."""

from __future__ import annotations

KINDS = {
    "location_changed": "Changement d'emplacement",
    "part_harvested": "Pièce prélevée",
    "work_order": "Bon de travail",
    "software_installed": "Installation des logiciels",
    "licence_key_revealed": "Clé de licence affichée",
    "qa_recorded": "Contrôle qualité",
    "part_needed": "Pièce à attendre",
    "part_ordered": "Pièce commandée",
    "part_need_fitted": "Pièce attendue reçue et posée",
    "part_need_cancelled": "Pièce plus attendue",
}
DETAILS = {
    "from_location": "Ancien emplacement",
    "to_location": "Nouvel emplacement",
    "via": "Par",
    "diagnosis_id": "Diagnostic n°",
    "power_on": "Mise sous tension",
    "faults": "Pannes",
    "fault_notes": "Autres constats",
    "decision": "Décision",
    "part": "Pièce",
    "quantity": "Quantité",
    "movement_id": "Mouvement de stock n°",
    "work_order_id": "Bon de travail n°",
    "minutes": "Temps passé (minutes)",
    "actions": "Travaux",
    "parts": "Pièces utilisées",
    "ram": "Mémoire",
    "software_install_id": "Installation n°",
    "os": "Système",
    "software": "Logiciels",
    "licence_key": "Clé de licence",
    "qa_run_id": "Contrôle qualité n°",
    "results": "Résultats",
    "grade": "Grade esthétique",
    "missing": "Manque",
    "part_need_id": "Pièce attendue n°",
    "ordered_on": "Commandée le",
}
VALUES = {"batch_scan": "scan en série", "batch_undo": "annulation d'un scan en série"}
