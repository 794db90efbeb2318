"""The Pix framework (which replaced B2i, C2i and PIM) as data: 5 domains, 16 competences,
levels 1 to 8, with their French names.

Codes are the framework's own ("1.1" … "5.2"); they are what the database stores, so a
competence's name can be corrected here without touching any row.
"""

from __future__ import annotations

from dataclasses import dataclass

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_

MIN_LEVEL = 1
MAX_LEVEL = 8
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))

# Levels are read in pairs in the framework (CRCN): novice, independent, advanced, expert.
LEVEL_GROUPS = {1: N_("Novice"), 2: N_("Novice"), 3: N_("Indépendant"), 4: N_("Indépendant"),
                5: N_("Avancé"), 6: N_("Avancé"), 7: N_("Expert"), 8: N_("Expert")}


@dataclass(frozen=True)
class Domain:
    code: str
    name: str


@dataclass(frozen=True)
class Competence:
    code: str
    name: str

    @property
    def domain_code(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


DOMAINS: tuple[Domain, ...] = (
    Domain("1", N_("Information et données")),
    Domain("2", N_("Communication et collaboration")),
    Domain("3", N_("Création de contenu")),
    Domain("4", N_("Protection et sécurité")),
    Domain("5", N_("Environnement numérique")),
)

COMPETENCES: tuple[Competence, ...] = (
    Competence("1.1", N_("Mener une recherche et une veille d'information")),
    Competence("1.2", N_("Gérer des données")),
    Competence("1.3", N_("Traiter des données")),
    Competence("2.1", N_("Interagir")),
    Competence("2.2", N_("Partager et publier")),
    Competence("2.3", N_("Collaborer")),
    Competence("2.4", N_("S'insérer dans le monde numérique")),
    Competence("3.1", N_("Développer des documents textuels")),
    Competence("3.2", N_("Développer des documents multimédia")),
    Competence("3.3", N_("Adapter les documents à leur finalité")),
    Competence("3.4", N_("Programmer")),
    Competence("4.1", N_("Sécuriser l'environnement numérique")),
    Competence("4.2", N_("Protéger les données personnelles et la vie privée")),
    Competence("4.3", N_("Protéger la santé, le bien-être et l'environnement")),
    Competence("5.1", N_("Résoudre des problèmes techniques")),
    Competence("5.2", N_("Construire un environnement numérique")),
)

CODES: tuple[str, ...] = tuple(c.code for c in COMPETENCES)
BY_CODE: dict[str, Competence] = {c.code: c for c in COMPETENCES}
DOMAIN_BY_CODE: dict[str, Domain] = {d.code: d for d in DOMAINS}


def competence(code: str) -> Competence:
    try:
        return BY_CODE[code.strip()]
    except (KeyError, AttributeError):
        raise InvalidInput(N_("Compétence Pix inconnue : %(code)s."), code=code) from None


def competences_of(domain_code: str) -> tuple[Competence, ...]:
    return tuple(c for c in COMPETENCES if c.domain_code == domain_code)


def sort_codes(codes) -> list[str]:
    """Framework order (1.1 < 1.2 < … < 5.2), not string order, whatever comes in."""
    return sorted({competence(c).code for c in codes}, key=CODES.index)


def check_level(level: int) -> int:
    if not isinstance(level, int) or isinstance(level, bool) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise InvalidInput(N_("Niveau Pix invalide : %(level)s (de %(minimum)s à %(maximum)s)."),
                           level=level, minimum=MIN_LEVEL, maximum=MAX_LEVEL)
    return level


def grouped() -> list[tuple[Domain, tuple[Competence, ...]]]:
    """Domains with their competences, for pickers and certificates."""
    return [(d, competences_of(d.code)) for d in DOMAINS]
