"""Transfer notes between workshops and the network's figures."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.clock import local_date
from refurb.core.asset_tags import normalise_scan
from refurb.core.errors import InvalidInput, NotFound
from refurb.core.i18n import N_
from refurb.devices.queries import paginate
from refurb.documents.csv_export import csv_response
from refurb.network import figures as network
from refurb.network import transfers
from refurb.network.forms import ReceptionForm, TransferForm
from refurb.network.permissions import can_see_every_workshop
from refurb.reports.forms import PeriodForm
from refurb.reports.periods import period_label, resolve_period
from refurb.web import actor_id, attempt, now, page_arg, translate
from refurb.workshops.context import current_workshop_id

bp = Blueprint("network", __name__, url_prefix="/network")


def _workshop_id() -> int:
    workshop_id = current_workshop_id()
    if workshop_id is None:
        abort(404)
    return workshop_id


def _note(note_id: int):
    try:
        return transfers.get_note(note_id, _workshop_id())
    except NotFound:
        abort(404)


def _transfer_form() -> TransferForm:
    form = TransferForm()
    form.to_workshop.choices = [(0, "—")] + [
        (w.id, w.name) for w in transfers.other_workshops(_workshop_id())]
    return form


def _list(form: TransferForm, status: int = 200):
    workshop_id = _workshop_id()
    incoming = request.args.get("incoming") == "1"  # the admin's home: notes to countersign
    query = transfers.visible_query(workshop_id)
    if incoming:
        query = transfers.to_receive(query, workshop_id)
    page = paginate(query, page_arg(), 50)
    return render_template("network/transfers.html", page=page, form=form,
                           workshop_id=workshop_id, incoming=incoming), status


@bp.get("/transfers")
@roles_required(*WORKSHOP)
def transfer_list():
    return _list(_transfer_form())


@bp.post("/transfers")
@roles_required(*WORKSHOP)
def sign_out():
    form, done = _transfer_form(), None
    if form.validate():
        tags = [normalise_scan(t) for t in transfers.parse_tags(form.tags.data)]
        with attempt() as done:
            note = transfers.sign_out(tags, form.to_workshop.data, note=form.note.data or "",
                                      actor_id=actor_id(), now=now())
    if not done:
        return _list(form, 400)
    flash(_("Bon %(number)s signé : %(count)s appareil(s) en route.", number=note.number,
            count=len(note.items)), "success")
    return redirect(url_for("network.transfer", note_id=note.id))


@bp.get("/transfers/<int:note_id>")
@roles_required(*WORKSHOP)
def transfer(note_id: int):
    note = _note(note_id)
    return _show(note, ReceptionForm())


def _show(note, form: ReceptionForm, status: int = 200):
    return render_template(
        "network/transfer.html", note=note, form=form,
        document=transfers.note_document(note),
        can_receive=note.state == "signed_out" and note.to_workshop_id == _workshop_id(),
        outgoing=note.from_workshop_id == _workshop_id()), status


@bp.post("/transfers/<int:note_id>/receive")
@roles_required(*WORKSHOP)
def receive(note_id: int):
    note = _note(note_id)
    if note.to_workshop_id != _workshop_id():
        abort(404)  # only the receiver confirms
    form, done = ReceptionForm(), None
    if form.validate():
        refusals = {i.asset_tag: request.form.get(f"reason-{i.id}", "")
                    for i in note.items if request.form.get(f"refuse-{i.id}")}
        with attempt() as done:
            transfers.receive(note, refusals, actor_id=actor_id(), now=now())
    if not done:
        return _show(_note(note_id), form, 400)
    flash(_("Réception du bon %(number)s confirmée.", number=note.number), "success")
    return redirect(url_for("network.transfer", note_id=note.id))


@bp.get("/transfers/<int:note_id>/note.pdf")
@roles_required(*WORKSHOP)
def transfer_pdf(note_id: int):
    document = transfers.note_document(_note(note_id))
    if document is None:
        abort(404)
    return send_file(io.BytesIO(document.content), mimetype=document.media_type,
                     download_name=document.filename, as_attachment=False)


# --- figures ------------------------------------------------------------------------------

HEADER = (N_("Atelier"), N_("Appareils collectés"), N_("Réemployés"), N_("Réemployés (kg)"),
          N_("Recyclés"), N_("Recyclés (kg)"), N_("DEEE remis (kg)"), N_("Foyers équipés"),
          N_("Heures de formation"), N_("Participations (€)"))


def _period():
    form = PeriodForm(formdata=request.args)
    today = local_date(now())
    try:
        if not form.validate():
            raise InvalidInput(N_("Période invalide : l’année en cours est affichée."))
        return resolve_period(year=form.year.data, start=form.start.data, end=form.end.data,
                              today=today), form
    except InvalidInput as error:
        flash(translate(error.msg), "error")
        return resolve_period(year=None, start=None, end=None, today=today), form


def _figures():
    period, form = _period()
    own = None if can_see_every_workshop(current_user) else [_workshop_id()]
    return period, form, network.network_figures(period, own)


def _cells(f: network.Figures) -> list:
    return [f.collected, f.reused, f.reused_kg, f.recycled, f.recycled_kg, f.weee_kg,
            f.households, f.training_hours, f.fees]


@bp.get("/figures")
@roles_required(*ADMIN)
def figures():
    period, form, result = _figures()
    args = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return render_template("network/figures.html", period=period, form=form,
                           period_label=period_label(period),
                           header=[_(h) for h in HEADER], period_args=args,
                           rows=[(r.name, _cells(r.figures)) for r in result.rows],
                           total=_cells(result.total),
                           every_workshop=can_see_every_workshop(current_user))


@bp.get("/figures.csv")
@roles_required(*ADMIN)
def figures_csv():
    period, _form, result = _figures()
    rows = [[r.code, r.name, *_cells(r.figures)] for r in result.rows]
    rows.append(["", _("Total du réseau"), *_cells(result.total)])
    return csv_response(f"chiffres-reseau-{period.start.isoformat()}-{period.end.isoformat()}.csv",
                        [_("Code"), *(_(h) for h in HEADER)], rows)
