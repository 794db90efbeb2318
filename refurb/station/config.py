"""The station's one configuration file (INI):

    [station]
    server = https://refurb.atelier.example
    token = rfb_…
    collection = 42          ; where new machines go (optional: --collection)
    language = fr            ; language of the server's answers
    spool = /var/spool/refurb-station   ; optional

Looked for in --config, $REFURB_STATION_CONFIG, /etc/refurb-station.conf, then
~/.config/refurb-station.conf.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

SEARCH = (Path("/etc/refurb-station.conf"), Path("~/.config/refurb-station.conf"))


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    server: str
    token: str
    collection: int | None = None
    language: str = "fr"
    spool: Path = Path("~/.local/share/refurb-station")

    @property
    def api(self) -> str:
        return self.server.rstrip("/") + "/api/v1"


def default_spool() -> Path:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/spool/refurb-station")
    return Path("~/.local/share/refurb-station").expanduser()


def find_file(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("REFURB_STATION_CONFIG"):
        return Path(os.environ["REFURB_STATION_CONFIG"]).expanduser()
    for candidate in SEARCH:
        path = candidate.expanduser()
        if path.is_file():
            return path
    return None


def load(explicit: str | None = None) -> Config:
    path = find_file(explicit)
    if path is None or not path.is_file():
        raise ConfigError(
            f"Fichier de configuration introuvable ({path or ', '.join(map(str, SEARCH))}). "
            "Il faut au moins :\n[station]\nserver = https://…\ntoken = rfb_…")
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        raise ConfigError(f"{path} : fichier illisible ({error}).") from None
    section = parser["station"] if parser.has_section("station") else {}
    server, token = section.get("server", "").strip(), section.get("token", "").strip()
    if not server.startswith(("http://", "https://")) or not token:
        raise ConfigError(f"{path} : « server » (http(s)://…) et « token » sont obligatoires.")
    collection = section.get("collection", "").strip()
    if collection and not collection.isdigit():
        raise ConfigError(f"{path} : « collection » doit être le numéro (id) de la collecte.")
    spool = section.get("spool", "").strip()
    return Config(server=server, token=token, collection=int(collection) if collection else None,
                  language=section.get("language", "fr").strip() or "fr",
                  spool=Path(spool).expanduser() if spool else default_spool())
