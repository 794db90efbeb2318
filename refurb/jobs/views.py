"""A job's page (progress bar, then its result) and the JSON the page polls.

Only the person who asked for the job, or an admin, may see it; to anyone else it does not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from refurb.accounts.access import ADMIN, DONOR, STAFF, roles_required
from refurb.accounts.models import Role
from refurb.clock import utcnow
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.jobs import KINDS, enqueue
from refurb.jobs.forms import StartJobForm
from refurb.jobs.models import Job
from refurb.web import actor_id, now

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
EVERYONE = (*STAFF, *DONOR)


def _visible_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if current_user.role != Role.ADMIN and job.requested_by_id != current_user.id:
        abort(404)  # someone else's job: its existence is not disclosed
    return job


def job_view(job: Job, links: bool = True) -> dict:
    """What the page and the JSON endpoint show, ready to display. Lists pass links=False:
    the issued document's link costs a query per job."""
    kind = KINDS.get(job.kind)
    end = job.finished_at or utcnow()
    elapsed = int((end - job.started_at).total_seconds()) if job.started_at else 0
    result = job.result or {}
    return {
        "id": job.id,
        "kind": job.kind,
        "label": _(kind.label) if kind else job.kind,
        "state": job.state,
        "state_label": _(STATE_LABELS.get(job.state, job.state)),
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "step": _(job.step) if job.step else "",
        "elapsed_seconds": elapsed,
        "elapsed": f"{elapsed // 60} min {elapsed % 60:02d} s",
        "summary": result.get("summary", []) if job.finished else [],
        "refused": result.get("refused", []) if job.finished else [],
        "url": _result_url(result) if links and job.finished else None,
        "link": _result_link(result) if links and job.finished else None,
        # Set by the page that started the job: where to go back to (correct a file…).
        "back": _result_link({"link": job.params.get("back")}),
        "error": job.error if job.state == "failed" else None,
    }


def _result_url(result: dict) -> str | None:
    """The document a job issued (by id: a job has no request to build URLs with)."""
    from refurb.documents.models import IssuedDocument

    document_id = result.get("document_id")
    document = db.session.get(IssuedDocument, document_id) if document_id else None
    if document is None:
        return result.get("url")
    return url_for("documents.download", document_id=document.id, filename=document.filename)


def _result_link(result: dict) -> dict | None:
    """Where to go next (the collection imported into, the page to correct a file)."""
    link = result.get("link")
    if not link:
        return None
    return {"url": url_for(link["endpoint"], **link.get("args", {})), "label": _(link["label"])}


def start_job(kind: str, params: dict, form: StartJobForm, *scope: object,
              back: tuple[str, dict, str] | None = None):
    """A page's button: the job for this page view (one per view), then its progress page.
    `back` = (endpoint, args, label msgid): a link the job's page keeps showing."""
    if back is not None:
        params = {**params, "back": {"endpoint": back[0], "args": back[1], "label": back[2]}}
    job = enqueue(kind, params, idempotency_key=form.idempotency_key(kind, *scope),
                  actor_id=actor_id(), now=now())
    return redirect(url_for("jobs.show", job_id=job.id))


STATE_LABELS = {
    "queued": N_("En attente"),
    "running": N_("En cours"),
    "succeeded": N_("Terminée"),
    "failed": N_("Échouée"),
}


@bp.get("/")
@roles_required(*EVERYONE)
def mine():
    query = select(Job).order_by(Job.id.desc()).limit(50)
    if current_user.role != Role.ADMIN:
        query = query.where(Job.requested_by_id == current_user.id)
    jobs = [job_view(job, links=False) for job in db.session.scalars(query)]
    return render_template("jobs/list.html", jobs=jobs, everyone=current_user.role in ADMIN)


@bp.get("/<int:job_id>")
@roles_required(*EVERYONE)
def show(job_id: int):
    return render_template("jobs/show.html", job=job_view(_visible_job(job_id)))


@bp.get("/<int:job_id>.json")
@roles_required(*EVERYONE)
def progress(job_id: int):
    response = jsonify(job_view(_visible_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
