"""Isolation by construction: the mixins that mark tenant data, and the one listener that
limits every ORM select, update and delete to the current workshop.

- `TenantScoped`: rows of one workshop. `workshop_id` defaults to the current workshop on
  insert; every ORM statement gets `workshop_id = <current>` on each such entity it touches
  (joins, relationships and subqueries included). The subclasses ARE the list of tenant
  tables (`tenant_tables()`); the migration keeps the same list for its policies.
- `SharedReference`: references the network defines (workshop_id NULL) and a workshop may
  override with its own row: a workshop sees the network's rows and its own.
- Network-wide units of work (`refurb.workshops.context.network_wide()`) see everything.
- Raw SQL does not pass through the ORM: it filters by `current_workshop_id()` itself (device
  search), and PostgreSQL row-level security stands behind it.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import ColumnElement, ForeignKey, bindparam, event, or_, true
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from refurb.workshops.context import NETWORK, current_scope, current_workshop_id


def _insert_default() -> int:
    workshop_id = current_workshop_id()
    if workshop_id is None:
        raise RuntimeError("network-wide scope: bind a workshop (use_workshop) before adding "
                           "workshop data")
    return workshop_id


class TenantScoped:
    """Mixin: this table's rows belong to one workshop."""

    @declared_attr
    def workshop_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("workshops.id"), index=True, default=_insert_default)


class SharedReference:
    """Mixin: network-wide rows (workshop_id NULL) and a workshop's own overriding rows."""

    @declared_attr
    def workshop_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("workshops.id"), index=True,
                             default=current_workshop_id)


def in_scope(obj: object) -> bool:
    """Whether a loaded row belongs to the current scope (for rows the ORM did not query)."""
    if not isinstance(obj, TenantScoped | SharedReference):
        return True
    scope = current_scope()
    if scope == NETWORK:
        return True
    owner = obj.workshop_id
    return owner == scope or (owner is None and isinstance(obj, SharedReference))


def own_rows(table, scoped: bool) -> ColumnElement[bool]:  # noqa: ANN001
    """For Core statements built once and run on the session's connection (the ORM's scoping
    above does not see them): the workshop condition it would add, bound to the parameter
    `workshop_id`; `true()` for a network-wide statement. "+ 0" keeps the planner on the
    device's own index, the workshop being checked on each of its rows (SQLite otherwise
    walked a whole workshop's index to find one device's rows)."""
    return (table.c.workshop_id + 0) == bindparam("workshop_id") if scoped else true()


def tenant_tables() -> list[str]:
    """Every table of tenant data, from the mixin's subclasses (the one list)."""
    from refurb.extensions import db

    return sorted(mapper.local_table.name for mapper in db.Model.registry.mappers
                  if issubclass(mapper.class_, TenantScoped) and mapper.local_table is not None)


def shared_tables() -> list[str]:
    from refurb.extensions import db

    return sorted(mapper.local_table.name for mapper in db.Model.registry.mappers
                  if issubclass(mapper.class_, SharedReference))


@event.listens_for(Session, "do_orm_execute")
def _limit_to_workshop(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        return  # refreshing a row already loaded (and scoped when it was)
    scope = current_scope()
    if scope == NETWORK:
        return
    state.statement = state.statement.options(*_criteria(scope))


@lru_cache(maxsize=1024)
def _criteria(scope: int) -> tuple:
    """The two criteria of one workshop, built once: building them cost more than the query
    they are added to (a device page runs a dozen)."""
    return (
        with_loader_criteria(TenantScoped, lambda cls: cls.workshop_id == scope,
                             include_aliases=True),
        with_loader_criteria(SharedReference,
                             lambda cls: or_(cls.workshop_id.is_(None), cls.workshop_id == scope),
                             include_aliases=True),
    )


def tally_workshop_id() -> Mapped[int]:
    """The workshop as the first key of a tally table (one row per workshop and key)."""
    return mapped_column(ForeignKey("workshops.id"), primary_key=True, autoincrement=False,
                         default=_insert_default)
