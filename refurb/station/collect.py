"""What the machine says about itself: `dmidecode`, `lshw -json`, and `smartctl --json -a` on
each drive (run as root), or the same outputs saved earlier in a folder (`--from DIR`). The
texts are sent as they are: the server reads them with the bench form's parsers."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 120
MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Output:
    name: str  # the command or the file it came from
    text: str


class CollectError(Exception):
    pass


def _run(command: list[str]) -> str | None:
    """The command's output, or None when it is missing or printed nothing useful."""
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = done.stdout.decode("utf-8", errors="replace")
    # smartctl's exit status is a bit mask of findings (a failing drive is not a failed run).
    return text if text.strip() else None


def drive_paths() -> list[str]:
    """Drives smartctl can open (`smartctl --scan-open --json`), else whole disks from lsblk."""
    scanned = _run(["smartctl", "--scan-open", "--json"])
    if scanned:
        try:
            devices = json.loads(scanned).get("devices") or []
            paths = [d["name"] for d in devices if isinstance(d, dict) and d.get("name")]
            if paths:
                return paths
        except (ValueError, AttributeError):
            pass
    listed = _run(["lsblk", "--nodeps", "--noheadings", "--output", "PATH,TYPE"]) or ""
    return [line.split()[0] for line in listed.splitlines()
            if len(line.split()) == 2 and line.split()[1] == "disk"]


def from_machine() -> list[Output]:
    outputs = []
    for command in (["dmidecode"], ["lshw", "-json"]):
        text = _run(command)
        if text:
            outputs.append(Output(" ".join(command), text))
    for path in drive_paths():
        text = _run(["smartctl", "--json", "-a", path])
        if text:
            outputs.append(Output(f"smartctl --json -a {path}", text))
    if not outputs:
        raise CollectError("Aucun rapport lu : lancez en root, avec dmidecode, lshw et "
                           "smartctl installés (ou --from DOSSIER).")
    return outputs


def from_folder(folder: Path) -> list[Output]:
    if not folder.is_dir():
        raise CollectError(f"{folder} n’est pas un dossier.")
    outputs = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.name.startswith(".") or path.stat().st_size > MAX_FILE_BYTES:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        if text.strip():
            outputs.append(Output(path.name, text))
    if not outputs:
        raise CollectError(f"{folder} : aucun rapport (fichiers texte ou JSON) à envoyer.")
    return outputs
