from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache


class RecordingCache(LocMemCache):
    """An in-process cache that remembers which keys were read and written."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.reads: list[str] = []
        self.writes: list[str] = []

    def get(self, key, default=None, version=None):
        self.reads.append(key)
        return super().get(key, default, version)

    def set(self, key, value, timeout=None, version=None):
        self.writes.append(key)
        super().set(key, value, timeout, version)


@pytest.fixture(autouse=True)
def bundle_cache(settings) -> RecordingCache:
    """A private cache per test: never the shared file cache under var/, which other test
    runs (and `make run`) use and clear."""
    settings.CACHES = {
        "default": {
            "BACKEND": "tests.api.bundle.conftest.RecordingCache",
            "LOCATION": f"bundle-{uuid.uuid4()}",
        }
    }
    return caches["default"]
