"""What nwipe's lines look like: regular expressions and the vocabulary of its tables."""

from __future__ import annotations

import re

TS_RE = re.compile(r"^\[(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})\]\s?(.*)$")
# Very old nwipe printed "nwipe: notice: ..."; current versions left-pad the level.
LEVEL_RE = re.compile(
    r"^\s*(?:nwipe:\s*)?(debug|info|notice|warning|error|fatal|sanity|level \d+)\s*:\s?(.*)$",
    re.IGNORECASE,
)
TOTAL_RE = re.compile(
    r"^\s*Total Throughput\s+(.*?),\s*(.*?),\s*(\d+)R\+(N?B)\+(NV|VL|VA)\s*$", re.IGNORECASE
)
OPTION_RE = re.compile(r"^(banner|prng|method|rounds|verify|quiet)\s*=\s*(.*?)\s*$", re.IGNORECASE)
FOUND_RE = re.compile(r"^Found (\S+?),\s*(.*?)\s*,?\s*S/N=(.*)$")
SECT_RE = re.compile(r"^(\S+?),\s*sect/blk/dev\s+(\d+)/(\d+)/(\d+)")
INVOKE_RE = re.compile(r"^Invoking method '(.*)' on (\S+)")
ROUND_RE = re.compile(r"^Starting round (\d+) of (\d+) on (\S+)")
PASS_RE = re.compile(r"^Starting pass (\d+)/(\d+), round (\d+)/(\d+), on (\S+)")
WRITTEN_RE = re.compile(r"^(\d+) bytes written to (\S+)")
READ_RE = re.compile(r"^(\d+) bytes read from (\S+)")
VERIFIED_PASS_RE = re.compile(r"^Verified pass \d+ of \d+, round \d+ of \d+, on (\S+)")
BLANKING_RE = re.compile(r"^Blanking device (\S+)")
SUCCESS_VERIFY_RE = re.compile(r"^\[SUCCESS\] Verified (?:that (\S+)|FRP on (\S+))")
SUCCESS_BLANK_RE = re.compile(r"^\[SUCCESS\] Blanked device (\S+)")
FAILURE_RE = re.compile(r"^\[FAILURE\] (\S+)\s*(.*)$")
ERRCOUNT_RE = re.compile(r"^(\d+) (verification|wipe|sync) errors on (\S+)")
EXITED_RE = re.compile(r"^Nwipe exited with errors on device\s*=\s*(\S+)")
STATUS_DEBUG_RE = re.compile(
    r"^Status: (\S+?),\s*result=(-?\d+),\s*pass_errors=(\d+),\s*verify_errors=(\d+),"
    r"\s*fsync_errors=(\d+)"
)
# Hidden areas (HPA/DCO), as nwipe 0.33 to 0.38 report them, most cautious first.
HPA_DCO_RES = (
    ("detected", re.compile(r"HIDDEN SECTORS DETECTED.*?\bon (/dev/\S+)")),
    ("detected", re.compile(r"^\[BAD\]\s*The host protected area is enabled on (\S+)")),
    ("unknown", re.compile(r"HIDDEN SECTORS INDETERMINATE!? on (/dev/\S+)")),
    ("not_applicable", re.compile(r"^(/dev/\S+) may not support HPA/DCO")),
    ("absent", re.compile(r"^No hidden sectors on (/dev/\S+)")),
    ("absent", re.compile(r"^\[GOOD\]\s*The host protected area is disabled on (\S+)")),
)
HPA_DCO_RANK = {"absent": 0, "not_applicable": 1, "unknown": 2, "detected": 3}
VERSION_RE = re.compile(r"\bnwipe\s+v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
DEVICE_TOKEN_RE = re.compile(r"/dev/[^\s,'\"]+")
SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMGTP]?B)$", re.IGNORECASE)
RATE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGTP]?B)\s*/\s*s", re.IGNORECASE)
ELAPSED_RE = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})$")
MASKED_SERIAL_RE = re.compile(r"^(?:\?+|X{3,})$")

# nwipe uses decimal units (Determine_C_B_nomenclature divides by powers of 1000).
UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
BUSES = frozenset(
    {"UNK", "IDE", "SCSI", "CPQ", "USB", "1394", "ATA", "NVME", "VIRT", "SAS", "MMC", "SATA"}
)
VERIFY_CODES = {"NV": "off", "VL": "last", "VA": "all"}
ERROR_KINDS = ("pass", "verify", "fsync")
ERRCOUNT_KIND = {"verification": "verify", "wipe": "pass", "sync": "fsync"}
