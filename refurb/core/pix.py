"""The Pix framework (which replaced B2i, C2i and PIM) as data: 5 domains, 16 competences,
levels 1 to 8, with their French names.

Codes are the framework's own ("1.1" … "5.2"); they are what the database stores, so a
competence's name can be corrected here without touching any row.
"""

from __future__ import annotations

from dataclasses import dataclass

from refurb.core.errors import InvalidInput

MIN_LEVEL = 1
MAX_LEVEL = 8
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))

# Levels are read in pairs in the framework (CRCN): novice, independent, advanced, expert.
LEVEL_GROUPS = {1: "Novice", 2: "Novice", 3: "Indépendant", 4: "Indépendant",
                5: "Avancé", 6: "Avancé", 7: "Expert", 8: "Expert"}


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
    Domain("1", "Information et données"),
    Domain("2", "Communication et collaboration"),
    Domain("3", "Création de contenu"),
    Domain("4", "Protection et sécurité"),
    Domain("5", "Environnement numérique"),
)

COMPETENCES: tuple[Competence, ...] = (
    Competence("1.1", "Mener une recherche et une veille d'information"),
    Competence("1.2", "Gérer des données"),
    Competence("1.3", "Traiter des données"),
    Competence("2.1", "Interagir"),
    Competence("2.2", "Partager et publier"),
    Competence("2.3", "Collaborer"),
    Competence("2.4", "S'insérer dans le monde numérique"),
    Competence("3.1", "Développer des documents textuels"),
    Competence("3.2", "Développer des documents multimédia"),
    Competence("3.3", "Adapter les documents à leur finalité"),
    Competence("3.4", "Programmer"),
    Competence("4.1", "Sécuriser l'environnement numérique"),
    Competence("4.2", "Protéger les données personnelles et la vie privée"),
    Competence("4.3", "Protéger la santé, le bien-être et l'environnement"),
    Competence("5.1", "Résoudre des problèmes techniques"),
    Competence("5.2", "Construire un environnement numérique"),
)

CODES: tuple[str, ...] = tuple(c.code for c in COMPETENCES)
BY_CODE: dict[str, Competence] = {c.code: c for c in COMPETENCES}
DOMAIN_BY_CODE: dict[str, Domain] = {d.code: d for d in DOMAINS}


def competence(code: str) -> Competence:
    try:
        return BY_CODE[code.strip()]
    except (KeyError, AttributeError):
        raise InvalidInput(f"Compétence Pix inconnue : {code}.") from None


def competences_of(domain_code: str) -> tuple[Competence, ...]:
    return tuple(c for c in COMPETENCES if c.domain_code == domain_code)


def sort_codes(codes) -> list[str]:
    """Framework order (1.1 < 1.2 < … < 5.2), not string order, whatever comes in."""
    return sorted({competence(c).code for c in codes}, key=CODES.index)


def check_level(level: int) -> int:
    if not isinstance(level, int) or isinstance(level, bool) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise InvalidInput(f"Niveau Pix invalide : {level} (de {MIN_LEVEL} à {MAX_LEVEL}).")
    return level


def grouped() -> list[tuple[Domain, tuple[Competence, ...]]]:
    """Domains with their competences, for pickers and certificates."""
    return [(d, competences_of(d.code)) for d in DOMAINS]
