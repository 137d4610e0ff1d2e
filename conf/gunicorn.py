"""gunicorn's settings for the Docker image and compose: ``gunicorn -c conf/gunicorn.py
conf.wsgi:application``. Command-line options still override these."""

from __future__ import annotations

import os

bind = "0.0.0.0:8000"  # inside a container; compose publishes it on 127.0.0.1 only
# Processes per container: WEB_CONCURRENCY (the usual variable of hosting platforms), else 3.
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
accesslog = "-"
# Private feed URLs carry their token in the path: never write it to a log.
logger_class = "conf.logging.RedactingGunicornLogger"
