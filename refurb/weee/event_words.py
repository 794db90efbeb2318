"""Words of the device history for what WEEE disposal records (registered in refurb.wiring)."""

from refurb.core.i18n import N_

KINDS = {"weee_batch_added": N_("Ajouté au lot DEEE"),
         "weee_batch_removed": N_("Retiré du lot DEEE")}
DETAILS = {"lot": N_("Lot DEEE"), "waste_code": N_("Code déchet"),
           "category": N_("Catégorie DEEE")}
