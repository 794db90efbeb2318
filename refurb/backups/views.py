"""Admin page: the archives on the server, and a button that starts a backup as a job."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from sqlalchemy import select

from refurb.accounts.access import ADMIN, roles_required
from refurb.backups import services
from refurb.extensions import db
from refurb.jobs.forms import StartJobForm
from refurb.jobs.models import Job
from refurb.jobs.views import job_view, start_job

bp = Blueprint("backups", __name__, url_prefix="/admin/backups")


@bp.get("/")
@roles_required(*ADMIN)
def index():
    form = StartJobForm.fresh()
    recent = db.session.scalars(select(Job).where(Job.kind.in_(("backup", "backup.nightly")))
                                .order_by(Job.id.desc()).limit(10))
    return render_template("backups/index.html", form=form,
                           backups=services.list_backups(current_app.config["BACKUP_DIR"]),
                           folder=current_app.config["BACKUP_DIR"],
                           jobs=[job_view(job, links=False) for job in recent])


@bp.post("/")
@roles_required(*ADMIN)
def start():
    form = StartJobForm()
    if not form.validate_on_submit():
        return redirect(url_for("backups.index"))
    return start_job("backup", {}, form)
