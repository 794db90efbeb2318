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


def test_moments_read_as_babel_writes_them_in_each_language(app, db):
    # The `when` filter writes hours and minutes itself and converts the zone in one step:
    # the same text as Babel's own formatting, across the changes of summer time.
    from datetime import datetime, timedelta

    from flask_babel import format_datetime

    moments = [datetime(2026, 3, 29, 0, 30) + timedelta(minutes=37 * k) for k in range(12)]
    moments += [datetime(2025, 10, 26, 0, 15) + timedelta(minutes=41 * k) for k in range(12)]
    moments += [datetime(2026, 7, 14, 23, 59, 59), datetime(2026, 12, 31, 23, 0, 1)]
    for language in ("fr", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            for style in ("short", "medium"):
                written = render_template_string(
                    "{% for m in moments %}{{ m|when(style) }}|{% endfor %}",
                    moments=moments, style=style)
                assert written == "".join(f"{format_datetime(m, style)}|" for m in moments)


def test_numbers_read_as_babel_writes_them_in_each_language(app, db):
    # The `number` filter writes the digits itself with the locale's symbols: the same text
    # as Babel's "#,##0.00" patterns, rounding half to even, floats read as their text.
    import random
    from decimal import Decimal

    from flask_babel import format_decimal

    from refurb.templating import number

    rng = random.Random(22)
    values: list = [0, 7, -7, 999, 1000, 1234567, -1234567, 0.05, 0.15, 2.675, -0.04, 1e-9,
                    Decimal("0.125"), Decimal("-0.125"), Decimal("12345.5"), Decimal("-0.0"),
                    10**12 + 1, 3.5, 4.5, -2.5]
    values += [rng.randint(-10**9, 10**9) for _ in range(60)]
    values += [round(rng.uniform(-10**6, 10**6), rng.randint(0, 4)) for _ in range(60)]
    values += [Decimal(rng.randint(-10**8, 10**8)) / Decimal(10 ** rng.randint(0, 4))
               for _ in range(60)]
    for language in ("fr", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            for value in values:
                for digits in (0, 1, 2, 3):
                    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
                    assert number(value, digits) == format_decimal(value, format=pattern), \
                        (language, value, digits)
            assert number(None) == ""
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert number(1234567.891, 2) == "1\u202f234\u202f567,89"
