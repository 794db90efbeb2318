"""Read side of devices: lookups for the scan box, lists and the history timeline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, String, TextClause, bindparam, func, select, true, union
from sqlalchemy import text as sa_text
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.extension_points import stock_tallies
from refurb.extensions import db
from refurb.workshops.context import current_workshop_id


class PageNotFound(NotFound):
    """A page number past the end of the list."""


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: Select, page: int, per_page: int, total: int | None = None,
             rows: bool = False) -> Page:
    """A page of the query; `total` when the caller knows it without counting the rows; rows
    of every selected column with `rows`, else the first column's objects."""
    page = max(1, page)
    if total is None:
        total = db.session.scalar(
            select(func.count()).select_from(query.order_by(None).subquery()))
    if page > 1 and (page - 1) * per_page >= (total or 0):
        raise PageNotFound()  # a page past the last one is a 404, like an unknown id
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = list(result if rows else result.scalars().unique())
    return Page(items, page, per_page, total or 0)


def get_device_by_tag(text: str) -> Device | None:
    if parse_tag(text) is None:
        return None
    return db.session.scalar(select(Device).where(Device.asset_tag == normalise_scan(text)))


def get_device_id_by_tag(text: str) -> int | None:
    """The scan box's lookup: the id alone, read from the unique index on the tag (the device
    page loads the machine itself)."""
    if parse_tag(text) is None:
        return None
    return db.session.scalar(select(Device.id).where(Device.asset_tag == normalise_scan(text)))


def get_device_for_page(device_id: int) -> Device | None:
    """The device with its drives, as its page reads it: one statement, built once."""
    return db.session.execute(_device_page_statement("id"), {"key": device_id}) \
        .unique().scalar_one_or_none()


def get_device_for_page_by_tag(text: str) -> Device | None:
    """The scan box's lookup: the device with its drives, as its page reads it, in one
    statement through the unique index on the tag."""
    if parse_tag(text) is None:
        return None
    return db.session.execute(_device_page_statement("asset_tag"),
                              {"key": normalise_scan(text)}).unique().scalar_one_or_none()


@cache
def _device_page_statement(column: str) -> Select:
    # The workshop's scoping is added to it at each execution (refurb.workshops.scoping).
    return (select(Device).options(joinedload(Device.drives))
            .where(getattr(Device, column) == bindparam("key")))


def get_drive_by_tag(text: str) -> Drive | None:
    if parse_tag(text) is None:
        return None
    return db.session.scalar(select(Drive).where(Drive.asset_tag == normalise_scan(text)))


# --- search -------------------------------------------------------------------------------
# Substring search reads an index on both engines, never the devices table itself:
# PostgreSQL a pg_trgm GIN index on SEARCH_TEXT_SQL, SQLite the FTS5 trigram table
# `devices_search` holding the same text (triggers keep it in step; migration 0011_scale).
SEARCH_TEXT_SQL = ("coalesce(serial, '') || ' ' || make || ' ' || model || ' ' || cpu || ' ' "
                   "|| condition_notes || ' ' || asset_tag")
# Exact lookups through ordinary indexes, before any substring search: a scanned serial
# answers in one index lookup; so does the donor's own inventory number.
EXACT_COLUMNS = ("serial", "donor_inventory_number")
SHORT_COLUMNS = ("make", "model", "serial")  # 1–2 characters: whole value, any case
TRIGRAM = 3
COUNT_LIMIT = 1000  # beyond this, "plus de 1 000 résultats": no count of every match


@dataclass(frozen=True)
class SearchPage:
    """A page of search results; `total` is None when there are more than COUNT_LIMIT."""

    items: list
    page: int
    per_page: int
    total: int | None
    short: bool  # fewer characters than a trigram: whole values only

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.total is None or self.page * self.per_page < self.total

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.per_page))


def _case_variants(text: str) -> list[str]:
    """Every upper/lower spelling of a short text ("hp" → hp, hP, Hp, HP)."""
    variants = [""]
    for char in text:
        variants = [v + c for v in variants for c in dict.fromkeys((char.lower(), char.upper()))]
    return variants


def _exact_values(text: str) -> list[str]:
    return list(dict.fromkeys((text, text.upper())))


