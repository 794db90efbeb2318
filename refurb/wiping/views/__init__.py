"""Data sanitization pages, one module per topic on one blueprint: `station` (the wiping
station), `records` (wipe records and their validation), `drives` (drives in and out of
devices, removed-drive labels, the scan box), `logs` (nwipe imports), `certificates`
(erasure certificates and the public verification page), `device_panel` (the panel on the
device page)."""

from refurb.wiping.views import certificates, drives, logs, records, station  # noqa: F401
from refurb.wiping.views.blueprint import bp

__all__ = ["bp"]
