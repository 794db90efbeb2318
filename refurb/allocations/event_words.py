"""French words allocations add to the device history (registered in refurb.wiring)."""

from __future__ import annotations

KINDS = {"loan_converted": "Prêt converti en don"}
DETAILS = {"beneficiary": "Bénéficiaire", "mode": "Mode de remise", "allocation": "Remise",
           "reservation": "Réservation", "due_on": "Retour prévu le"}