def get_devices_by_exact(text: str, limit: int = 2) -> list[Device]:
    """Devices whose serial (or donor inventory number) is exactly the text, as scanned or in
    capitals: ordinary index lookups."""
    text = text.strip()
    if not text or not EXACT_COLUMNS:
        return []
    values = _exact_values(text)
    # One index lookup per column, united: with `serial IN … OR …` and the newest first,
    # SQLite walks the whole table by id instead (a second per scan at a million devices).
    matching = union(*(select(Device.id).where(Device.__table__.c[name].in_(values))
                       for name in EXACT_COLUMNS))
    return list(db.session.scalars(
        select(Device).where(Device.id.in_(matching)).order_by(Device.id.desc()).limit(limit)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def substring_statement(text: str, limit: int) -> tuple[TextClause, dict]:
    """The ids of devices whose search text contains `text`, newest first, from the index."""
    # Raw SQL escapes the ORM's workshop scoping: the workshop is filtered here, explicitly
    # (and by row-level security on PostgreSQL).
    workshop_id = current_workshop_id()
    if db.session.get_bind().dialect.name == "postgresql":
        # The pattern goes in as a (quoted) literal: a prepared statement reused with a
        # parameter gets a generic plan that cannot weigh the pattern, and walks the whole
        # table backwards for a rare serial instead of asking the trigram index.
        statement = sa_text(
            f"SELECT id FROM devices WHERE lower({SEARCH_TEXT_SQL}) LIKE :pattern ESCAPE '\\' "
            # "+ 0": the text is the selective part; the workshop is checked on each match,
            # never through its own index (the planner may not know a workshop is the stock).
            # Statistics on that expression (migration 0031_stay_hours) tell the planner how much of
            # the stock the workshop holds: a common word then walks the newest devices.
            + ("" if workshop_id is None else "AND workshop_id + 0 = :workshop_id ")
            + "ORDER BY id DESC LIMIT :limit"
        ).bindparams(bindparam("pattern", type_=String, literal_execute=True))
        params = {"pattern": f"%{_escape_like(text.lower())}%", "limit": limit}
    else:
        # A quoted FTS5 phrase of trigrams: the text anywhere, case folded by the tokenizer.
        statement = sa_text(
            "SELECT devices_search.rowid FROM devices_search "
            # CROSS JOIN keeps the index outside: each match then looks its device up by id.
            + ("" if workshop_id is None
               else "CROSS JOIN devices ON devices.id = devices_search.rowid ")
            + "WHERE devices_search MATCH :phrase "
            + ("" if workshop_id is None else "AND devices.workshop_id = :workshop_id ")
            + "ORDER BY devices_search.rowid DESC LIMIT :limit")
        params = {"phrase": '"' + text.replace('"', '""') + '"', "limit": limit}
    if workshop_id is not None:
        params["workshop_id"] = workshop_id
    return statement, params


def _short_ids(text: str, limit: int) -> list[int]:
    """1–2 characters (too short for trigrams): make, model or serial equal to the text in
    any case ("HP"), each through its own index, newest first."""
    variants = _case_variants(text)
    table = Device.__table__
    workshop_id = current_workshop_id()
    mine = true() if workshop_id is None else table.c.workshop_id == workshop_id
    parts = [select(table.c.id).where(table.c[name] == v, mine).order_by(table.c.id.desc())
             .limit(limit).subquery().select() for name in SHORT_COLUMNS for v in variants]
    ids = db.session.scalars(union(*parts).order_by(None))
    return sorted(set(ids), reverse=True)[:limit]


def _matching_ids(text: str, limit: int) -> list[int]:
    """Ids of the devices matching the (whitespace-normalised) text, newest first, at most
    `limit`: trigram index, or whole values when too short for trigrams, plus exact serials and
    inventory numbers."""
    if len(text) < TRIGRAM:
        ids = _short_ids(text, limit)
    else:
        ids = list(db.session.scalars(*substring_statement(text, limit)))
    # The donor's own number is not in the search text: exact matches join through its index.
    return sorted(set(ids) | {d.id for d in get_devices_by_exact(text, limit)}, reverse=True)[:limit]


def search_devices(text: str, page: int, per_page: int) -> SearchPage:
    """Devices whose serial, make, model, processor, notes or tag contain the text, newest
    first. Reads at most COUNT_LIMIT + 1 ids from the index, whatever the stock."""
    text = " ".join(text.split())
    page = max(1, page)
    limit = max(COUNT_LIMIT, page * per_page) + 1
    ids = _matching_ids(text, limit)
    total = len(ids) if len(ids) < limit else None
    wanted = ids[(page - 1) * per_page:page * per_page]
    items = list(db.session.scalars(
        select(Device).where(Device.id.in_(wanted)).order_by(Device.id.desc()))) if wanted else []
    return SearchPage(items, page, per_page, total, len(text) < TRIGRAM)


def list_devices_query(state: str | None = None, device_type: str | None = None) -> Select:
    query = select(Device).order_by(Device.id.desc())
    if state:
        query = query.where(Device.state == state)
    if device_type:
        query = query.where(Device.device_type == device_type)
    return query


TABLE_COLUMNS = (Device.id, Device.asset_tag, Device.device_type, Device.make, Device.model,
                 Device.serial, Device.state, Device.updated_at)


def table_rows(query: Select) -> Select:
    """The query as the devices table (`devices/_table.html`) reads it: rows of its columns,
    not Device objects with the drives they load (a page of 50 read 50 devices' drives)."""
    return query.with_only_columns(*TABLE_COLUMNS)


def get_history(device_id: int) -> list[DeviceEvent]:
    """The device's whole history, including what happened in the workshops it was
    transferred from (events stay with the workshop that wrote them): callers reached the
    device through the current workshop's scope."""
    from refurb.workshops.context import network_wide

    db.session.flush()  # pending rows take the current workshop before the scope widens
    with network_wide():
        return list(
            db.session.scalars(
                select(DeviceEvent)
                .options(joinedload(DeviceEvent.actor))
                .where(DeviceEvent.device_id == device_id)
                .order_by(DeviceEvent.occurred_at.desc(), DeviceEvent.id.desc())
            )
        )


def history_rows(device_id: int) -> list:
    """The history as the device page shows it: rows of the event's columns and the actor's
    name (None for the system), newest first; no event or user objects to build. A Core
    statement built once, on the session's connection (network-wide like get_history: nothing
    to filter by workshop; PostgreSQL's row-level security follows the scope)."""
    from refurb.workshops.context import network_wide

    db.session.flush()  # as get_history
    with network_wide():
        return list(db.session.connection().execute(_history_statement(), {"device_id": device_id}))


@cache
def _history_statement() -> Select:
    from refurb.accounts.models import User

    events, users = DeviceEvent.__table__, User.__table__
    return (select(events.c.kind, events.c.from_state, events.c.to_state, events.c.occurred_at,
                   events.c.reason, events.c.details, users.c.display_name.label("actor_name"))
            .select_from(events.outerjoin(users, users.c.id == events.c.actor_id))
            .where(events.c.device_id == bindparam("device_id"))
            .order_by(events.c.occurred_at.desc(), events.c.id.desc()))


def stock_counts() -> list[tuple[str, str, int]]:
    """Devices by state and type: from the stock tallies when a domain keeps them (reports
    does, in step with the events), else counted."""
    for source in stock_tallies:
        return list(source())
    rows = db.session.execute(
        select(Device.state, Device.device_type, func.count())
        .group_by(Device.state, Device.device_type))
    return [(state, kind, int(n)) for state, kind, n in rows]


def count_by_state() -> dict[str, int]:
    counts: dict[str, int] = {}
    for state, _kind, n in stock_counts():
        counts[state] = counts.get(state, 0) + n
    return counts


def count_devices(state: str | None = None, device_type: str | None = None) -> int:
    """How many devices a list filtered this way holds, without reading them."""
    return sum(n for s, kind, n in stock_counts()
               if (state is None or s == state) and (device_type is None or kind == device_type))


def search_select(text: str, limit: int = COUNT_LIMIT) -> Select:
    """The (at most `limit`) devices matching the text, as a query callers filter further and
    page through (the API's cursor pages)."""
    ids = _matching_ids(" ".join(text.split()), limit)
    return select(Device).where(Device.id.in_(ids)).order_by(Device.id.desc())
