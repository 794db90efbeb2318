"""The intake blueprint, on its own so that the topic modules attach their routes to it
without importing the package that imports them."""

from flask import Blueprint

bp = Blueprint("intake", __name__)
