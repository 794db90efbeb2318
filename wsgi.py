"""Production entry point: gunicorn wsgi:app"""

import gc

from refurb import create_app

app = create_app()
# The app's ~300,000 long-lived objects (models, routes, schemas, catalogues) move out of the
# garbage collector's sight: its full collections no longer walk them under load.
gc.freeze()
