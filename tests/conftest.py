from __future__ import annotations

import pytest
from django.db import connection

from tests.infra import REAL_DATA, in_ci, redis_available, redis_url_for_tests


def _database_description() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    vendor = connection.vendor
    if vendor == "postgresql":
        return f"postgresql {db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
    return f"{vendor} {db.get('NAME')}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    redis_ok, redis_where = redis_available()
    return [
        f"boardwalk: CI={'true' if in_ci() else 'false'}",
        f"boardwalk: database {_database_description()}",
        f"boardwalk: app broker {settings.CELERY_BROKER_URL.split('@')[-1]}",
        f"boardwalk: redis for tests {redis_url_for_tests()} ({'up' if redis_ok else redis_where})",
        f"boardwalk: real schedules {REAL_DATA} "
        + (
            "(found)"
            if REAL_DATA.is_dir()
            else "(missing: importer tests on real files not collected)"
        ),
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the real services are required: fail the run at once rather than skip tests."""
    if not in_ci():
        return
    problems = []
    if connection.vendor != "postgresql":
        problems.append(
            f"CI=true but the database is {connection.vendor}; set DATABASE_URL to PostgreSQL "
            "(make test does: postgres://postgres@127.0.0.1:5432/boardwalk)"
        )
    else:
        import psycopg
        from django.conf import settings

        db = settings.DATABASES["default"]
        try:
            # The maintenance database: the test database does not exist yet at this point.
            psycopg.connect(
                host=db.get("HOST") or None,
                port=db.get("PORT") or 5432,
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.Error as exc:
            problems.append(f"CI=true but PostgreSQL is unreachable: {exc}")
    redis_ok, redis_where = redis_available()
    if not redis_ok:
        problems.append(f"CI=true but Redis is unreachable: {redis_where}")
    if not REAL_DATA.is_dir():
        problems.append(f"CI=true but the real schedules are missing: {REAL_DATA}")
    if problems:
        pytest.exit("\n".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if in_ci():
        return
    skip_pg = None
    if connection.vendor != "postgresql":
        skip_pg = pytest.mark.skip(
            reason=f"needs PostgreSQL; the database is {connection.vendor} (set DATABASE_URL, or CI=true with make test)"
        )
    redis_ok, redis_where = redis_available()
    skip_redis = (
        None
        if redis_ok
        else pytest.mark.skip(reason=f"needs Redis at {redis_url_for_tests()}: {redis_where}")
    )
    for item in items:
        if skip_pg and "postgres" in item.keywords:
            item.add_marker(skip_pg)
        if skip_redis and "redis" in item.keywords:
            item.add_marker(skip_redis)


@pytest.fixture
def conference(db):
    from tests.factories import ConferenceFactory

    return ConferenceFactory()


@pytest.fixture(autouse=True)
def _fast_password_hashes(settings):
    """Every factory user hashes a password; PBKDF2 costs ~0.8 s each on the CI machine.
    Tests of password handling itself go through Django's API, which works with any hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def own_cache(settings):
    """A fresh in-process cache for one test: cached bodies are keyed by row ids, which other
    test runs (sharing the file cache of `make run`, or Redis) reuse."""
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def database_down(tmp_path):
    """The default database pointed at a port nothing listens on (a missing file on SQLite);
    restored afterwards."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = 1
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing-dir" / "db.sqlite3")
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)
