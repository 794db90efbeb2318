"""python -m refurb.station: the same as the refurb-station command."""

from .cli import run

run()
