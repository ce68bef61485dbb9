"""Entry point for gunicorn (``gunicorn wsgi:app``), ``flask --app wsgi`` and the Celery
worker and beat (``celery --app wsgi.celery_app worker`` / ``beat``)."""

from campaigns import create_app

app = create_app()
celery_app = app.extensions["celery"]
