"""`refurb-station`: report the machine, watch for wipe logs, send what waits.

    refurb-station report [--tag RF-2026-000123 | --collection 42] [--from DIR] [--dry-run]
    refurb-station watch /media/shredos/logs [--tag …] [--once] [--dry-run]
    refurb-station send        # deliver what the spool holds, now
    refurb-station status      # what waits, what was refused

Exit status: 0 done, 1 refused by the server or bad usage, 75 spooled (server unreachable:
the item is kept and sent by the next `send` or `watch`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import collect
from .config import Config, ConfigError, load
from .sender import Result, Sender, deliver_due, send_with_backoff
from .spool import OUTBOX, REFUSED, SENT, Item, Spool, content_key

EX_REFUSED, EX_SPOOLED = 1, 75
LOG_SETTLE_S = 2.0  # a log still being written is left for the next pass
MAX_LOG_BYTES = 5 * 1024 * 1024


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load(args.config)
    except ConfigError as error:
        out(str(error))
        return EX_REFUSED
    spool = Spool(Path(args.spool).expanduser() if args.spool else config.spool)
    sender = Sender(config)
    try:
        return args.run(args, config, spool, sender, out)
    except collect.CollectError as error:
        out(str(error))
        return EX_REFUSED
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refurb-station",
        description="Poste de banc Refurb : envoyer les rapports matériels de la machine et ses "
                    "journaux d’effacement à l’API.")
    parser.add_argument("--config", help="fichier de configuration (INI, section [station])")
    parser.add_argument("--spool", help="dossier du spool (sinon celui de la configuration)")
    commands = parser.add_subparsers(required=True, metavar="COMMANDE")

    report = commands.add_parser("report", help="lire la machine et l’envoyer")
    target = report.add_mutually_exclusive_group()
    target.add_argument("--tag", help="numéro d’inventaire de la machine (déjà étiquetée)")
    target.add_argument("--collection", type=int, help="créer la machine dans cette collecte")
    report.add_argument("--type", dest="device_type",
                        help="type d’appareil si le châssis ne le dit pas (laptop, desktop…)")
    report.add_argument("--from", dest="folder", type=Path,
                        help="lire les sorties enregistrées dans ce dossier")
    report.add_argument("--wait", type=float, default=60.0,
                        help="secondes de réessais avant de mettre en attente (60)")
    report.add_argument("--dry-run", action="store_true", help="montrer sans rien envoyer")
    report.set_defaults(run=_report)

    watch = commands.add_parser("watch", help="surveiller un dossier de journaux nwipe")
    watch.add_argument("folder", type=Path)
    watch.add_argument("--tag", help="machine où les journaux sont écrits (sinon la dernière "
                                     "machine envoyée par report)")
    watch.add_argument("--interval", type=float, default=5.0)
    watch.add_argument("--once", action="store_true", help="un seul passage")
    watch.add_argument("--dry-run", action="store_true", help="montrer sans rien envoyer")
    watch.set_defaults(run=_watch)

    send = commands.add_parser("send", help="envoyer maintenant ce qui attend")
    send.set_defaults(run=_send)
    status = commands.add_parser("status", help="ce qui attend, ce qui a été refusé")
    status.set_defaults(run=_status)
    return parser


# -------------------------------------------------------------------------------- report

def _report(args, config: Config, spool: Spool, sender: Sender, out) -> int:
    outputs = collect.from_folder(args.folder) if args.folder else collect.from_machine()
    target = _target(args, config, out)
    if target is None:
        out("Indiquez la machine : --tag NUMÉRO, --collection ID, ou « collection » dans la "
            "configuration.")
        return EX_REFUSED
    payload: dict[str, Any] = {"reports": [o.text for o in outputs]}
    if args.device_type:
        payload["device_type"] = args.device_type
    item = Item(key=content_key("report", {"target": target, "payload": payload}), kind="report",
                target=target, payload=payload, created_at=time.time())
    if args.dry_run:
        out(f"Envoi prévu vers {_target_words(target)} (clé {item.key[:19]}…) :")
        for output in outputs:
            first = next((ln.strip() for ln in output.text.splitlines() if ln.strip()), "")
            out(f"  {output.name} : {len(output.text)} caractères — {first[:70]}")
        return 0
    return _send_one(spool, sender, item, args.wait, out)


def _target(args, config: Config, out) -> dict[str, Any] | None:
    if args.tag:
        return {"tag": args.tag.strip()}
    if args.collection:
        return {"collection": args.collection}
    if sys.stdin.isatty() and not args.dry_run:
        default = f" (Entrée : nouvelle machine de la collecte {config.collection})" \
            if config.collection else ""
        tag = input(f"Scannez le numéro d’inventaire de la machine{default} : ").strip()
        if tag:
            return {"tag": tag}
    return {"collection": config.collection} if config.collection else None


def _target_words(target: dict[str, Any]) -> str:
    return f"la machine {target['tag']}" if "tag" in target else \
        f"une nouvelle machine de la collecte {target['collection']}"


def _send_one(spool: Spool, sender: Sender, item: Item, wait_s: float, out) -> int:
    if spool.where(item.key) == SENT:
        out("Déjà envoyé : le serveur avait répondu —")
        _show(spool.read(SENT, item.key), out)
        return 0
    spool.add(item)
    result = send_with_backoff(spool, sender, item, wait_s=wait_s)
    return _outcome(spool, item, result, out)


def _outcome(spool: Spool, item: Item, result: Result, out) -> int:
    if result.state == "retry":
        out(f"Mis en attente ({result.error}) : sera envoyé par « refurb-station send » ou "
            f"« watch » ; copie dans {spool.root / OUTBOX}.")
        return EX_SPOOLED
    closed = spool.read(SENT if result.state == "sent" else REFUSED, item.key)
    _show(closed, out)
    if result.state == "sent" and item.kind == "report":
        spool.remember_host(closed["answer"]["device"]["asset_tag"])
    return 0 if result.state == "sent" else EX_REFUSED


# ----------------------------------------------------------------------------------- logs

def _watch(args, config: Config, spool: Spool, sender: Sender, out) -> int:
    while True:
        host = args.tag or spool.host()
        for path in _new_logs(args.folder, spool):
            data = path.read_bytes()
            payload = {"filename": path.name, "content": data.decode("utf-8", errors="replace"),
                       "host_tag": host}
            item = Item(key=content_key("log", data), kind="log", target={}, payload=payload,
                        created_at=time.time())
            if args.dry_run:
                out(f"Envoi prévu : {path.name} ({len(data)} octets), machine {host or '—'}.")
                continue
            spool.add(item)
            out(f"Journal trouvé : {path.name}")
        if not args.dry_run:
            for item, result in deliver_due(spool, sender):
                _report_delivery(spool, item, result, out)
        if args.once:
            return EX_SPOOLED if spool.waiting() and not args.dry_run else 0
        time.sleep(args.interval)


def _new_logs(folder: Path, spool: Spool) -> list[Path]:
    if not folder.is_dir():
        raise collect.CollectError(f"{folder} n’est pas un dossier.")
    found = []
    settled = time.time() - LOG_SETTLE_S
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        stat = path.stat()
        if path.name.startswith(".") or not 0 < stat.st_size <= MAX_LOG_BYTES \
                or stat.st_mtime > settled:
            continue
        data = path.read_bytes()
        if b"\x00" in data[:4096]:  # a PDF certificate or another binary: not a log
            continue
        if spool.where(content_key("log", data)) is None:
            found.append(path)
    return found


def _report_delivery(spool: Spool, item: Item, result: Result, out) -> None:
    name = item.payload.get("filename") or _target_words(item.target)
    if result.state == "retry":
        out(f"{name} : en attente ({result.error}), nouvel essai dans "
            f"{max(0, int(item.next_attempt - time.time()))} s.")
        return
    out(f"{name} :")
    _outcome(spool, item, result, out)


# --------------------------------------------------------------------------- send, status

def _send(args, config: Config, spool: Spool, sender: Sender, out) -> int:
    done = deliver_due(spool, sender, everything=True)
    if not done:
        out("Rien en attente.")
    for item, result in done:
        _report_delivery(spool, item, result, out)
    return EX_SPOOLED if spool.waiting() else 0


def _status(args, config: Config, spool: Spool, sender: Sender, out) -> int:
    waiting = spool.waiting()
    out(f"{len(waiting)} en attente dans {spool.root / OUTBOX}")
    for item in waiting:
        out(f"  {item.kind} {item.key[:19]}… {item.attempts} essai(s) : {item.last_error}")
    refused = sorted(spool.root.joinpath(REFUSED).glob("*.json"))
    out(f"{len(refused)} refusé(s) dans {spool.root / REFUSED}")
    return 0


# -------------------------------------------------------------------------------- answers

def _show(closed: dict[str, Any], out) -> None:
    answer, status = closed.get("answer") or {}, closed.get("status")
    if not 200 <= (status or 0) < 300:
        reasons = " ; ".join(answer.get("reasons") or [])
        out(f"Refusé ({status}) : {answer.get('detail') or answer.get('title') or ''}"
            + (f" — {reasons}" if reasons else ""))
        for place, fields in (answer.get("errors") or {}).items():
            for field, messages in (fields.items() if isinstance(fields, dict) else []):
                out(f"  {place}.{field} : {' '.join(map(str, messages))}")
        return
    if closed["kind"] == "report":
        device = answer["device"]
        out(f"{device['asset_tag']} : {device['make']} {device['model']} — {device['web_url']}")
        for drive in answer["drives"]:
            out(f"  support : {_drive_words(drive)}")
        for refused in answer["refused_drives"]:
            out(f"  non ajouté : {_drive_words(refused)} — {refused['reason']}")
        for warning in answer["warnings"]:
            out(f"  avertissement : {warning}")
        return
    log = answer["log"]
    out(f"Journal {log['filename']} ({log['drive_count']} disque(s)) — {log['web_url']}"
        + ("" if answer["created"] else " (déjà importé)"))
    for line in answer["drives"]:
        who = f"{line['device']} {line['model'] or ''} S/N {line['serial'] or '—'}"
        if line["record"]:
            out(f"  {who} : enregistré sur le support n° {line['record']['drive_id']} "
                f"(résultat : {line['record']['result']})")
        else:
            out(f"  {who} : en attente — {line['reason']}")


def _drive_words(drive: dict[str, Any]) -> str:
    size = f", {drive['capacity_bytes'] / 1e9:.0f} Go" if drive.get("capacity_bytes") else ""
    return f"{drive.get('model') or '?'} (S/N {drive.get('serial') or '—'}{size})"


def run() -> None:
    """Console script entry point (pyproject: refurb-station)."""
    sys.exit(main())
