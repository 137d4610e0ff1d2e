import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")

app = Celery("boardwalk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["planner"])

# Refuses ETAs/countdowns beyond CELERY_MAX_DELAY_SECONDS in every process that publishes.
import planner.celery_guard  # noqa: E402, F401
