"""What ``bench/scale.py`` serves with gunicorn: the app, and beside it, in the same
workers, a bare Flask route returning 20 KB (``/bare/``), the ceiling the campaign page
is measured against."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from campaigns import create_app

BODY = "x" * 20 * 1024

bare = Flask("bare")


@bare.get("/")
def twenty_kilobytes() -> str:
    return BODY


app = DispatcherMiddleware(create_app(), {"/bare": bare})
