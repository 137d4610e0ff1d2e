from __future__ import annotations

import pytest
from django.db import connection

from conf.celery import app


@pytest.mark.django_db
def test_healthz_ok_reports_database_and_broker(client):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["detail"] == connection.vendor
    assert body["broker"]["ok"] is True
    assert body["broker"]["detail"] == app.conf.broker_url.split("://")[0]


@pytest.fixture
def broker_down():
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    app.conf.broker_url = saved


@pytest.mark.django_db
def test_healthz_503_when_broker_down(client, broker_down):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert "redis" in body["broker"]["detail"]
    assert body["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_healthz_503_when_database_down(client, database_down):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["database"]["ok"] is False
    assert "OperationalError" in body["database"]["detail"]
    assert body["broker"]["ok"] is True
    assert response["Retry-After"] == "30"


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
