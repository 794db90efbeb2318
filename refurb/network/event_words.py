"""Words of the device history for transfers between workshops."""

from refurb.core.i18n import N_

KINDS = {
    "transfer_out": N_("Transféré (sortie signée)"),
    "transfer_in": N_("Reçu par transfert"),
    "transfer_refused": N_("Refusé au transfert"),
}
DETAILS = {
    "transfer": N_("Bon de transfert"),
    "to_workshop": N_("Vers l'atelier"),
    "from_workshop": N_("De l'atelier"),
}
