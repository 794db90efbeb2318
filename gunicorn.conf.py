"""gunicorn settings for Refurb (scripts/serve, the systemd unit and the container use it).

Every value can be overridden on the command line or by the environment variable named here.
"""

import os

from gunicorn import glogging

# Where to listen. Behind Caddy/nginx on the same host: 127.0.0.1; in a container: 0.0.0.0.
bind = os.environ.get("REFURB_BIND", "127.0.0.1:8000")

# Worker processes. SQLite: 2-4 (one writer at a time anyway; readers never wait).
# PostgreSQL: about 2 x CPU cores + 1 per app server. Memory: ~120 MB per worker.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads in each worker (8): a request waiting for SQLite's write lock (up to the busy timeout)
# sleeps without the GIL, and the worker's other threads keep answering page reads. With
# one-request-per-worker "sync" workers, a few waiting writers would stall every reader.
# Long work (imports, certificates, reports, backups) runs in the job consumer, not here.
worker_class = "gthread"
threads = int(os.environ.get("REFURB_THREADS", "8"))
# PostgreSQL: each worker keeps one database connection per thread, plus two for side
# connections (refurb.database.pool_size), and opens up to 4 more in a burst. The server's
# max_connections must exceed app servers x workers x (threads + 6), plus the job consumer.


def post_fork(server, worker):  # noqa: ANN001, ARG001
    """Runs in each worker before it loads the app: its pool follows the thread count actually
    used (--threads on the command line included)."""
    os.environ.setdefault("REFURB_DB_POOL_SIZE", str(worker.cfg.threads + 2))


# A request still running after 60 s is killed and its worker replaced: nothing legitimate
# takes that long in a request any more, and a stuck worker must not hold a slot forever.
# (SQLite's busy timeout is 30 s, PostgreSQL statements are short: 60 s leaves a margin.)
timeout = int(os.environ.get("REFURB_WORKER_TIMEOUT", "60"))
# On restart or stop, workers finish the request in hand for up to 30 s.
graceful_timeout = 30
# Keep-alive to the reverse proxy on the same host: connections are cheap to keep briefly.
keepalive = 5

# Workers are recycled after ~10,000 requests (jitter avoids all restarting at once): a slow
# leak in a library can never grow without bound. Not much sooner: a worker's start (loading
# the app, new database connections, nothing cached yet) costs seconds of CPU, and 8 threads
# reach 1000 requests within a minute under load.
max_requests = 10000
max_requests_jitter = 1000

# Large uploads (CSV asset lists up to 64 MB) are read by the app, not buffered here.
limit_request_line = 8190

# The app writes the access log itself, as JSON with the request id, user and duration;
# gunicorn's own messages (boot, worker timeouts) go out in the same JSON format.
accesslog = None
# A logging configuration turns gunicorn's access log on as well: one line per request would
# be written twice. gunicorn writes its own only for an answer the app never gave (a request
# it refused to parse, a crash), which carries no request id.
class AccessLogOfUnansweredRequests(glogging.Logger):
    """gunicorn's logger without the access line of the requests the app answered: the app
    writes its own, with the request id it gave the answer (refurb.logs)."""

    def access(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201
        if any(name.lower() == "x-request-id" for name, _ in resp.headers):
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogOfUnansweredRequests
errorlog = "-"
loglevel = os.environ.get("REFURB_LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "refurb.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "refurb.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                            "filters": ["request_id"], "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}

# Behind a reverse proxy on the same host, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
