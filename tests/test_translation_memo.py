"""Templates look the reader's catalogue up once per request: a later change of locale in
the same request (force_locale, as for documents issued in French) is still obeyed, and the
per-row label filters say the same as `_(…|state_label)`."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def test_memoised_catalogue_follows_the_locale_of_the_moment(app, db):
    template = "{{ _('Aucun appareil.') }}|{{ 'ready'|state_name }}|{{ _('ready'|state_label) }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "No devices.|Ready for allocation|" \
                                                   "Ready for allocation"
        with force_locale("fr"):
            assert render_template_string(template) == "Aucun appareil.|Prêt à attribuer|" \
                                                       "Prêt à attribuer"
        assert render_template_string(template).startswith("No devices.")


def test_unknown_words_stay_escaped_text(app, db):
    with app.test_request_context():
        html = render_template_string("{{ '<b>x</b>'|detail_name }}|{{ '<i>'|state_name }}")
    assert "<b>" not in html and "<i>" not in html
