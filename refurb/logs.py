"""Structured logs: one JSON object per line for access lines, errors and job messages alike,
each carrying the request id (the incoming X-Request-ID, or one made here) that is also sent back
in the response header and printed on error pages, so a user's report leads to its log lines."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, request, session

REQUEST_ID: ContextVar[str | None] = ContextVar("refurb_request_id", default=None)
HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = logging.getLogger("refurb.access")

# Attributes every LogRecord has: anything else passed with extra={...} is a field of the line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "request_id", "message", ...extra fields, "exc"}"""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get() or "-",
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr, once per process (gunicorn.conf.py may already have done it)."""
    if app.config.get("LOG_FORMAT") != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.addHandler(json_handler())
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own handler would print the same errors a second time, unformatted.
    app.logger.handlers.clear()
    app.logger.propagate = True


@contextlib.contextmanager
def job_request_id(job_id: int) -> Iterator[None]:
    token = REQUEST_ID.set(f"job-{job_id}")
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


def register(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        g.request_id_token = REQUEST_ID.set(g.request_id)
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[HEADER] = request_id
            started = g.get("request_started", time.perf_counter())
            # From the session cookie: loading the user again could open a transaction.
            user_id = session.get("_user_id")
            access_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path,
                       "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                       "bytes": response.calculate_content_length(), "user_id": user_id,
                       "remote_addr": request.remote_addr},
            )
        return response

    @app.teardown_request
    def _forget(_error) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            with contextlib.suppress(ValueError):
                REQUEST_ID.reset(token)

    @app.context_processor
    def _request_id() -> dict:
        return {"request_id": g.get("request_id") or REQUEST_ID.get()}
