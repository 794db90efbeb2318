"""`flask jobs consumer` (run by scripts/serve and the systemd unit), `flask jobs enqueue`,
`flask jobs show` (with --wait: the same progress as the page, on one terminal line)."""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from refurb import database
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db
from refurb.jobs import KINDS, enqueue
from refurb.jobs.models import Job
from refurb.jobs.queue import queue_of, recover
from refurb.jobs.runner import yield_to_requests

jobs_cli = AppGroup("jobs", help="Tâches en arrière-plan (file Huey).")


def run_consumer(app: Flask, workers: int | None = None) -> None:
    """Run the Huey consumer in this process until SIGTERM (graceful: running jobs finish,
    within JOBS_SHUTDOWN_TIMEOUT) or SIGINT (at once: running jobs go back to the queue)."""
    queue = queue_of(app)
    if app.config["JOBS_IMMEDIATE"]:
        raise click.ClickException("JOBS_IMMEDIATE est actif : aucune file à consommer.")
    logging.getLogger("huey").setLevel(logging.INFO)
    yield_to_requests(app)  # before the worker threads start: they inherit it
    consumer = queue.huey.create_consumer(
        workers=workers or int(app.config["JOBS_WORKERS"]), worker_type="thread",
        periodic=bool(app.config["JOBS_PERIODIC"]), graceful_signal="TERM",
        shutdown_timeout=float(app.config["JOBS_SHUTDOWN_TIMEOUT"]), check_worker_health=True,
        initial_delay=0.1, max_delay=2.0)
    consumer.run()


@jobs_cli.command("consumer")
@click.option("--workers", type=int, default=None, help="Tâches menées de front (JOBS_WORKERS).")
def consumer_command(workers: int | None) -> None:
    """Exécuter les tâches en attente et les tâches planifiées (jusqu'à l'arrêt)."""
    run_consumer(current_app._get_current_object(), workers)


@jobs_cli.command("enqueue")
@click.argument("kind")
@click.option("--param", "params", multiple=True, metavar="CLÉ=VALEUR")
@click.option("--key", default=None, help="Clé d'idempotence : relancer avec la même clé ne "
                                          "crée pas de seconde tâche.")
@click.option("--wait", is_flag=True, help="Suivre l'avancement jusqu'à la fin.")
def enqueue_command(kind: str, params: tuple[str, ...], key: str | None, wait: bool) -> None:
    """Demander une tâche (KIND : reservations.expire, gdpr.purge, backup…)."""
    if kind not in KINDS:
        raise click.ClickException(f"Type inconnu : {kind}. Connus : {', '.join(sorted(KINDS))}.")
    values = dict(p.split("=", 1) for p in params if "=" in p)
    try:
        job = enqueue(kind, values, idempotency_key=key, actor_id=None, now=utcnow())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    job_id = job.id
    db.session.commit()
    click.echo(f"Tâche n° {job_id} ({kind}).")
    if wait:
        _follow(job_id)


@jobs_cli.command("show")
@click.argument("job_id", type=int)
@click.option("--wait", is_flag=True, help="Suivre l'avancement jusqu'à la fin.")
def show_command(job_id: int, wait: bool) -> None:
    """Afficher l'état d'une tâche."""
    if wait:
        _follow(job_id)
    else:
        click.echo(_line(_load(job_id)))
        _print_result(_load(job_id))


@jobs_cli.command("recover")
def recover_command() -> None:
    """Renvoyer dans la file les tâches qui semblent perdues."""
    ids = recover(current_app._get_current_object())
    click.echo(f"{len(ids)} tâche(s) renvoyée(s) dans la file.")


def _load(job_id: int) -> Job:
    db.session.remove()
    database.reading()
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"Tâche n° {job_id} introuvable.")
    return job


def _line(job: Job) -> str:
    width = 30
    filled = width * job.percent // 100
    elapsed = int(((job.finished_at or utcnow()) - job.started_at).total_seconds()) \
        if job.started_at else 0
    return (f"[{'#' * filled}{' ' * (width - filled)}] {job.percent:3d} %  "
            f"{job.done}/{job.total}  {elapsed} s  {job.state}  {job.step}")


def _follow(job_id: int) -> None:
    tty = sys.stdout.isatty()
    last = ""
    while True:
        job = _load(job_id)
        line = _line(job)
        if line != last:
            click.echo(("\r" + line.ljust(100)) if tty else line, nl=not tty)
            last = line
        if job.finished:
            if tty:
                click.echo()
            _print_result(job)
            if job.state == "failed":
                raise SystemExit(1)
            return
        time.sleep(0.5)


def _print_result(job: Job) -> None:
    result = job.result or {}
    for line in result.get("summary", []):
        click.echo(line)
    if result.get("url"):
        click.echo(result["url"])
    for line in result.get("refused", []):
        click.echo(f"refusé : {line}", err=True)
    if job.error:
        click.echo(job.error, err=True)


def register_cli(app: Flask) -> None:
    app.cli.add_command(jobs_cli)

