"""The beneficiaries blueprint, on its own so the route modules and the package can both
import it without importing each other."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("beneficiaries", __name__, url_prefix="/beneficiaries")
