"""Real concurrency in tests: the same work in several threads, each with its own connection."""

from __future__ import annotations

import threading

from refurb.extensions import db


def run_in_threads(app, count, work):
    """work(index) in `count` threads released together, each in its own app context and
    transaction; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def target(index):
        with app.app_context():
            barrier.wait()
            try:
                results.append(work(index))
                db.session.commit()
            except Exception as error:  # collected and asserted by the caller
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
