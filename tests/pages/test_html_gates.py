"""Every page of every role, parsed: no id twice on a page (a label or a script would reach the
wrong element), and every field has a label a screen reader announces."""

from __future__ import annotations

from tests.conftest import make_app
from tests.pages.walk import build_scene, html_faults, walk


def test_the_checker_sees_duplicate_ids_and_unlabelled_fields():
    html = ('<form><input type="hidden" name="csrf_token" id="csrf_token">'
            '<label for="a">A</label><input id="a" name="a">'
            '<label>B <input name="b"></label><input name="c" aria-label="C">'
            '<select name="d"></select><input type="checkbox" id="csrf_token" name="e"></form>')
    assert html_faults(html) == ["id 'csrf_token' ×2", "<select name='d' id=None> has no label",
                                 "<input name='e' id='csrf_token'> has no label"]


def test_no_page_has_a_duplicate_id_or_an_unlabelled_field(db, _db_location, shared_rows):
    # With CSRF on, as in production: every form then carries its hidden token field.
    app = make_app(_db_location, WTF_CSRF_ENABLED=True)
    _clients, visits = walk(app, shared_rows("pages.scene", build_scene))
    failures = [f"{v.role} {v.url}: {fault}" for v in visits for fault in html_faults(v.html)]
    assert len(visits) > 200
    assert failures == [], f"{len(failures)} faults:\n" + "\n".join(failures[:60])
