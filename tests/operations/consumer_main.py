"""A real job consumer in its own process, on the test database (for the restart test).

python tests/operations/consumer_main.py DATABASE_URI QUEUE_FILE INSTANCE_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from refurb import create_app  # noqa: E402
from refurb.jobs.cli import run_consumer  # noqa: E402
from tests.operations.job_kinds import register_test_kinds  # noqa: E402


def main(database_uri: str, queue_file: str, instance: str) -> None:
    register_test_kinds()
    app = create_app({
        "ENV_NAME": "testing", "TESTING": True, "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri, "INSTANCE_PATH": instance,
        "JOBS_IMMEDIATE": False, "JOBS_QUEUE_FILE": queue_file, "JOBS_PERIODIC": False,
        "JOBS_HEARTBEAT_SECONDS": 0.2, "JOBS_STALE_SECONDS": 1, "JOBS_SHUTDOWN_TIMEOUT": 30,
    })
    run_consumer(app, workers=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
