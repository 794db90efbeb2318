"""refurb-station: the bench client. On a live USB system or a bench PC it reads the machine's
hardware (dmidecode, lshw, smartctl), sends it to Refurb's API, then watches a folder for
nwipe / ShredOS logs and sends them too.

Standard library and `requests` only (no Flask, nothing of the server): it runs on a small
live system. Everything it sends is first written to a local spool (a copy kept, and what
waits while the server is unreachable); each item carries an idempotency key made from its
content, so a retry, a second run or a lost answer never creates anything twice.
"""
