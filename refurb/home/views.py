"""`/`: the home of the reader's role as a list of work queues. Each domain puts its queues
in `points.home_queues` (refurb/wiring.py); a donor goes to the donor portal."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from refurb.accounts.access import DONOR, STAFF, roles_required
from refurb.accounts.permissions import is_donor
from refurb.clock import local_date
from refurb.extension_points import HomeQueue, HomeReader, home_queues
from refurb.web import now, translate

bp = Blueprint("home", __name__)
PREVIEW_ROWS = 5


@dataclass(frozen=True)
class QueueLine:
    key: str
    label: str  # msgid, translated by the template
    hint: str
    count: int
    url: str
    preview: list[str]


def _line(queue: HomeQueue, reader: HomeReader) -> QueueLine:
    count = queue.count(reader)
    rows = queue.preview(reader)[:PREVIEW_ROWS] if queue.preview and count else []
    return QueueLine(queue.key, queue.label, queue.hint, count, queue.link(reader),
                     [translate(row) for row in rows])


@bp.get("/")
@roles_required(*STAFF, *DONOR)
def index():
    if is_donor(current_user):
        return redirect(url_for("portal.home"))
    moment = now()
    reader = HomeReader(user_id=current_user.id, role=str(current_user.role), now=moment,
                        today=local_date(moment))
    lines = [_line(queue, reader) for queue in home_queues.for_role(reader.role)]
    return render_template("home/index.html", lines=lines,
                           waiting=sum(1 for line in lines if line.count))
