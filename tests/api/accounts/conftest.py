from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated_throttles_fast_hashes(settings):
    """A fresh in-process cache per test, so throttle counters never leak between tests (or
    between concurrent test runs sharing the file or Redis cache), and a fast hasher: the
    throttle tests make dozens of login attempts."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-tests-{uuid.uuid4()}",
        }
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory(first_name="Ada", last_name="Lovelace")


@pytest.fixture
def signed_in(user) -> APIClient:
    """A session-authenticated client for ``user``."""
    client = APIClient()
    client.force_login(user)
    return client
