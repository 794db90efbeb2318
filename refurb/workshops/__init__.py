"""Workshops as tenants of one deployment.

A network of reuse workshops shares one database: every row of tenant data carries the
workshop it belongs to (`refurb.workshops.scoping.TenantScoped`), every ORM query is limited
to the current workshop (`refurb.workshops.context.current_workshop_id()`) by one listener, and
on PostgreSQL row-level security policies keyed by a per-transaction setting are a second wall.
"""
