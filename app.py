"""WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""
from volunteer import create_app

app = create_app()
