"""User text is never marked safe, even when it goes through a translation call.

Jinja's i18n extension (installed by Flask-Babel) marks whatever `_()` returns as safe markup
when autoescaping is on, so `{{ _(label) }}` printed a user-typed stock location name as HTML.
Here the translated text is escaped first and the %(name)s values are escaped as they are
inserted: a template that needs markup around a translation writes it outside the call.
Lazy strings (`_l`) are escaped too instead of passing for markup through `__html__`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from refurb.templating import request_memo


def _format(text: str, variables: dict[str, Any]) -> Markup:
    message = escape(text)
    if variables:
        return message % variables  # Markup's % escapes each value
    # No values: a literal message written "80 %%" shows "80 %"; user text is never parsed as
    # a format string (a "%" in a location name must not raise nor eat characters).
    return Markup(str(message).replace("%%", "%"))


def install(app: Flask) -> None:
    @pass_context
    def gettext(_context: Context, string: str, **variables: Any) -> Markup:
        memo = request_memo()
        if variables:
            return _format(memo.catalogue.ugettext(string), variables)
        # A page repeats the same words (column heads, "—"…): translated and escaped once.
        message = memo.messages.get(string)
        if message is None:
            message = memo.messages[string] = _format(memo.catalogue.ugettext(string), {})
        return message

    @pass_context
    def ngettext(_context: Context, singular: str, plural: str, num: int,
                 **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return _format(request_memo().catalogue.ungettext(singular, plural, num), variables)

    @pass_context
    def pgettext(_context: Context, context: str, string: str, **variables: Any) -> Markup:
        return _format(request_memo().catalogue.upgettext(context, string), variables)

    @pass_context
    def npgettext(_context: Context, context: str, singular: str, plural: str, num: int,
                  **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return _format(request_memo().catalogue.unpgettext(context, singular, plural, num), variables)

    app.jinja_env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext,
                                 pgettext=pgettext, npgettext=npgettext)
    app.jinja_env.finalize = _no_lazy_markup


def _no_lazy_markup(value: Any) -> Any:
    # LazyString.__html__ returns its text unescaped; as a plain str it is escaped like the rest.
    return str(value) if isinstance(value, LazyString) else value
