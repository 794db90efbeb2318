"""The REST API (/api/v1): one module per resource (devices, collections, drives, erasure,
hardware, labels, scan, weee, reports, beneficiaries, tokens), each a flask-smorest blueprint
whose operations call the domains' own use cases and queries. `setup.init_api` assembles
them (called from refurb.wiring); `auth.operation` declares who may call each one."""
