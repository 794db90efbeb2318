"""How much a request may send, per form, in one table.

MAX_CONTENT_LENGTH (config, default 16 MB) is the ceiling for any request; each form gets the
size its real content needs, so an anonymous visitor or a stray script cannot make a worker
read or store tens of megabytes. A request over its limit gets the 413 page, in French or
English, saying the limit.
"""

from __future__ import annotations

from flask import Flask, current_app, request

KB = 1024
MB = 1024 * KB

# Endpoint → largest body accepted. A renamed endpoint fails tests/security/test_uploads.py.
FORM_LIMITS: dict[str, int] = {
    # A few hardware reports of one machine (dmidecode, lshw -json, smartctl): a few hundred
    # KB each, pasted or as files.
    "intake.report": 2 * MB,
    # The parsed report comes back in a hidden field of the preview.
    "intake.confirm_report": 1 * MB,
    # A donor's asset list: thousands of lines fit in a few MB.
    "intake.upload_csv": 5 * MB,
    # nwipe / ShredOS logs of a wiping session, several drives each.
    "wiping.import_logs": 8 * MB,
    # Anyone may check a certificate: one of our PDFs, well under 1 MB.
    "verification.verify": 2 * MB,
}
# Every other form: text fields and buttons.
DEFAULT_FORM_LIMIT = 256 * KB


def limit_for(endpoint: str | None) -> int:
    ceiling = int(current_app.config["MAX_CONTENT_LENGTH"] or 16 * MB)
    return min(ceiling, FORM_LIMITS.get(endpoint or "", DEFAULT_FORM_LIMIT))


def set_request_limit() -> None:
    limit = limit_for(request.endpoint)
    request.max_content_length = limit
    # Werkzeug keeps text fields in memory up to MAX_FORM_MEMORY_SIZE (500 KB): a pasted
    # report is a text field, so it may use the whole allowance of its form.
    request.max_form_memory_size = limit


def human_size(size: int) -> str:
    """"2 Mo", "256 Ko" — in the reader's language."""
    from flask_babel import gettext as _

    if size >= MB:
        return _("%(n)s Mo", n=f"{size / MB:g}")
    return _("%(n)s Ko", n=size // KB)


def register(app: Flask) -> None:
    # First of all before_request functions: the CSRF check reads the form, hence the body.
    app.before_request_funcs.setdefault(None, []).insert(0, set_request_limit)
