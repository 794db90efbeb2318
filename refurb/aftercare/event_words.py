"""French words aftercare adds to the device history (registered in refurb.wiring)."""

KINDS = {"support_request": "Demande SAV"}
DETAILS = {"support_request": "Demande SAV n°", "in_warranty": "Sous garantie"}
