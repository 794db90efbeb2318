"""The wiping blueprint, on its own so the topic modules can attach their routes to it without
importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("wiping", __name__)
