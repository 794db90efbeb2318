"""SQLite writers take the write lock in turn (refurb.database.WriterQueue): many threads of
two processes writing at once all get their turn without an error, and a writer still gives
up with "database is locked" after the busy timeout, leaving the turn to the next one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, exc, text

from refurb.database import configure_sqlite, writing_connection
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")

PROCESSES, THREADS, WRITES = 2, 4, 15
INSERT = text("INSERT INTO api_rate_counters (\"key\", count, expires_at) "
              "VALUES (:key, 1, 0)")


def _engine(uri: str, busy_timeout_ms: int):
    engine = create_engine(uri, connect_args={"timeout": busy_timeout_ms / 1000,
                                              "isolation_level": None,
                                              "check_same_thread": False})
    configure_sqlite(engine, busy_timeout_ms, strict=True)
    return engine


def test_writers_of_two_processes_all_get_their_turn(app, db, _db_location):
    # One engine per "process" (its own queue), several threads in each.
    engines = [_engine(_db_location["uri"], 20_000) for _ in range(PROCESSES)]
    errors: list[BaseException] = []

    def write(engine, name: str) -> None:
        try:
            for n in range(WRITES):
                with writing_connection(engine) as connection, connection.begin():
                    connection.execute(INSERT, {"key": f"{name}-{n}"})
                    connection.exec_driver_sql("SELECT count(*) FROM api_rate_counters").all()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(engine, f"p{p}t{t}"))
               for p, engine in enumerate(engines) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with engines[0].connect() as connection:
        written = connection.exec_driver_sql("SELECT count(*) FROM api_rate_counters").scalar()
    assert written == PROCESSES * THREADS * WRITES
    for engine in engines:
        engine.dispose()


def test_a_writer_gives_up_after_the_busy_timeout_and_the_next_one_gets_in(
        app, db, _db_location):
    holder = _engine(_db_location["uri"], 20_000)
    waiter = _engine(_db_location["uri"], 300)
    held = writing_connection(holder)
    transaction = held.begin()
    held.execute(INSERT, {"key": "held"})

    with pytest.raises(exc.OperationalError, match="database is locked"), \
            writing_connection(waiter) as connection, connection.begin():
        connection.execute(INSERT, {"key": "refused"})

    transaction.commit()
    held.close()
    # The refused writer left its process's turn: the next writer of that process gets in.
    with writing_connection(waiter) as connection, connection.begin():
        connection.execute(INSERT, {"key": "next"})
    with waiter.connect() as connection:
        keys = {row[0] for row in connection.exec_driver_sql(
            "SELECT \"key\" FROM api_rate_counters")}
    assert keys == {"held", "next"}
    holder.dispose()
    waiter.dispose()
