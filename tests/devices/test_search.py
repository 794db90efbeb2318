"""Device search: substrings of serial, make, model, processor and notes through the trigram
index of each engine (never a scan of devices), whole values for 1–2 characters, an exact
serial straight to its page, and no count of every match beyond the limit."""

from __future__ import annotations

import re

from sqlalchemy import text

from refurb.devices import queries, services
from refurb.devices.models import Device
from tests.factories import NOW, make_device


def _tags(page) -> set[str]:
    return {d.asset_tag for d in page.items}


def _scene():
    return {
        "hp": make_device(serial="5CG7281XYZ", make="HP", model="EliteBook 840 G4",
                          cpu="Intel Core i5-7300U"),
        "lenovo": make_device(serial="PF0ABC12", make="Lenovo", model="ThinkPad T480",
                              condition_notes="Charnière gauche fendue"),
        "dell": make_device(serial="CN0H5K7Q", make="Dell", model="Latitude E7450"),
    }


def test_substrings_of_serial_make_model_cpu_and_notes_on_this_engine(db):
    d = _scene()
    db.session.commit()
    for query, expected in (
        ("281xy", {"hp"}), ("7281XYZ", {"hp"}), ("elitebook", {"hp"}), ("LENO", {"lenovo"}),
        ("itude e74", {"dell"}), ("i5-7300", {"hp"}), ("charnière", {"lenovo"}),
        ("hinkpad t4", {"lenovo"}), ("abc", {"lenovo"}), ("zzz", set()),
    ):
        page = queries.search_devices(query, 1, 20)
        assert _tags(page) == {d[k].asset_tag for k in expected}, query
        assert page.total == len(expected) and not page.short


def test_search_follows_edits_and_escapes_wildcards(db):
    d = _scene()
    db.session.commit()
    device = db.session.get(Device, d["dell"].id)
    device.condition_notes = "Écran 100% neuf_ok"  # a database trigger / index keeps up
    db.session.commit()
    assert _tags(queries.search_devices("100% neuf_", 1, 20)) == {device.asset_tag}
    assert _tags(queries.search_devices("0% n", 1, 20)) == {device.asset_tag}
    assert _tags(queries.search_devices("n_uf", 1, 20)) == set()  # "_" is not a wildcard
    assert _tags(queries.search_devices("E7450", 1, 20)) == {device.asset_tag}


def test_one_or_two_characters_match_whole_values_in_any_case(db):
    d = _scene()
    make_device(serial="X1", make="Acer", model="Aspire")
    db.session.commit()
    for query in ("HP", "hp", "Hp"):
        page = queries.search_devices(query, 1, 20)
        assert _tags(page) == {d["hp"].asset_tag} and page.short
    assert len(queries.search_devices("x1", 1, 20).items) == 1
    assert queries.search_devices("e", 1, 20).items == []  # no make/model/serial "e"


def test_beyond_the_count_limit_the_page_says_more_than(app, db, client, login_as, monkeypatch):
    login_as("technician")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        make_device(make="Fujitsu", model=f"Esprimo P{n}")
    db.session.commit()
    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    page = queries.search_devices("esprimo", 1, 2)
    assert page.total is None and page.has_next and len(page.items) == 2
    last = queries.search_devices("esprimo", 3, 2)
    assert last.total == 5 and not last.has_next and len(last.items) == 1
    html = client.get("/scan?q=esprimo").get_data(as_text=True)
    assert "Plus de 3 appareils trouvés" in html and "Page 1</span>" in html
    assert "page=2" in html
    monkeypatch.setattr(queries, "COUNT_LIMIT", 1000)
    html = client.get("/scan?q=esprimo").get_data(as_text=True)
    assert "5 appareil(s) trouvé(s)" in html


def test_a_scanned_serial_goes_to_its_device(db, client, login_as):
    login_as("technician")
    d = _scene()
    twin = make_device(serial="DUP-001")
    make_device(serial="DUP-001")
    db.session.commit()
    response = client.get("/scan?q=5cg7281xyz")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/devices/{d['hp'].id}")
    assert client.get("/scan?q=5CG7281XYZ&format=json").json["found"] is True
    # Two machines with one serial: the search page lists both.
    html = client.get("/scan?q=DUP-001").get_data(as_text=True)
    assert twin.asset_tag in html and "2 appareil(s) trouvé(s)" in html


def _bulk(db, n: int) -> None:
    values = [(services.NewDevice(device_type="laptop", make="Dell", model=f"Latitude {i % 50}",
                                  serial=f"BULK{i:07d}"), {}) for i in range(n)]
    services.create_devices_bulk(values, asset_tags=services.allocate_tags("RF", 2026, n),
                                 actor_id=None, now=NOW)
    db.session.commit()


def test_substring_search_reads_the_index_not_the_devices_table(db, engine_name):
    _scene()
    _bulk(db, 3000)
    statement, params = queries.substring_statement("281xy", 1001)
    if engine_name == "postgresql":
        # On a table this small the planner rightly prefers reading it; forbid reading the
        # table or walking the primary key, so the plan shows whether the trigram index
        # serves this very query (on a large stock the planner picks it by cost).
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_indexscan = off"))
        plan = "\n".join(db.session.scalars(
            text(f"EXPLAIN {statement.text}"), params))
        assert "ix_devices_search_trgm" in plan, plan
        assert "Seq Scan on devices" not in plan and "pk_devices" not in plan, plan
    else:
        plan = "\n".join(row[3] for row in db.session.execute(
            text(f"EXPLAIN QUERY PLAN {statement.text}"), params))
        assert "devices_search VIRTUAL TABLE" in plan, plan
        assert not re.search(r"SCAN devices\b(?!_)", plan), plan
    assert _tags(queries.search_devices("281xy", 1, 20)) != set()
    assert queries.search_devices("BULK000123", 1, 20).total == 10  # BULK0001230 … 1239


def test_a_scanned_serial_is_looked_up_through_the_indexes(db, engine_name):
    """`serial IN … OR donor_inventory_number IN …`, newest first, made SQLite walk the whole
    table by id (a second per scan at a million devices): each column is its own lookup."""
    from sqlalchemy import event

    _bulk(db, 300)
    if engine_name == "sqlite":
        db.session.execute(text("ANALYZE"))  # the planner's statistics, as a deployment has
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        seen.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        found = queries.get_devices_by_exact("bulk0000123")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert [d.serial for d in found] == ["BULK0000123"]
    if engine_name == "sqlite":
        statement, parameters = next(s for s in seen if "UNION" in s[0])
        raw = db.session.connection().connection.dbapi_connection
        plan = "\n".join(row[3] for row in raw.execute(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "ix_devices_serial" in plan, plan
        # No donor has given inventory numbers here: the partial index still serves that half.
        assert "ix_devices_donor_inventory_number" in plan, plan
        assert "SCAN devices" not in plan, plan
