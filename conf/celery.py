import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")

# Every task refuses an ETA/countdown beyond CELERY_MAX_DELAY_SECONDS (planner/celery_guard.py).
app = Celery("boardwalk", task_cls="planner.celery_guard:GuardedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["planner"])
