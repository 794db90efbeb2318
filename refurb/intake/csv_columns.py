"""Which column of a donor's asset list (CSV or spreadsheet) holds which field: header synonyms,
the guess made at upload, the CLI's --map, and the checks of a chosen mapping. Pure Python."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_

FIELDS = ("type", "make", "model", "serial", "inventory", "weight", "legal_status", "notes")
REQUIRED_FIELDS = ("type",)
FIELD_LABELS = {
    "type": N_("Type d'appareil"),
    "make": N_("Marque"),
    "model": N_("Modèle"),
    "serial": N_("N° de série"),
    "inventory": N_("N° d'inventaire du donateur"),
    "weight": N_("Poids (kg)"),
    "legal_status": N_("Réemploi / déchet"),
    "notes": N_("Remarques"),
}

Mapping = dict[str, int | None]  # field → column index


def normalise(text: str) -> str:
    """'N° de série' → 'ndeserie': lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "serial": (
        "numerodeserie", "numeroserie", "nserie", "ndeserie", "nodeserie", "noserie",
        "numserie", "serie", "serial", "serialnumber", "serialno", "sn", "servicetag",
    ),
    # The donor's own number, from its fixed-asset register or fleet tool.
    "inventory": (
        "numerodinventaire", "ndinventaire", "ninventaire", "noinventaire", "numinventaire",
        "inventaire", "inventory", "inventorynumber", "inventoryno", "inventorytag",
        "assettag", "assetnumber", "assetno", "assetid", "numerodimmobilisation",
        "nimmobilisation", "ndimmobilisation", "nodimmobilisation", "immobilisation", "immo",
        "nimmo", "ndimmo", "fixedasset", "fixedassetnumber",
    ),
    "type": (
        "type", "typedappareil", "typeappareil", "typedemateriel", "typemateriel",
        "typedequipement", "categorie", "category", "nature", "famille", "devicetype",
        "equipmenttype", "assettype", "materiel", "equipement", "kind",
    ),
    "make": ("marque", "fabricant", "constructeur", "make", "manufacturer", "brand", "vendor"),
    "model": (
        "modele", "model", "reference", "ref", "designation", "produit", "product",
        "productname", "modelname",
    ),
    "weight": ("poids", "poidskg", "poidsenkg", "masse", "weight", "weightkg", "kg"),
    "legal_status": (
        "statut", "statutlegal", "statutjuridique", "destination", "devenir", "reemploi",
        "reemploioudechet", "status", "legalstatus", "disposition", "fate", "orientation",
    ),
    "notes": (
        "notes", "note", "remarques", "remarque", "commentaire", "commentaires",
        "observations", "observation", "comment", "comments", "remarks", "etat",
        "etatconstate", "condition",
    ),
}  # fmt: skip


def guess_mapping(header: Iterable[str]) -> Mapping:
    """Exact synonym first, then a column whose name starts with a synonym ('Poids (kg)')."""
    names = [normalise(h) for h in header]
    mapping: Mapping = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for exact in (True, False):
        for name in HEADER_SYNONYMS:  # serial first: "N° de série du modèle" is a serial
            if mapping[name] is not None:
                continue
            for index, column in enumerate(names):
                if index in taken or not column:
                    continue
                words = HEADER_SYNONYMS[name]
                hit = column in words if exact else any(
                    column.startswith(w) for w in words if len(w) >= 4
                )
                if hit:
                    mapping[name] = index
                    taken.add(index)
                    break
    return mapping


def parse_mapping_spec(spec: str, header: Iterable[str]) -> Mapping:
    """'type=Type,make=Marque,...' (CLI) → field → column index, by header name."""
    names = {normalise(h): i for i, h in reversed(list(enumerate(header)))}
    mapping: Mapping = dict.fromkeys(FIELDS)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        target, _, column = part.partition("=")
        target = target.strip().lower()
        if target not in FIELDS:
            raise InvalidInput(N_("Champ inconnu « %(field)s » dans --map (champs : %(fields)s)."),
                               field=target, fields=", ".join(FIELDS))
        index = names.get(normalise(column))
        if index is None:
            raise InvalidInput(N_("Colonne « %(column)s » absente de l'en-tête du fichier."),
                               column=column.strip())
        mapping[target] = index
    return mapping


def read_mapping(values: dict[str, str]) -> Mapping:
    """The column chosen for each field, from a form's 'map-<field>' values (column indexes);
    check_mapping says whether they exist."""
    mapping: Mapping = dict.fromkeys(FIELDS)
    for name in FIELDS:
        raw = (values.get(f"map-{name}") or "").strip()
        if raw.isdigit():
            mapping[name] = int(raw)
    return mapping


def check_mapping(mapping: Mapping, header: tuple[str, ...]) -> None:
    for required in REQUIRED_FIELDS:
        if mapping.get(required) is None:
            raise InvalidInput(N_("Colonne obligatoire non associée : %(field)s."),
                               field=Message(FIELD_LABELS[required]))
    used = [i for i in mapping.values() if i is not None]
    if any(i < 0 or i >= len(header) for i in used):
        raise InvalidInput(N_("Colonne inconnue dans l'association des colonnes."))
    if len(used) != len(set(used)):
        raise InvalidInput(N_("Une même colonne est associée à deux champs."))

