"""Is this entry of a wiping log about this tracked drive? A certificate lists the drive the
workshop tracks; the log must prove that drive was erased, not another one.

- A different serial number refuses the match.
- A capacity more than 1 % away from the tracked drive's refuses it (a 16 MB loop device is
  not a 1 TB SSD), and so does a log that wrote less than the whole device.
- When the serials cannot be compared (blank in the log behind a USB bridge, some RAID or
  virtual devices; masked by --quiet; unknown on the tracked drive), model and capacity must
  both be known and match.

Anything refused can only be attached by an admin who writes why (refurb.wiping.log_matching);
the differences and the reason then stay on the record, in the history and on the certificate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.core.machine_words import capacity, french

CAPACITY_TOLERANCE = Fraction(1, 100)
MIN_OVERRIDE_REASON = 10  # characters: a sentence, not "ok"


@dataclass(frozen=True)
class LoggedDrive:
    """What the log says of one drive."""

    serial: str | None = None
    serial_masked: bool = False
    model: str | None = None
    size_bytes: int | None = None
    size_exact: bool = False  # from the sect/blk/dev line, not the rounded "Found" size
    bytes_erased: int | None = None
    overwrite: bool = True  # the method writes over the device (coverage is then checked)
    claims_success: bool = True  # nwipe reported the drive erased


@dataclass(frozen=True)
class TrackedDrive:
    serial: str | None = None
    model: str | None = None
    capacity_bytes: int | None = None


@dataclass(frozen=True)
class MatchCheck:
    differences: list[Message] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def normalise_serial(value: str | None) -> str:
    return re.sub(r"[\s_\-]+", "", value or "").upper()


def normalise_model(value: str | None) -> str:
    return re.sub(r"[^0-9A-Z]+", "", (value or "").upper())


def models_match(logged: str, tracked: str) -> bool:
    """Same model, allowing one side to carry more (a maker's prefix, a capacity suffix)."""
    a, b = normalise_model(logged), normalise_model(tracked)
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return a == b or (len(shorter) >= 4 and shorter in longer)


def capacity_differs(logged: int, tracked: int) -> bool:
    return abs(Fraction(logged - tracked, max(tracked, 1))) > CAPACITY_TOLERANCE


def format_bytes(value: int) -> str:
    """Decimal units, as drive makers and nwipe count: 16,8 Mo, 1 To, 500,1 Go."""
    return french(capacity(value)) or f"{value} o"


def compare(logged: LoggedDrive, tracked: TrackedDrive) -> MatchCheck:
    """Every difference between the log entry and the tracked drive (empty: they match)."""
    differences: list[Message] = []
    log_serial = "" if logged.serial_masked else normalise_serial(logged.serial)
    drive_serial = normalise_serial(tracked.serial)
    if log_serial and drive_serial and log_serial != drive_serial:
        differences.append(Message(
            N_("n° de série différent : %(logged)s dans le journal, %(tracked)s pour le support"),
            {"logged": logged.serial.strip(), "tracked": tracked.serial.strip()}))
    if (logged.size_bytes and tracked.capacity_bytes
            and capacity_differs(logged.size_bytes, tracked.capacity_bytes)):
        differences.append(Message(
            N_("capacité différente : %(logged)s dans le journal, %(tracked)s pour le support "
               "(écart de plus de 1 %%)"),
            {"logged": format_bytes(logged.size_bytes),
             "tracked": format_bytes(tracked.capacity_bytes)}))
    differences += _coverage(logged)
    if not (log_serial and drive_serial):
        differences += _without_serials(logged, tracked, masked=logged.serial_masked)
    return MatchCheck(differences)


def _coverage(logged: LoggedDrive) -> list[Message]:
    """A run that says "erased" but wrote less than the whole device."""
    if not (logged.claims_success and logged.overwrite and logged.size_exact
            and logged.size_bytes and logged.bytes_erased is not None):
        return []
    if logged.bytes_erased >= logged.size_bytes:
        return []
    return [Message(N_("journal partiel : %(erased)s effacés sur %(size)s du périphérique"),
                    {"erased": format_bytes(logged.bytes_erased),
                     "size": format_bytes(logged.size_bytes)})]


def _without_serials(logged: LoggedDrive, tracked: TrackedDrive, *,
                     masked: bool) -> list[Message]:
    why = (N_("n° de série masqué dans le journal") if masked
           else N_("pas de n° de série dans le journal") if not normalise_serial(logged.serial)
           else N_("le support n'a pas de n° de série enregistré"))
    differences = []
    if not (logged.model and tracked.model):
        differences.append(Message(N_("%(why)s et modèle inconnu : impossible de confirmer "
                                      "qu'il s'agit du même support"), {"why": Message(why)}))
    elif not models_match(logged.model, tracked.model):
        differences.append(Message(
            N_("%(why)s et modèle différent : %(logged)s dans le journal, %(tracked)s pour le "
               "support"), {"why": Message(why), "logged": logged.model,
                            "tracked": tracked.model}))
    if not (logged.size_bytes and tracked.capacity_bytes):
        differences.append(Message(N_("%(why)s et capacité inconnue : impossible de confirmer "
                                      "qu'il s'agit du même support"), {"why": Message(why)}))
    return differences
