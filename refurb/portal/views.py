from flask import Blueprint, render_template
from flask_login import current_user

from refurb.accounts.access import DONOR, roles_required

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.get("/")
@roles_required(*DONOR)
def home():
    return render_template("portal/home.html", organisation=current_user.donor_organisation)
