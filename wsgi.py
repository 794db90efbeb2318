"""Production entry point: gunicorn wsgi:app"""

from refurb import create_app

app = create_app()
