"""Admin page: the archives on the server, and a button that starts a backup as a job."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField

from refurb.accounts.access import ADMIN, roles_required
from refurb.backups import services
from refurb.extensions import db
from refurb.jobs import enqueue
from refurb.jobs.models import Job
from refurb.jobs.views import job_view
from refurb.web import actor_id, now

bp = Blueprint("backups", __name__, url_prefix="/admin/backups")


class StartForm(FlaskForm):
    # Made when the page is shown: submitting the same page twice starts one backup.
    request_key = HiddenField()


@bp.get("/")
@roles_required(*ADMIN)
def index():
    form = StartForm(formdata=None, request_key=uuid.uuid4().hex)
    recent = db.session.scalars(select(Job).where(Job.kind.in_(("backup", "backup.nightly")))
                                .order_by(Job.id.desc()).limit(10))
    return render_template("backups/index.html", form=form,
                           backups=services.list_backups(current_app.config["BACKUP_DIR"]),
                           folder=current_app.config["BACKUP_DIR"],
                           jobs=[job_view(job) for job in recent])


@bp.post("/")
@roles_required(*ADMIN)
def start():
    form = StartForm()
    if not form.validate_on_submit():
        return redirect(url_for("backups.index"))
    key = f"backup:{form.request_key.data or uuid.uuid4().hex}"
    job = enqueue("backup", {}, idempotency_key=key, actor_id=actor_id(), now=now())
    return redirect(url_for("jobs.show", job_id=job.id))
